package dev.strata.ingest;

import java.util.List;

/**
 * A sealed landing batch, handed from a lander's consumer thread to its writer thread: the rows to
 * land (CSV for COPY, plus each row's raw record in case the warehouse refuses one), the dead
 * letters, and per partition the position range it covers. Immutable once sealed.
 *
 * @param generation the lander's generation when sealed; a batch from an older generation is dropped
 * @param positions  each stream's move, from the position read to the new one; empty for replays
 */
record Batch(long generation, CsvRows rows, List<RawRecord> rawRows, List<DeadLetter> deadLetters,
             int records, int duplicatesInBatch, long bytes, List<PositionMove> positions) {

    /**
     * A record accepted for landing, kept so it can become a dead letter if the warehouse refuses
     * it. {@code value} may be null: then it is read back from the row's CSV ({@link CsvRows#field}),
     * so that a batch does not hold every record's bytes twice until it commits.
     */
    record RawRecord(int partition, long offset, byte[] key, byte[] value, String headersJson, long timestampMillis) {
    }

    int rowCount() {
        return rows.rowCount();
    }

    /** {"stream": [from, to)} of the tokens as JSON, for {@code strata.landing_batches.positions}. */
    String positionsJson() {
        StringBuilder sb = new StringBuilder("{");
        positions.stream().sorted(java.util.Comparator.comparing(PositionMove::stream)).forEach(m -> {
            if (sb.length() > 1) {
                sb.append(',');
            }
            sb.append('"').append(m.stream()).append("\":[").append(m.from().token()).append(',')
                    .append(m.to().token()).append(']');
        });
        return sb.append('}').toString();
    }
}
