package dev.strata.config;

import java.time.Duration;

/**
 * When a lander closes a batch: after {@code maxRecords} records, {@code maxBytes} of payload or
 * {@code maxWait} since the batch's first record, whichever comes first. The same limits bound the
 * memory a lander holds when the warehouse is slower than the source.
 */
public record BatchConfig(int maxRecords, long maxBytes, Duration maxWait) {
    /** Large enough that per-batch round trips cost little under a backlog; max_wait bounds latency otherwise. */
    public static final int DEFAULT_MAX_RECORDS = 50_000;
    public static final long DEFAULT_MAX_BYTES = 16L * 1024 * 1024;
    public static final Duration DEFAULT_MAX_WAIT = Duration.ofMillis(500);

    public static BatchConfig defaults() {
        return new BatchConfig(DEFAULT_MAX_RECORDS, DEFAULT_MAX_BYTES, DEFAULT_MAX_WAIT);
    }
}
