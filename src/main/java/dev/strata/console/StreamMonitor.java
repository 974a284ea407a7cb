package dev.strata.console;

import dev.strata.config.KafkaSourceSpec;
import dev.strata.config.SourceConfig;
import dev.strata.runtime.Environment;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Samples every Kafka source's positions ({@code strata.source_positions}) and the topic's log-end
 * offsets (Kafka Admin) every {@link #PERIOD}, and keeps the last {@link #WINDOW} of samples to give
 * messages/s in and out. Lag in messages is log-end minus position; lag in seconds is the age of
 * the first record not yet landed (its Kafka timestamp, read with an unsubscribed consumer only for
 * partitions that lag), so it is 0 when caught up and grows with a stall even when nothing new
 * arrives.
 *
 * <p>One daemon thread, one Admin and one consumer per source, all closed by {@link #close}. The
 * pages read the latest {@link Snapshot}; they never trigger a Kafka call, so many open pages cost
 * nothing extra. Memory is bounded by {@code WINDOW / PERIOD} samples per source. The same thread
 * refreshes the {@link WarehouseGauges}.
 */
final class StreamMonitor implements AutoCloseable {
    static final Duration PERIOD = Duration.ofSeconds(2);
    static final Duration WINDOW = Duration.ofMinutes(10);
    static final Duration KAFKA_TIMEOUT = Duration.ofSeconds(5);
    private static final Logger LOG = LoggerFactory.getLogger(StreamMonitor.class);

    private final Db db;
    private final String pipeline;
    private final java.time.Clock clock;
    private final List<Watched> watched;
    private final List<SourceConfig> otherSources;
    private final ScheduledExecutorService executor;
    private final WarehouseGauges gauges;
    private volatile Snapshot snapshot;

    /** A partition's state at the last sample. Nullable fields are unknown (broker unreachable, no position yet). */
    record PartitionState(String partition, Long position, Instant positionUpdatedAt, Long logStart, Long logEnd,
                          Long lag, Double lagSeconds) {
    }

    /** One point of the rate chart: messages per second produced to the topic and landed. */
    record Rate(Instant time, double producedPerSecond, double landedPerSecond) {
    }

    record SourceState(String source, String kind, String topic, List<PartitionState> partitions, Long lag,
                       Double lagSeconds, List<Rate> rates, String error) {
    }

    record Snapshot(Instant sampledAt, List<SourceState> sources) {
    }

    private record Sample(Instant time, long produced, long landed) {
    }

    /** The per-source state kept between samples. Touched only by the sampling thread. */
    private static final class Watched {
        final SourceConfig source;
        final KafkaSourceSpec spec;
        final Properties clientProps;
        final Deque<Sample> samples = new ArrayDeque<>();
        Admin admin;
        KafkaConsumer<byte[], byte[]> consumer;
        List<TopicPartition> partitions = List.of();
        Instant partitionsAt = Instant.EPOCH;

        Watched(SourceConfig source, KafkaSourceSpec spec, Properties clientProps) {
            this.source = source;
            this.spec = spec;
            this.clientProps = clientProps;
        }
    }

    private StreamMonitor(Db db, String pipeline, java.time.Clock clock, List<Watched> watched,
                          List<SourceConfig> otherSources, WarehouseGauges gauges) {
        this.db = db;
        this.gauges = gauges;
        this.pipeline = pipeline;
        this.clock = clock;
        this.watched = watched;
        this.otherSources = otherSources;
        this.snapshot = new Snapshot(clock.instant(), List.of());
        this.executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "strata-console-streams");
            t.setDaemon(true);
            return t;
        });
    }

    static StreamMonitor start(Environment env, Db db) {
        List<Watched> watched = new ArrayList<>();
        List<SourceConfig> others = new ArrayList<>();
        for (SourceConfig s : env.project().sourcesInOrder()) {
            if (s.spec() instanceof KafkaSourceSpec k) {
                Properties props = new Properties();
                props.putAll(k.properties());
                String bootstrap;
                try {
                    bootstrap = env.kafkaBootstrap(k);
                } catch (IllegalStateException e) {
                    LOG.warn("console: source {} has no reachable broker: {}", s.name(), e.getMessage());
                    others.add(s);
                    continue;
                }
                props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
                props.put(AdminClientConfig.CLIENT_ID_CONFIG, "strata-console-" + s.name());
                watched.add(new Watched(s, k, props));
            } else {
                others.add(s);
            }
        }
        StreamMonitor m = new StreamMonitor(db, env.pipeline(), env.clock(), watched, others,
                new WarehouseGauges(db, env.pipeline(), env.metrics()));
        m.executor.scheduleWithFixedDelay(m::sampleSafely, 0, PERIOD.toMillis(), TimeUnit.MILLISECONDS);
        return m;
    }

    Snapshot snapshot() {
        return snapshot;
    }

    private void sampleSafely() {
        try {
            sample();
        } catch (RuntimeException e) {
            LOG.warn("console: stream sample failed: {}", e.toString());
        }
    }

    private record Position(long position, Instant updatedAt) {
    }

    void sample() {
        Instant now = clock.instant();
        Map<String, Map<String, Position>> positions = new HashMap<>();
        String positionsError = null;
        try {
            db.query("SELECT source, partition_id, position, updated_at FROM " + db.meta("source_positions")
                            + " WHERE pipeline = ?",
                    rs -> positions.computeIfAbsent(rs.getString("source"), k -> new HashMap<>())
                            .put(rs.getString("partition_id"), new Position(rs.getLong("position"), Db.instant(rs, "updated_at"))),
                    pipeline);
        } catch (Db.WarehouseQueryException e) {
            positionsError = "warehouse unreachable: " + e.getMessage();
        }
        List<SourceState> states = new ArrayList<>();
        for (Watched w : watched) {
            states.add(sampleKafka(w, positions.getOrDefault(w.source.name(), Map.of()), now, positionsError));
        }
        for (SourceConfig s : otherSources) {
            if (s.spec() instanceof dev.strata.config.CdcTableSpec table) {
                states.add(sampleCdc(s, table, now, positionsError));
                continue;
            }
            List<PartitionState> parts = new ArrayList<>();
            positions.getOrDefault(s.name(), Map.of()).forEach((p, pos) ->
                    parts.add(new PartitionState(p, pos.position(), pos.updatedAt(), null, null, null, null)));
            parts.sort(java.util.Comparator.comparing(PartitionState::partition));
            states.add(new SourceState(s.name(), s.spec().kind(), null, parts, null, null, List.of(), positionsError));
        }
        snapshot = new Snapshot(now, List.copyOf(states));
        if (positionsError == null) {
            gauges.refresh(snapshot);
        }
    }

    /**
     * A captured table: one "partition", the table itself, whose lag in time is {@link
     * dev.strata.ingest.CdcLag} (now − source time of the newest change landed); no lag in messages.
     */
    private SourceState sampleCdc(SourceConfig s, dev.strata.config.CdcTableSpec spec, Instant now, String positionsError) {
        String table = spec.table().schema() + "." + spec.table().table();
        java.util.Optional<Instant> newest = java.util.Optional.empty();
        String error = positionsError;
        if (error == null) {
            try (java.sql.Connection c = db.warehouse().connection()) {
                newest = dev.strata.ingest.CdcLag.newestSourceTime(c, db.warehouse().sql(), s.name());
            } catch (java.sql.SQLException e) {
                error = "warehouse unreachable: " + e.getMessage();
            }
        }
        Double seconds = newest.map(t -> dev.strata.ingest.CdcLag.lag(now, t).toMillis() / 1000.0).orElse(null);
        PartitionState part = new PartitionState(table, null, newest.orElse(null), null, null, null, seconds);
        return new SourceState(s.name(), "cdc", table, List.of(part), null, seconds, List.of(), error);
    }

    private SourceState sampleKafka(Watched w, Map<String, Position> positions, Instant now, String positionsError) {
        String error = positionsError;
        Map<TopicPartition, Long> starts = Map.of();
        Map<TopicPartition, Long> ends = Map.of();
        try {
            refreshPartitions(w, now);
            starts = offsets(w, OffsetSpec.earliest());
            ends = offsets(w, OffsetSpec.latest());
        } catch (ExecutionException | TimeoutException e) {
            error = describe(w.spec.topic(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new SourceState(w.source.name(), "kafka", w.spec.topic(), List.of(), null, null, List.of(), "interrupted");
        }
        List<PartitionState> parts = new ArrayList<>();
        Map<TopicPartition, Long> lagging = new LinkedHashMap<>();
        long produced = 0;
        long landed = 0;
        long totalLag = 0;
        boolean lagKnown = !ends.isEmpty();
        for (TopicPartition tp : w.partitions) {
            Position pos = positions.get(String.valueOf(tp.partition()));
            Long start = starts.get(tp);
            Long end = ends.get(tp);
            Long lag = null;
            if (end != null) {
                long from = Math.max(pos == null ? 0 : pos.position(), start == null ? 0 : start);
                lag = Math.max(0, end - from);
                totalLag += lag;
                produced += end;
                if (lag > 0) {
                    lagging.put(tp, from);
                }
            }
            landed += pos == null ? 0 : pos.position();
            parts.add(new PartitionState(String.valueOf(tp.partition()), pos == null ? null : pos.position(),
                    pos == null ? null : pos.updatedAt(), start, end, lag, lag == null ? null : 0.0));
        }
        Map<TopicPartition, Double> ages = lagging.isEmpty() ? Map.of() : ages(w, lagging, now);
        double maxAge = 0;
        for (int i = 0; i < parts.size(); i++) {
            Double age = ages.get(w.partitions.get(i));
            if (age != null) {
                PartitionState p = parts.get(i);
                parts.set(i, new PartitionState(p.partition(), p.position(), p.positionUpdatedAt(), p.logStart(),
                        p.logEnd(), p.lag(), age));
                maxAge = Math.max(maxAge, age);
            }
        }
        if (lagKnown) {
            w.samples.addLast(new Sample(now, produced, landed));
        }
        while (!w.samples.isEmpty() && w.samples.peekFirst().time().isBefore(now.minus(WINDOW))) {
            w.samples.removeFirst();
        }
        return new SourceState(w.source.name(), "kafka", w.spec.topic(), parts, lagKnown ? totalLag : null,
                lagKnown ? maxAge : null, rates(w.samples), error);
    }

    /**
     * Why a sample failed, in the user's terms: a broker that answers that it does not know the
     * topic is up, and the topic simply does not exist yet (nothing was produced to it, or its name
     * is wrong) — not "unreachable".
     */
    static String describe(String topic, Exception e) {
        Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
        if (cause instanceof org.apache.kafka.common.errors.UnknownTopicOrPartitionException) {
            return "topic " + topic + " does not exist (yet): nothing has been produced to it, or its name is wrong";
        }
        return "broker unreachable: " + (cause.getMessage() != null ? cause.getMessage() : cause.toString());
    }

    private static List<Rate> rates(Deque<Sample> samples) {
        List<Rate> out = new ArrayList<>(samples.size());
        Sample prev = null;
        for (Sample s : samples) {
            if (prev != null) {
                double seconds = Duration.between(prev.time(), s.time()).toMillis() / 1000.0;
                if (seconds > 0) {
                    out.add(new Rate(s.time(), Math.max(0, s.produced() - prev.produced()) / seconds,
                            Math.max(0, s.landed() - prev.landed()) / seconds));
                }
            }
            prev = s;
        }
        return out;
    }

    private void refreshPartitions(Watched w, Instant now)
            throws ExecutionException, InterruptedException, TimeoutException {
        if (w.admin == null) {
            w.admin = Admin.create(w.clientProps);
        }
        if (w.partitions.isEmpty() || w.partitionsAt.isBefore(now.minusSeconds(30))) {
            TopicDescription d = w.admin.describeTopics(List.of(w.spec.topic())).allTopicNames()
                    .get(KAFKA_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).get(w.spec.topic());
            w.partitions = d.partitions().stream().map(p -> new TopicPartition(w.spec.topic(), p.partition())).toList();
            w.partitionsAt = now;
        }
    }

    private static Map<TopicPartition, Long> offsets(Watched w, OffsetSpec spec)
            throws ExecutionException, InterruptedException, TimeoutException {
        Map<TopicPartition, OffsetSpec> request = new HashMap<>();
        w.partitions.forEach(tp -> request.put(tp, spec));
        Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> result = w.admin.listOffsets(request).all()
                .get(KAFKA_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        Map<TopicPartition, Long> out = new HashMap<>();
        result.forEach((tp, info) -> out.put(tp, info.offset()));
        return out;
    }

    /** Seconds since the Kafka timestamp of the first not-yet-landed record of each lagging partition. */
    private Map<TopicPartition, Double> ages(Watched w, Map<TopicPartition, Long> from, Instant now) {
        try {
            if (w.consumer == null) {
                Properties p = new Properties();
                p.putAll(w.clientProps);
                p.put(ConsumerConfig.CLIENT_ID_CONFIG, "strata-console-lag-" + w.source.name());
                p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
                p.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, "65536");
                p.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, "1048576");
                p.remove(ConsumerConfig.GROUP_ID_CONFIG);
                w.consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
            }
            w.consumer.assign(from.keySet());
            from.forEach(w.consumer::seek);
            Map<TopicPartition, Double> ages = new HashMap<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(1).toNanos();
            while (ages.size() < from.size() && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : w.consumer.poll(Duration.ofMillis(200))) {
                    TopicPartition tp = new TopicPartition(r.topic(), r.partition());
                    if (!ages.containsKey(tp) && r.timestamp() >= 0) {
                        ages.put(tp, Math.max(0, now.toEpochMilli() - r.timestamp()) / 1000.0);
                        w.consumer.pause(List.of(tp));
                    }
                }
            }
            w.consumer.resume(w.consumer.paused());
            return ages;
        } catch (RuntimeException e) {
            LOG.debug("console: cannot read record timestamps of {}: {}", w.spec.topic(), e.toString());
            return Map.of();
        }
    }

    @Override
    public void close() {
        executor.shutdownNow();
        try {
            executor.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (Watched w : watched) {
            if (w.consumer != null) {
                w.consumer.close(Duration.ofSeconds(2));
            }
            if (w.admin != null) {
                w.admin.close(Duration.ofSeconds(2));
            }
        }
    }
}
