package dev.strata.ingest;

import dev.strata.config.BatchConfig;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Collects records into the next batch on a lander's consumer thread: decodes each one, encodes
 * the landable ones as CSV, keeps the rejected ones as dead letters and drops a key seen earlier
 * in the same batch (the first occurrence wins, as it would across batches). Closes at
 * {@code batch.max_records} records, {@code batch.max_bytes} bytes or {@code batch.max_wait} after
 * its first record. Not thread-safe.
 */
final class BatchBuilder {
    private final long generation;
    private final BatchConfig limits;
    private final RecordDecoder decoder;
    private final CsvRows csv;
    private final List<Batch.RawRecord> raw = new ArrayList<>();
    private final List<DeadLetter> deadLetters = new ArrayList<>();
    private final Set<String> keys = new HashSet<>();
    private final Map<Integer, long[]> ranges = new HashMap<>();   // partition → {first offset, last offset}
    private final LandingMetrics metrics;
    private int records;
    private int duplicates;
    private long bytes;
    private long firstAtNanos;

    BatchBuilder(long generation, BatchConfig limits, RecordDecoder decoder, LandingMetrics metrics) {
        this.generation = generation;
        this.limits = limits;
        this.decoder = decoder;
        this.metrics = metrics;
        this.csv = new CsvRows((int) Math.min(limits.maxBytes() + limits.maxBytes() / 4, 64L << 20));
    }

    long generation() {
        return generation;
    }

    int records() {
        return records;
    }

    boolean isEmpty() {
        return records == 0;
    }

    boolean full() {
        return records >= limits.maxRecords() || bytes >= limits.maxBytes();
    }

    boolean ready(long nowNanos) {
        return records > 0 && (full() || nowNanos - firstAtNanos >= limits.maxWait().toNanos());
    }

    /** Adds one record; {@code headersJson} is its headers as {@link Headers#toJson} writes them, or null. */
    void add(int partition, long offset, byte[] key, byte[] value, long timestampMillis, String headersJson,
             long nowNanos) {
        if (records == 0) {
            firstAtNanos = nowNanos;
        }
        records++;
        bytes += (value == null ? 0 : value.length) + (key == null ? 0 : key.length);
        long[] range = ranges.computeIfAbsent(partition, p -> new long[] {offset, offset});
        range[1] = offset;
        RecordDecoder.Decoded d = decoder.decode(value);
        if (d.skipped()) {
            metrics.skipped();   // another source's record: the position moves past it, nothing lands
            return;
        }
        if (!d.accepted()) {
            deadLetters.add(new DeadLetter(partition, offset, key, value, headersJson, timestampMillis,
                    d.rejection().reason(), d.rejection().message()));
            return;
        }
        if (d.eventTimeUnreadable()) {
            metrics.eventTimeUnreadable();
        }
        if (d.key() != null && !keys.add(d.key())) {
            duplicates++;
            return;
        }
        csv.beginRow()
                .text(d.key())
                .utf8(value)
                .text(Integer.toString(partition))
                .number(offset)
                .text(d.eventTime() == null ? null : d.eventTime().toString())
                .text(timestampMillis < 0 ? null : Instant.ofEpochMilli(timestampMillis).toString())
                .text(headersJson)
                .endRow();
        raw.add(new Batch.RawRecord(partition, offset, key, value, headersJson, timestampMillis));
    }

    /**
     * Closes the batch. {@code nextExpected} holds each partition's current position (the next
     * offset not yet landed); it is advanced past this batch, so the following batch chains on.
     */
    Batch seal(Map<Integer, Long> nextExpected) {
        Map<Integer, long[]> positions = new HashMap<>();
        ranges.forEach((p, r) -> {
            Long expected = nextExpected.get(p);
            if (expected == null) {
                throw new IllegalStateException("no known position for partition " + p);
            }
            positions.put(p, new long[] {expected, r[1] + 1});
            nextExpected.put(p, r[1] + 1);
        });
        return new Batch(generation, csv, List.copyOf(raw), List.copyOf(deadLetters), records, duplicates, bytes,
                Map.copyOf(positions));
    }

    /** A one-off batch with no positions (dead-letter replay). */
    Batch sealWithoutPositions() {
        return new Batch(generation, csv, List.copyOf(raw), List.copyOf(deadLetters), records, duplicates, bytes, Map.of());
    }
}
