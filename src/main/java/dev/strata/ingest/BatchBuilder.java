package dev.strata.ingest;

import dev.strata.config.BatchConfig;
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
    /** Set for {@code format: debezium}: each value is a change event, unwrapped before it is decoded. */
    private final DebeziumEnvelope envelope;
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
    private final EventTimes.MillisFormatter sourceTimes = new EventTimes.MillisFormatter();
    private static final String[] PARTITION_TEXT = new String[64];

    static {
        for (int i = 0; i < PARTITION_TEXT.length; i++) {
            PARTITION_TEXT[i] = Integer.toString(i);
        }
    }

    BatchBuilder(long generation, BatchConfig limits, RecordDecoder decoder, DebeziumEnvelope envelope,
                 LandingMetrics metrics) {
        this(generation, limits, decoder, envelope, metrics, new CsvRows(1 << 20));
    }

    /** With a (reset) buffer from an earlier batch: it has grown to batch size already. */
    BatchBuilder(long generation, BatchConfig limits, RecordDecoder decoder, DebeziumEnvelope envelope,
                 LandingMetrics metrics, CsvRows buffer) {
        this.generation = generation;
        this.limits = limits;
        this.decoder = decoder;
        this.envelope = envelope;
        this.metrics = metrics;
        this.csv = buffer;
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
        byte[] landed = value;
        String changeKey = null;
        long sourceMillis = timestampMillis;
        if (envelope != null) {
            DebeziumEnvelope.Read change = envelope.read(key, value);
            if (change.skipped()) {
                metrics.skipped();   // a tombstone: the delete before it is the change
                return;
            }
            if (change.rejection() != null) {
                deadLetters.add(new DeadLetter(partition, offset, key, value, headersJson, timestampMillis,
                        change.rejection().reason(), change.rejection().message()));
                return;
            }
            landed = change.value();
            changeKey = change.key();
            if (change.sourceMillis() >= 0) {
                sourceMillis = change.sourceMillis();
            }
        }
        RecordDecoder.Decoded d = decoder.decode(landed);
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
        String eventTime = d.eventTime();
        if (envelope != null && !decoder.readsEventTime() && sourceMillis >= 0) {
            eventTime = sourceTimes.format(sourceMillis);   // as a cdc source: the change's time on the source
        }
        if (d.key() != null && !keys.add(d.key())) {
            duplicates++;
            return;
        }
        csv.beginRow()   // the payload must stay field 1: RawRecord's value is read back from it
                .text(envelope != null ? changeKey : d.key())
                .utf8(landed)
                .text(partition < PARTITION_TEXT.length ? PARTITION_TEXT[partition] : Integer.toString(partition))
                .number(offset)
                .text(eventTime)
                .text(sourceMillis < 0 ? null : sourceTimes.format(sourceMillis))
                .text(headersJson)
                .endRow();
        raw.add(new Batch.RawRecord(partition, offset, key, null, headersJson, timestampMillis));
    }

    /**
     * Closes the batch. {@code nextExpected} holds each partition's current position (the next
     * offset not yet landed); it is advanced past this batch, so the following batch chains on.
     */
    Batch seal(Map<Integer, Long> nextExpected) {
        List<PositionMove> positions = new java.util.ArrayList<>();
        ranges.forEach((p, r) -> {
            Long expected = nextExpected.get(p);
            if (expected == null) {
                throw new IllegalStateException("no known position for partition " + p);
            }
            positions.add(new PositionMove(StreamOffset.kafka(p, expected), StreamOffset.kafka(p, r[1] + 1)));
            nextExpected.put(p, r[1] + 1);
        });
        return new Batch(generation, csv, List.copyOf(raw), List.copyOf(deadLetters), records, duplicates, bytes,
                List.copyOf(positions));
    }

    /** A one-off batch with no positions (dead-letter replay). */
    Batch sealWithoutPositions() {
        return new Batch(generation, csv, List.copyOf(raw), List.copyOf(deadLetters), records, duplicates, bytes, List.of());
    }
}
