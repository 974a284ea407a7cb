package dev.strata.cli;

import dev.strata.runtime.ShutdownOrder;
import java.util.concurrent.CountDownLatch;

/**
 * Turns Ctrl-C (SIGINT/SIGTERM) into a latch a long-running command waits on, and holds the JVM's
 * exit until the command says it has finished stopping: the shutdown hook counts {@link #stop()}
 * down, then waits for {@link #finished()}, so landing can commit or abandon its batch and a mart
 * build can roll back before the process ends.
 */
final class ShutdownSignal implements AutoCloseable {
    private final CountDownLatch stop = new CountDownLatch(1);
    private final CountDownLatch finished = new CountDownLatch(1);

    private ShutdownSignal() {
    }

    static ShutdownSignal install(String name) {
        ShutdownSignal s = new ShutdownSignal();
        // the embedded servers' own hooks wait for this command to finish before they stop
        ShutdownOrder.commandStarted();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            s.stop.countDown();
            try {
                s.finished.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, name + "-shutdown"));
        return s;
    }

    /** Counts down when the user asks the process to stop. */
    CountDownLatch stop() {
        return stop;
    }

    /** Tells the shutdown hook the command has stopped, so the JVM may exit. */
    @Override
    public void close() {
        if (finished.getCount() > 0) {
            finished.countDown();
            ShutdownOrder.commandFinished();
        }
    }
}
