package dev.strata.ingest;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A source's landing meters in the process's registry, tagged {@code source=<name>}:
 * <ul>
 *   <li>{@code strata.landing.rows} — rows inserted into {@code stg.<source>};</li>
 *   <li>{@code strata.landing.duplicates} — records dropped by the dedup key;</li>
 *   <li>{@code strata.landing.skipped} — records the source's {@code filter:} does not select;</li>
 *   <li>{@code strata.landing.dead_letters} — records written to dead letters, tagged {@code reason};</li>
 *   <li>{@code strata.landing.batch.latency} — seal-to-commit time of each batch (a timer);</li>
 *   <li>{@code strata.landing.lag} — per {@code partition}: records in the topic not yet landed
 *       (log end offset minus the warehouse position), a gauge;</li>
 *   <li>{@code strata.landing.retries} — failed landing attempts retried (warehouse unavailable);</li>
 *   <li>{@code strata.landing.conflicts} — batches dropped because another process advanced a position;</li>
 *   <li>{@code strata.landing.broker_disconnects} — times the lander lost every connection to the brokers
 *       for more than {@code 5 s};</li>
 *   <li>{@code strata.landing.event_time_unreadable} — records whose event time could not be read
 *       (landed with a NULL {@code _event_time}).</li>
 * </ul>
 * Thread-safe.
 */
final class LandingMetrics {
    private final MeterRegistry registry;
    private final String source;
    private final Counter rows;
    private final Counter duplicates;
    private final Counter skipped;
    private final Counter retries;
    private final Counter conflicts;
    private final Counter brokerDisconnects;
    private final Counter eventTimeUnreadable;
    private final Timer latency;
    private final Map<RecordDecoder.Reason, Counter> deadLetters = new ConcurrentHashMap<>();
    private final Map<Integer, AtomicLong> lag = new ConcurrentHashMap<>();
    private final List<Meter> registered = new ArrayList<>();

    LandingMetrics(MeterRegistry registry, String source) {
        this.registry = registry;
        this.source = source;
        rows = keep(Counter.builder("strata.landing.rows").description("rows landed into STG").tag("source", source)
                .register(registry));
        duplicates = keep(Counter.builder("strata.landing.duplicates").description("records dropped by the dedup key")
                .tag("source", source).register(registry));
        skipped = keep(Counter.builder("strata.landing.skipped").description("records the source's filter does not select")
                .tag("source", source).register(registry));
        retries = keep(Counter.builder("strata.landing.retries").description("landing attempts retried")
                .tag("source", source).register(registry));
        conflicts = keep(Counter.builder("strata.landing.conflicts")
                .description("batches dropped because another process advanced a position").tag("source", source)
                .register(registry));
        brokerDisconnects = keep(Counter.builder("strata.landing.broker_disconnects")
                .description("times every connection to the Kafka brokers was lost for more than 5 s")
                .tag("source", source).register(registry));
        eventTimeUnreadable = keep(Counter.builder("strata.landing.event_time_unreadable")
                .description("records landed with a NULL event time because it could not be read")
                .tag("source", source).register(registry));
        latency = keep(Timer.builder("strata.landing.batch.latency").description("time from sealing a batch to its commit")
                .tag("source", source).register(registry));
    }

    private <M extends Meter> M keep(M meter) {
        synchronized (registered) {
            registered.add(meter);
        }
        return meter;
    }

    void landed(long rowCount, long duplicateCount, Duration sinceSealed) {
        rows.increment(rowCount);
        duplicates.increment(duplicateCount);
        latency.record(sinceSealed);
    }

    void deadLetter(RecordDecoder.Reason reason) {
        deadLetters.computeIfAbsent(reason, r -> keep(Counter.builder("strata.landing.dead_letters")
                .description("records written to dead letters").tag("source", source).tag("reason", r.tag())
                .register(registry))).increment();
    }

    void retried() {
        retries.increment();
    }

    void conflict() {
        conflicts.increment();
    }

    void brokerDisconnected() {
        brokerDisconnects.increment();
    }

    void eventTimeUnreadable() {
        eventTimeUnreadable.increment();
    }

    void skipped() {
        skipped.increment();
    }

    void lag(int partition, long records) {
        lag.computeIfAbsent(partition, p -> {
            AtomicLong v = new AtomicLong();
            keep(Gauge.builder("strata.landing.lag", v, AtomicLong::get).description("records not yet landed")
                    .tag("source", source).tag("partition", Integer.toString(p)).register(registry));
            return v;
        }).set(records);
    }

    /** Removes this source's meters (the lander stopped). */
    void close() {
        synchronized (registered) {
            registered.forEach(registry::remove);
            registered.clear();
        }
    }
}
