package dev.strata.ingest;

import java.time.Duration;

/**
 * What one committed landing batch did, passed to {@link LandingListener}s after the commit.
 *
 * @param source       the source's name (its rows are in {@code stg.<source>})
 * @param batchId      the {@code _batch_id} of its rows and the id of its {@code strata.landing_batches} row
 * @param rowsLanded   rows inserted into {@code stg.<source>}
 * @param duplicates   records dropped by the dedup key
 * @param deadLetters  records written to {@code strata.dead_letters}
 * @param latency      from sealing the batch to its commit (includes retries)
 */
public record LandedBatch(String source, long batchId, int rowsLanded, int duplicates, int deadLetters,
                          Duration latency) {
}
