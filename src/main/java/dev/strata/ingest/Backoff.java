package dev.strata.ingest;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Capped exponential backoff with jitter for retrying an unavailable warehouse or broker:
 * {@code initial}, doubling up to {@code max}, each delay randomised by ±20% so that several
 * processes do not retry in lockstep. Not thread-safe.
 */
final class Backoff {
    static final Duration WAREHOUSE_INITIAL = Duration.ofMillis(200);
    static final Duration WAREHOUSE_MAX = Duration.ofSeconds(10);

    private final long initialMillis;
    private final long maxMillis;
    private int attempts;
    private long firstFailureNanos;

    Backoff(Duration initial, Duration max) {
        this.initialMillis = initial.toMillis();
        this.maxMillis = max.toMillis();
    }

    static Backoff forWarehouse() {
        return new Backoff(WAREHOUSE_INITIAL, WAREHOUSE_MAX);
    }

    /** Records a failure and returns how long to wait before the next attempt. */
    Duration next() {
        if (attempts == 0) {
            firstFailureNanos = System.nanoTime();
        }
        long base = attempts >= 30 ? maxMillis : Math.min(maxMillis, initialMillis << attempts);
        attempts++;
        double jitter = 0.8 + 0.4 * ThreadLocalRandom.current().nextDouble();
        return Duration.ofMillis(Math.max(1, Math.round(base * jitter)));
    }

    /** Failures since the last success. */
    int attempts() {
        return attempts;
    }

    /** Time since the first failure of the current run of failures. */
    Duration failingFor() {
        return attempts == 0 ? Duration.ZERO : Duration.ofNanos(System.nanoTime() - firstFailureNanos);
    }

    void reset() {
        attempts = 0;
    }
}
