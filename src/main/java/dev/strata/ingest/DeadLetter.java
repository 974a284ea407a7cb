package dev.strata.ingest;

/**
 * A record that could not land, kept with its raw bytes: written to {@code strata.dead_letters} in
 * the transaction of its batch, so that it is neither lost nor retried forever.
 */
record DeadLetter(int partition, long offset, byte[] rawKey, byte[] rawValue, String headersJson,
                  long timestampMillis, RecordDecoder.Reason reason, String message) {
}
