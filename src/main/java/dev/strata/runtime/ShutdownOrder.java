package dev.strata.runtime;

import java.time.Duration;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Orders the JVM's shutdown hooks, which Java otherwise runs all at once: on Ctrl-C a command
 * (`strata run`, `strata demo`) still finishes its work — commits or abandons its batch, rolls back
 * a mart build, verifies the demo's marts — while the embedded servers it uses must stay up. A
 * command that stops gracefully holds the order from start to end ({@link #commandStarted},
 * {@link #commandFinished}); the servers' hooks {@link #awaitCommands wait} for every such command
 * before they stop their server.
 */
public final class ShutdownOrder {
    private static final ReentrantLock LOCK = new ReentrantLock();
    private static final Condition IDLE = LOCK.newCondition();
    private static int running;

    private ShutdownOrder() {
    }

    public static void commandStarted() {
        LOCK.lock();
        try {
            running++;
        } finally {
            LOCK.unlock();
        }
    }

    public static void commandFinished() {
        LOCK.lock();
        try {
            running = Math.max(0, running - 1);
            if (running == 0) {
                IDLE.signalAll();
            }
        } finally {
            LOCK.unlock();
        }
    }

    /**
     * Waits until no command is running, at most {@code limit} (a command that hangs must not keep
     * a server alive forever); returns whether they all finished.
     */
    public static boolean awaitCommands(Duration limit) {
        long left = limit.toNanos();
        LOCK.lock();
        try {
            while (running > 0) {
                if (left <= 0) {
                    return false;
                }
                left = IDLE.awaitNanos(left);
            }
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } finally {
            LOCK.unlock();
        }
    }
}
