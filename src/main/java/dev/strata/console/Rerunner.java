package dev.strata.console;

import java.time.Instant;

/**
 * Re-runs one interval of one node, on the same code path as {@code strata backfill --rerun}.
 * Supplied by the scheduler. The console has already checked that the node exists and that a
 * task run for the interval exists; the implementation queues the new attempt and returns without
 * waiting for it to run.
 */
@FunctionalInterface
public interface Rerunner {
    /** Queues a new attempt of {@code node} over {@code [start, end)}. */
    void rerun(String node, Instant start, Instant end);

    /** Used when no scheduler runs in this process: the console answers 503. */
    Rerunner UNAVAILABLE = (node, start, end) -> {
        throw new UnsupportedOperationException("re-run is not available: no scheduler runs in this process");
    };
}
