package dev.strata.schedule;

import dev.strata.warehouse.Warehouse;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code threads} workers of one process claiming and running task runs that match a filter.
 * Idle workers poll every {@code poll} and are woken at once when a local run finishes (which may
 * make its downstream runnable). {@link #stop} stops claiming, waits for running attempts up to a
 * grace period, then aborts them (rolled back, given back to the queue).
 */
final class WorkerPool implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(WorkerPool.class);

    /** Told about each finished attempt, and when a worker found nothing to claim (from the worker's thread). */
    interface Listener {
        void finished(TaskRunStore.ClaimedRun run, TaskRunner.Outcome outcome);

        /** A worker's claim came back empty: it waits for a wake-up or the poll interval. */
        default void idle() {
        }

        /** An attempt failed and the run waits out its {@code retry_delay} before the next one. */
        default void retrying(RetryWait wait) {
        }
    }

    private final TaskRunStore store;
    private final TaskRunner runner;
    private final String workerId;
    private final int threads;
    private final Duration lease;
    private final Duration poll;
    private final TaskRunStore.Filter filter;
    private final Listener listener;
    private final ScheduledExecutorService watchdog;
    private final PipelineRuns pipelineRuns;
    private final List<Thread> workers = new ArrayList<>();
    private final AtomicInteger busy = new AtomicInteger();
    private final Object signal = new Object();
    private volatile boolean stopping;
    private long generation;

    WorkerPool(Pipeline pipeline, Warehouse warehouse, TaskRunStore store, Clock clock, String workerId, int threads,
               Duration lease, Duration poll, TaskRunStore.Filter filter, Listener listener) {
        this.store = store;
        this.workerId = workerId;
        this.threads = threads;
        this.lease = lease;
        this.poll = poll;
        this.filter = filter;
        this.listener = listener;
        this.watchdog = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "strata-task-watchdog");
            t.setDaemon(true);
            return t;
        });
        this.runner = new TaskRunner(pipeline, warehouse, store, watchdog, clock, listener::retrying);
        this.pipelineRuns = PipelineRuns.of(warehouse, pipeline, clock);
    }

    void start() {
        for (int i = 1; i <= threads; i++) {
            String id = threads == 1 ? workerId : workerId + "#" + i;
            Thread t = new Thread(() -> loop(id), "strata-worker-" + i);
            t.setDaemon(true);
            workers.add(t);
            t.start();
        }
    }

    /** Attempts running right now in this pool. */
    int busy() {
        return busy.get();
    }

    /** Wakes idle workers (new runs were queued, or a run finished). */
    void wake() {
        synchronized (signal) {
            generation++;
            signal.notifyAll();
        }
    }

    private void loop(String id) {
        Duration backoff = poll;
        while (!stopping) {
            long seen;
            synchronized (signal) {
                seen = generation;
            }
            Optional<TaskRunStore.ClaimedRun> claimed;
            busy.incrementAndGet();
            try {
                claimed = store.claim(id, lease, filter);
                backoff = poll;
            } catch (SQLException e) {
                busy.decrementAndGet();
                LOG.warn("worker {}: cannot claim a task run ({}); retrying in {} ms", id, e.getMessage(), backoff.toMillis());
                sleep(backoff);
                backoff = backoff.multipliedBy(2).compareTo(Duration.ofSeconds(10)) > 0 ? Duration.ofSeconds(10) : backoff.multipliedBy(2);
                continue;
            }
            if (claimed.isEmpty()) {
                busy.decrementAndGet();
                listener.idle();
                synchronized (signal) {
                    if (generation == seen && !stopping) {
                        try {
                            signal.wait(poll.toMillis());
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            return;
                        }
                    }
                }
                continue;
            }
            TaskRunner.Outcome outcome;
            try {
                outcome = runner.run(claimed.get());
            } finally {
                busy.decrementAndGet();
            }
            listener.finished(claimed.get(), outcome);
            if (outcome == TaskRunner.Outcome.SUCCESS || outcome == TaskRunner.Outcome.FAILED) {
                settle(id);
            }
            wake();
        }
    }

    /** Finishes the pipeline runs the attempt may have completed (a failure here is retried by the next settle). */
    private void settle(String id) {
        try {
            pipelineRuns.settle();
        } catch (SQLException | RuntimeException e) {
            LOG.warn("worker {}: could not update the pipeline run log ({}); the next task or tick retries", id, e.getMessage());
        }
    }

    /** Waits for {@code d}, or less when woken (so a stop never waits for a backoff to end). */
    private void sleep(Duration d) {
        synchronized (signal) {
            if (stopping) {
                return;
            }
            try {
                signal.wait(d.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Stops claiming; waits up to {@code grace} for running attempts, then aborts them. */
    void stop(Duration grace) {
        stopping = true;
        wake();
        long deadline = System.nanoTime() + grace.toNanos();
        for (Thread t : workers) {
            long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            if (left > 0) {
                try {
                    t.join(left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        if (workers.stream().anyMatch(Thread::isAlive)) {
            LOG.info("stopping: aborting {} running task(s); they roll back and go back to the queue", busy.get());
            runner.abortRunning();
            for (Thread t : workers) {
                try {
                    t.join(10_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        watchdog.shutdownNow();
    }

    @Override
    public void close() {
        stop(Duration.ZERO);
    }
}
