package dev.strata.ingest;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Produces order messages with unique ids ({@code o-0}, {@code o-1}, ...) at a steady pace on a
 * background thread until stopped, remembering every id produced.
 */
final class Producing implements AutoCloseable {
    private final LandingFixture fixture;
    private final Set<String> ids = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean stop = new AtomicBoolean();
    private final Thread thread;

    Producing(LandingFixture fixture, int perSecond) {
        this.fixture = fixture;
        this.thread = new Thread(() -> {
            int i = 0;
            long t0 = System.nanoTime();
            while (!stop.get()) {
                String id = "o-" + i;
                fixture.send(i % fixture.partitions, null, LandingFixture.order(id, i));
                ids.add(id);
                i++;
                long due = t0 + (long) i * 1_000_000_000L / perSecond;
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    try {
                        Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }
        }, "test-producer");
        thread.start();
    }

    int produced() {
        return ids.size();
    }

    /** Stops producing and waits until everything sent is acknowledged; returns the ids produced. */
    Set<String> finish() throws InterruptedException {
        stop.set(true);
        thread.join();
        fixture.flush();
        return Set.copyOf(ids);
    }

    @Override
    public void close() throws InterruptedException {
        stop.set(true);
        thread.join();
    }
}
