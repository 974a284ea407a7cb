package dev.strata.embedded;

import dev.strata.ErrorCode;
import dev.strata.StrataException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps an embedded server running: when its process exits without Strata asking it to (a crash,
 * {@code kill -9}, the OOM killer; noticed within {@link #POLL}), it is started again on the same
 * port and data, after {@link #FIRST_WAIT} and then doubling waits up to {@link #MAX_WAIT}. If it has not come back
 * within {@link #GIVE_UP_AFTER} of the exit, the supervisor gives up: {@link #failure()}
 * completes with an error naming the server and the last reason, and the command stops with it
 * ({@code strata run} exits with code 1). Clients reconnect on their own: landing and the
 * scheduler retry through their usual paths while the server is away.
 *
 * <p>Used for every server Strata starts as a process of its own (PostgreSQL, MariaDB, Redis):
 * each gives a name, the process to watch and how to start it again. The in-process Kafka broker
 * needs none: it dies only with the JVM.
 */
final class Supervisor implements AutoCloseable {
    static final Duration FIRST_WAIT = Duration.ofMillis(250);
    static final Duration MAX_WAIT = Duration.ofSeconds(5);
    static final Duration GIVE_UP_AFTER = Duration.ofSeconds(60);
    /** How often a watched process is checked, besides its {@code onExit()}. */
    static final Duration POLL = Duration.ofMillis(100);
    private static final Logger LOG = LoggerFactory.getLogger(Supervisor.class);
    private static final ScheduledExecutorService POLLER = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "strata-supervise-poll");
        t.setDaemon(true);
        return t;
    });

    /** Starts the server again and returns its new process. */
    @FunctionalInterface
    interface Restart {
        ProcessHandle restart() throws Exception;
    }

    private final String name;
    private final Restart restart;
    private final Duration giveUpAfter;
    private final CompletableFuture<StrataException> failure = new CompletableFuture<>();
    private volatile boolean closed;
    private volatile ProcessHandle process;
    private volatile int restarts;

    Supervisor(String name, ProcessHandle process, Restart restart) {
        this(name, process, restart, GIVE_UP_AFTER);
    }

    Supervisor(String name, ProcessHandle process, Restart restart, Duration giveUpAfter) {
        this.name = name;
        this.restart = restart;
        this.giveUpAfter = giveUpAfter;
        watch(process);
    }

    private void watch(ProcessHandle p) {
        process = p;
        AtomicBoolean noticed = new AtomicBoolean();
        Runnable exited = () -> {
            if (!closed && process == p && noticed.compareAndSet(false, true)) {
                Thread t = new Thread(() -> recover(p), "strata-supervise-" + name);
                t.setDaemon(true);
                t.start();
            }
        };
        p.onExit().thenRun(exited);
        // onExit of a process that is not this JVM's child (PostgreSQL's postmaster, which pg_ctl
        // detaches) is the JDK polling with sleeps that grow to 5 s: a long-running server's death
        // would go unnoticed for seconds. Checking it every POLL bounds that.
        ScheduledFuture<?>[] check = new ScheduledFuture<?>[1];
        synchronized (check) {
            check[0] = POLLER.scheduleWithFixedDelay(() -> {
                if (closed || process != p || noticed.get()) {
                    synchronized (check) {
                        check[0].cancel(false);
                    }
                } else if (!p.isAlive()) {
                    exited.run();
                }
            }, POLL.toMillis(), POLL.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    private void recover(ProcessHandle dead) {
        long exitedAt = System.nanoTime();
        LOG.warn("the embedded {} server (pid {}) exited unexpectedly; restarting it", name, dead == null ? "?" : dead.pid());
        long wait = FIRST_WAIT.toNanos();
        String lastError = "";
        int attempts = 0;
        while (!closed) {
            LockSupport.parkNanos(wait);
            if (closed) {
                return;
            }
            attempts++;
            try {
                ProcessHandle p;
                // restart and watch under the lock restartNow takes: a deliberate restart between the
                // two would otherwise stop a server this thread then watches, and take that stop
                // for a crash (seen under load as an endless restart loop)
                synchronized (this) {
                    if (closed) {
                        return;
                    }
                    if (process != null && process != dead) {
                        return;   // restarted on purpose meanwhile: nothing left to recover
                    }
                    p = restart.restart();
                    restarts++;
                    watch(p);
                }
                LOG.warn("the embedded {} server is back (pid {}) after {} ms and {} attempt(s)", name, p.pid(),
                        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - exitedAt), attempts);
                return;
            } catch (Exception e) {
                lastError = String.valueOf(e.getMessage());
                LOG.debug("restarting the embedded {} server failed (attempt {}): {}", name, attempts, lastError);
            }
            if (System.nanoTime() - exitedAt > giveUpAfter.toNanos()) {
                StrataException fatal = new StrataException(ErrorCode.EMBEDDED, "the embedded " + name + " server exited "
                        + "and could not be restarted within " + giveUpAfter.toSeconds() + " s (" + attempts
                        + " attempts); last error: " + lastError);
                LOG.error(fatal.getMessage());
                failure.complete(fatal);
                return;
            }
            wait = Math.min(MAX_WAIT.toNanos(), wait * 2);
        }
    }

    /**
     * Restarts the server on purpose (its process is stopped by {@code restart}, and that exit is
     * not taken for a crash). If the restart fails, recovery takes over as after a crash: retries
     * with backoff, then {@link #failure()}; the exception is thrown either way.
     */
    synchronized void restartNow() throws Exception {
        ProcessHandle old = process;
        process = null;   // from now on its exit is expected
        try {
            watch(restart.restart());
        } catch (Exception e) {
            if (!closed) {
                Thread t = new Thread(() -> recover(old), "strata-supervise-" + name);
                t.setDaemon(true);
                t.start();
            }
            throw e;
        }
    }

    /** Completes when the supervisor gave up on the server; never completes while it runs or is restarted. */
    CompletableFuture<StrataException> failure() {
        return failure;
    }

    /** Restarts done so far. */
    int restarts() {
        return restarts;
    }

    /** The process watched now. */
    ProcessHandle process() {
        return process;
    }

    /** From now on an exit is expected (the server is being stopped): no restart. */
    @Override
    public void close() {
        closed = true;
    }
}
