package dev.strata.ingest;

import dev.strata.StrataException;
import dev.strata.config.KafkaSourceSpec;
import dev.strata.config.SourceConfig;
import dev.strata.runtime.Environment;
import dev.strata.warehouse.Warehouse;
import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Properties;
import java.util.Queue;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lands one Kafka source. Two threads:
 * <ul>
 *   <li>the <b>consumer thread</b> owns the {@link KafkaConsumer}: it polls, decodes records into
 *       the next batch ({@link BatchBuilder}), seals it when the writer is free, and pauses all
 *       partitions when the batch is full and the writer still busy — memory stays bounded at two
 *       batches plus the consumer's fetch buffer, however slow the warehouse is;</li>
 *   <li>the <b>writer thread</b> lands each sealed batch ({@link StgWriter}), retrying with capped
 *       backoff while the warehouse is unavailable, then reports the new positions back so the
 *       consumer thread commits them to Kafka (for lag tools only) and notifies the listener.</li>
 * </ul>
 *
 * <p>Positions: on every (re)assignment — and after any compare-and-set conflict — the consumer
 * thread drops what it holds, pauses, waits until the writer is idle, reads the positions of its
 * partitions from the warehouse (inserting the starting offset of a partition seen for the first
 * time: the log start, or its end with {@code auto.offset.reset=latest}), seeks there and resumes.
 * Kafka's committed offsets are never read. Each sealed batch carries, per partition, the position
 * it expects and the one it sets; batches chain, so a conflict invalidates all later batches,
 * which {@link #generation} makes the writer drop.
 */
final class KafkaLander implements SourceLander {
    private static final Logger LOG = LoggerFactory.getLogger(KafkaLander.class);
    private static final Duration POLL = Duration.ofMillis(100);
    private static final Duration KAFKA_CALL_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration LAG_EVERY = Duration.ofSeconds(1);
    /** How long every broker connection must be down before the lander says so. */
    static final Duration BROKER_WARN_AFTER = Duration.ofSeconds(5);

    private final Environment env;
    private final SourceConfig config;
    private final KafkaSourceSpec spec;
    private final LandingListener listener;
    private final StgWriter writer;
    private final RecordDecoder decoder;
    private final DebeziumEnvelope envelope;
    private final LandingMetrics metrics;
    private final Warehouse warehouse;
    private final Properties consumerProperties;
    private final String groupId;

    private final BlockingQueue<Sealed> handoff = new ArrayBlockingQueue<>(1);
    /** CSV buffers of landed batches, reused: a batch-sized array per batch would keep the GC busy. */
    private final Queue<CsvRows> spareBuffers = new ConcurrentLinkedQueue<>();
    private final Queue<Map<TopicPartition, OffsetAndMetadata>> landedOffsets = new ConcurrentLinkedQueue<>();
    /** Bumped on every rebalance and conflict; batches sealed under an older value are dropped. */
    private final AtomicLong generation = new AtomicLong();
    /** True while the writer holds a batch; set before it checks the batch's generation. */
    private final AtomicBoolean writerBusy = new AtomicBoolean();
    private final Map<Integer, Long> warehousePositions = new ConcurrentHashMap<>();
    private final CountDownLatch stopSignal = new CountDownLatch(1);
    private volatile boolean stopping;
    private volatile KafkaConsumer<byte[], byte[]> consumer;
    private final Thread consumerThread;
    private final Thread writerThread;

    // consumer-thread state
    private BatchBuilder builder;
    private final Map<Integer, Long> nextExpected = new HashMap<>();
    private long knownGeneration = -1;
    private boolean positionsKnown;
    private boolean backpressured;
    private long nextPositionAttempt;
    private long nextLagUpdate;
    private long brokersLostSince;
    private boolean brokersWarned;
    private long nextBrokerCheck;
    private final Backoff positionBackoff = Backoff.forWarehouse();

    private record Sealed(Batch batch, long sealedAtNanos) {
    }

    KafkaLander(Environment env, SourceConfig config, LandingListener listener) {
        this.env = env;
        this.config = config;
        this.spec = (KafkaSourceSpec) config.spec();
        this.listener = listener;
        this.warehouse = env.warehouse();
        this.writer = new StgWriter(env.warehouse(), env.pipeline(), config, env.workerId());
        this.decoder = new RecordDecoder(config.key(), config.filter(), config.eventTime(), config.maxMessageBytes(),
                !warehouse.sql().jsonAcceptsNulCharacter());
        this.envelope = spec.isDebezium() ? new DebeziumEnvelope() : null;
        this.metrics = new LandingMetrics(env.metrics(), config.name());
        this.groupId = spec.group() != null ? spec.group() : defaultGroup(env.pipeline(), config.name());
        this.consumerProperties = consumerProperties(env.kafkaBootstrap(spec));
        String name = "strata-land-" + config.name();
        this.consumerThread = new Thread(this::runConsumer, name + "-consumer");
        this.writerThread = new Thread(this::runWriter, name + "-writer");
    }

    /** The consumer group of a source without a {@code kafka.group}: {@code strata-<pipeline>-<source>}. */
    static String defaultGroup(String pipeline, String source) {
        return "strata-" + pipeline + "-" + source;
    }

    @Override
    public String source() {
        return config.name();
    }

    private Properties consumerProperties(String bootstrap) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, "strata-" + env.pipeline() + "-" + config.name());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, Integer.toString(Math.min(config.batch().maxRecords(), 10_000)));
        p.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false");
        p.put(ConsumerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, "10000");
        // A lander killed without leaving the group holds its partitions until its session expires;
        // 10 s (instead of 45 s) lets a restarted or surviving process take them over sooner.
        p.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, "10000");
        p.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, "3000");
        p.putAll(spec.properties());
        if ("true".equalsIgnoreCase(spec.properties().getOrDefault(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false"))) {
            LOG.warn("source '{}': ignoring kafka.properties.enable.auto.commit=true: positions are kept in the "
                    + "warehouse and Kafka offsets are committed only after each landed batch", config.name());
        }
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        return p;
    }

    @Override
    public void start() {
        consumerThread.start();
        writerThread.start();
    }

    @Override
    public void requestStop() {
        stopping = true;
        stopSignal.countDown();
        KafkaConsumer<byte[], byte[]> c = consumer;
        if (c != null) {
            c.wakeup();
        }
    }

    @Override
    public void awaitStopped(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (Thread t : List.of(writerThread, consumerThread)) {
            try {
                t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
                if (t.isAlive()) {
                    LOG.warn("source '{}': {} did not stop within {} s; interrupting it (its uncommitted batch is "
                            + "abandoned and will be landed by the next run)", config.name(), t.getName(), timeout.toSeconds());
                    t.interrupt();
                    t.join(5_000);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    // ---------------------------------------------------------------- consumer thread

    private void runConsumer() {
        Backoff kafkaBackoff = new Backoff(Duration.ofMillis(500), Duration.ofSeconds(30));
        prepareTables();
        while (!stopping) {
            try {
                consumer = new KafkaConsumer<>(consumerProperties, new ByteArrayDeserializer(), new ByteArrayDeserializer());
                if (stopping) {
                    break;
                }
                consumer.subscribe(List.of(spec.topic()), new Rebalance());
                knownGeneration = -1;
                LOG.info("source '{}': consuming topic '{}' as group '{}'", config.name(), spec.topic(), groupId);
                while (!stopping) {
                    pollOnce();
                    kafkaBackoff.reset();
                }
            } catch (WakeupException e) {
                if (!stopping) {
                    LOG.debug("source '{}': woken up without a stop request", config.name());
                }
            } catch (KafkaException e) {
                Duration wait = kafkaBackoff.next();
                LOG.warn("source '{}': Kafka consumer failed ({}: {}); recreating it in {} ms (nothing uncommitted is "
                        + "lost: landing restarts from the warehouse positions)", config.name(), e.getClass().getSimpleName(),
                        e.getMessage(), wait.toMillis());
                closeConsumerQuietly(false);
                generation.incrementAndGet();
                await(wait);
            } catch (RuntimeException e) {
                Duration wait = kafkaBackoff.next();
                LOG.error("source '{}': unexpected failure in the consumer thread; restarting it in {} ms",
                        config.name(), wait.toMillis(), e);
                closeConsumerQuietly(false);
                generation.incrementAndGet();
                await(wait);
            }
        }
        shutdown();
    }

    private void prepareTables() {
        Backoff backoff = Backoff.forWarehouse();
        while (!stopping) {
            try {
                writer.ensureTables();
                if (backoff.attempts() > 0) {
                    LOG.info("source '{}': the warehouse is reachable again after {} s", config.name(),
                            backoff.failingFor().toSeconds());
                }
                return;
            } catch (SQLException | StrataException e) {
                Duration wait = backoff.next();
                LOG.warn("source '{}': cannot prepare stg.{} ({}); retry {} in {} ms", config.name(), config.name(),
                        e.getMessage(), backoff.attempts(), wait.toMillis());
                await(wait);
            }
        }
    }

    private void pollOnce() {
        commitLandedOffsets();
        long gen = generation.get();
        if (gen != knownGeneration) {
            reset(gen);
        }
        if (!positionsKnown) {
            tryLoadPositions();
        }
        ConsumerRecords<byte[], byte[]> records = consumer.poll(pollTimeout());
        watchBrokers();
        if (generation.get() != knownGeneration || !positionsKnown) {
            return;   // fetched under an assignment or positions that no longer hold: dropped, re-read later
        }
        if (!records.isEmpty()) {
            add(records);
        }
        handOff();
        updateLag();
    }

    private Duration pollTimeout() {
        if (!positionsKnown || backpressured) {
            return Duration.ofMillis(50);
        }
        return POLL;
    }

    /** Drops everything held, pauses all partitions; positions are re-read before fetching again. */
    private void reset(long gen) {
        knownGeneration = gen;
        builder = null;
        handoff.clear();
        nextExpected.clear();
        positionsKnown = false;
        backpressured = false;
        nextPositionAttempt = 0;
        consumer.pause(consumer.assignment());
    }

    private void tryLoadPositions() {
        long now = System.nanoTime();
        if (now < nextPositionAttempt || writerBusy.get() || !handoff.isEmpty()) {
            return;   // an in-flight batch may still move positions: read them after it
        }
        Set<TopicPartition> assigned = consumer.assignment();
        if (assigned.isEmpty()) {
            positionsKnown = true;
            return;
        }
        try (Connection c = env.warehouse().connection()) {
            Map<Integer, Long> stored = writer.positions().offsets(c);
            Set<TopicPartition> missing = new HashSet<>();
            for (TopicPartition tp : assigned) {
                if (!stored.containsKey(tp.partition())) {
                    missing.add(tp);
                }
            }
            if (!missing.isEmpty()) {
                writer.positions().insertIfAbsent(c, startingOffsets(missing).entrySet().stream()
                        .map(e -> StreamOffset.kafka(e.getKey(), e.getValue())).toList(), env.workerId());
                stored = writer.positions().offsets(c);
            }
            Map<Integer, Long> from = new TreeMap<>();
            for (TopicPartition tp : assigned) {
                long pos = stored.get(tp.partition());
                consumer.seek(tp, pos);
                nextExpected.put(tp.partition(), pos);
                warehousePositions.put(tp.partition(), pos);
                from.put(tp.partition(), pos);
            }
            consumer.resume(assigned);
            positionsKnown = true;
            if (positionBackoff.attempts() > 0) {
                LOG.info("source '{}': the warehouse is reachable again after {} s", config.name(),
                        positionBackoff.failingFor().toSeconds());
            }
            positionBackoff.reset();
            LOG.info("source '{}': landing partitions {} of '{}' from positions {}", config.name(), from.keySet(),
                    spec.topic(), from);
        } catch (SQLException | KafkaException e) {
            if (e instanceof WakeupException w) {
                throw w;
            }
            Duration wait = positionBackoff.next();
            nextPositionAttempt = now + wait.toNanos();
            LOG.warn("source '{}': cannot read positions ({}); retry {} in {} ms", config.name(), e.getMessage(),
                    positionBackoff.attempts(), wait.toMillis());
        }
    }

    /** Where a partition seen for the first time starts: the log start, or its end with auto.offset.reset=latest. */
    private Map<Integer, Long> startingOffsets(Set<TopicPartition> partitions) {
        String reset = consumerProperties.getProperty(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest")
                .toLowerCase(Locale.ROOT);
        Map<TopicPartition, Long> offsets = reset.equals("latest")
                ? consumer.endOffsets(partitions, KAFKA_CALL_TIMEOUT)
                : consumer.beginningOffsets(partitions, KAFKA_CALL_TIMEOUT);
        Map<Integer, Long> out = new HashMap<>();
        offsets.forEach((tp, o) -> out.put(tp.partition(), o));
        LOG.info("source '{}': first time landing partitions {}; starting at {} offsets {}", config.name(),
                out.keySet(), reset.equals("latest") ? "the end:" : "the log start:", out);
        return out;
    }

    private void add(ConsumerRecords<byte[], byte[]> records) {
        long now = System.nanoTime();
        for (TopicPartition tp : records.partitions()) {
            List<ConsumerRecord<byte[], byte[]>> list = records.records(tp);
            for (int i = 0; i < list.size(); i++) {
                if (builder == null) {
                    CsvRows buffer = spareBuffers.poll();
                    builder = new BatchBuilder(knownGeneration, config.batch(), decoder, envelope, metrics,
                            buffer == null ? new CsvRows(1 << 20) : buffer.reset());
                }
                if (builder.full()) {
                    // No room: give the rest back to Kafka (re-fetched later) instead of buffering it.
                    consumer.seek(tp, list.get(i).offset());
                    pauseForBackpressure();
                    break;
                }
                ConsumerRecord<byte[], byte[]> r = list.get(i);
                builder.add(r.partition(), r.offset(), r.key(), r.value(), r.timestamp(), Headers.toJson(r.headers()), now);
            }
        }
    }

    private void handOff() {
        if (builder == null || !builder.ready(System.nanoTime())) {
            return;
        }
        if (!writerBusy.get() && handoff.isEmpty()) {
            Batch b = builder.seal(nextExpected);
            builder = null;
            handoff.add(new Sealed(b, System.nanoTime()));
            if (backpressured) {
                backpressured = false;
                consumer.resume(consumer.assignment());
            }
        } else if (builder.full()) {
            pauseForBackpressure();
        }
    }

    private void pauseForBackpressure() {
        if (!backpressured) {
            backpressured = true;
            consumer.pause(consumer.assignment());
        }
    }

    private void commitLandedOffsets() {
        Map<TopicPartition, OffsetAndMetadata> offsets = drainLandedOffsets();
        if (!offsets.isEmpty()) {
            consumer.commitAsync(offsets, (o, e) -> {
                if (e != null) {
                    LOG.debug("source '{}': committing offsets {} to Kafka failed (lag tools only): {}", config.name(), o,
                            e.getMessage());
                }
            });
        }
    }

    private Map<TopicPartition, OffsetAndMetadata> drainLandedOffsets() {
        Map<TopicPartition, OffsetAndMetadata> merged = new HashMap<>();
        Map<TopicPartition, OffsetAndMetadata> m;
        while ((m = landedOffsets.poll()) != null) {
            merged.putAll(m);
        }
        merged.keySet().retainAll(consumer.assignment());
        return merged;
    }

    private void updateLag() {
        long now = System.nanoTime();
        if (now < nextLagUpdate) {
            return;
        }
        nextLagUpdate = now + LAG_EVERY.toNanos();
        for (TopicPartition tp : consumer.assignment()) {
            OptionalLong lag = consumer.currentLag(tp);
            Long landed = warehousePositions.get(tp.partition());
            if (lag.isPresent() && landed != null) {
                try {
                    long end = consumer.position(tp, Duration.ZERO) + lag.getAsLong();
                    metrics.lag(tp.partition(), Math.max(0, end - landed));
                } catch (KafkaException e) {
                    // position not known yet: no figure this round
                }
            }
        }
    }

    /**
     * The Kafka client reconnects by itself (capped backoff, {@code reconnect.backoff.max.ms}) but
     * only logs each failed attempt; this says once, plainly, that the brokers are gone and when
     * they are back. Positions are untouched meanwhile: nothing commits without fetched records.
     */
    private void watchBrokers() {
        long now = System.nanoTime();
        if (now < nextBrokerCheck) {
            return;
        }
        nextBrokerCheck = now + LAG_EVERY.toNanos();
        if (connections() > 0) {
            if (brokersWarned) {
                LOG.info("source '{}': connected to the Kafka brokers again after {} s; landing goes on", config.name(),
                        Duration.ofNanos(now - brokersLostSince).toSeconds());
            }
            brokersLostSince = 0;
            brokersWarned = false;
        } else if (brokersLostSince == 0) {
            brokersLostSince = now;
        } else if (!brokersWarned && now - brokersLostSince >= BROKER_WARN_AFTER.toNanos()) {
            brokersWarned = true;
            metrics.brokerDisconnected();
            LOG.warn("source '{}': no connection to the Kafka brokers ({}) for {} s; the consumer keeps reconnecting "
                    + "(backoff up to 10 s). Nothing is lost: landing resumes from the warehouse positions",
                    config.name(), consumerProperties.getProperty(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG),
                    BROKER_WARN_AFTER.toSeconds());
        }
    }

    /** Open connections of the consumer (to the coordinator and the partition leaders); 1 if unknown. */
    private double connections() {
        for (var e : consumer.metrics().entrySet()) {
            if (e.getKey().name().equals("connection-count") && e.getKey().group().equals("consumer-metrics")
                    && e.getValue().metricValue() instanceof Number n) {
                return n.doubleValue();
            }
        }
        return 1;
    }

    private void shutdown() {
        try {
            writerThread.join(Landing.CLOSE_TIMEOUT.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        closeConsumerQuietly(true);
        metrics.close();
        LOG.info("source '{}': landing stopped", config.name());
    }

    private void closeConsumerQuietly(boolean commitLanded) {
        KafkaConsumer<byte[], byte[]> c = consumer;
        if (c == null) {
            return;
        }
        try {
            if (commitLanded) {
                Map<TopicPartition, OffsetAndMetadata> offsets = drainLandedOffsets();
                if (!offsets.isEmpty()) {
                    c.commitSync(offsets, Duration.ofSeconds(5));
                }
            }
        } catch (RuntimeException e) {
            LOG.debug("source '{}': final offset commit to Kafka failed (lag tools only): {}", config.name(), e.getMessage());
        }
        try {
            c.close(CloseOptions.timeout(Duration.ofSeconds(5)));
        } catch (RuntimeException e) {
            LOG.debug("source '{}': closing the consumer: {}", config.name(), e.getMessage());
        }
        consumer = null;
    }

    private final class Rebalance implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            if (!partitions.isEmpty()) {
                generation.incrementAndGet();
                LOG.info("source '{}': partitions {} revoked", config.name(), numbers(partitions));
            }
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            if (!partitions.isEmpty()) {
                generation.incrementAndGet();
                consumer.pause(partitions);
                LOG.info("source '{}': partitions {} assigned", config.name(), numbers(partitions));
            }
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            if (!partitions.isEmpty()) {
                generation.incrementAndGet();
                LOG.warn("source '{}': partitions {} lost (this process was out of the group too long)",
                        config.name(), numbers(partitions));
            }
        }

        private List<Integer> numbers(Collection<TopicPartition> partitions) {
            return partitions.stream().map(TopicPartition::partition).sorted().toList();
        }
    }

    // ---------------------------------------------------------------- writer thread

    private void runWriter() {
        while (!stopping) {
            Sealed s;
            try {
                s = handoff.poll(50, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            if (s == null) {
                continue;
            }
            writerBusy.set(true);
            try {
                land(s);
            } finally {
                writerBusy.set(false);
                if (spareBuffers.size() < 2) {
                    spareBuffers.add(s.batch().rows());
                }
            }
        }
    }

    private void land(Sealed s) {
        Batch b = s.batch();
        Backoff backoff = Backoff.forWarehouse();
        while (true) {
            if (b.generation() != generation.get()) {
                LOG.debug("source '{}': dropping a batch sealed before a rebalance or conflict", config.name());
                return;
            }
            try {
                StgWriter.Result r = writer.land(b);
                if (backoff.attempts() > 0) {
                    LOG.info("source '{}': the warehouse is reachable again after {} s; the held batch of {} records "
                            + "landed", config.name(), backoff.failingFor().toSeconds(), b.records());
                }
                landed(s, r);
                return;
            } catch (PositionConflictException e) {
                metrics.conflict();
                generation.compareAndSet(b.generation(), b.generation() + 1);
                LOG.info("source '{}': {}; dropping this batch of {} records and re-reading positions", config.name(),
                        e.getMessage(), b.records());
                return;
            } catch (SQLException | RuntimeException e) {
                metrics.retried();
                Duration wait = backoff.next();
                if (unavailable(e)) {
                    LOG.warn("source '{}': warehouse unavailable ({}); retry {} in {} ms. Nothing of the held batch of "
                            + "{} records is committed; it lands once the warehouse is back", config.name(),
                            e.getMessage(), backoff.attempts(), wait.toMillis(), b.records());
                } else {
                    LOG.error("source '{}': landing a batch of {} records failed; retry {} in {} ms", config.name(),
                            b.records(), backoff.attempts(), wait.toMillis(), e);
                }
                if (await(wait)) {
                    LOG.info("source '{}': stopping; the held batch of {} records is abandoned (positions were not "
                            + "advanced, the next run lands it)", config.name(), b.records());
                    return;
                }
            }
        }
    }

    private void landed(Sealed s, StgWriter.Result r) {
        Duration latency = Duration.ofNanos(System.nanoTime() - s.sealedAtNanos());
        metrics.landed(r.rowsLanded(), r.duplicates(), latency);
        r.deadLetters().forEach(l -> metrics.deadLetter(l.reason()));
        if (!r.deadLetters().isEmpty()) {
            LOG.warn("source '{}': {} record(s) set aside as dead letters (see `strata dead-letters list`), first: "
                    + "partition {} offset {}: {}", config.name(), r.deadLetters().size(), r.deadLetters().get(0).partition(),
                    r.deadLetters().get(0).offset(), r.deadLetters().get(0).message());
        }
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (PositionMove m : s.batch().positions()) {
            StreamOffset to = (StreamOffset) m.to();
            warehousePositions.put(to.partition(), to.offset());
            offsets.put(new TopicPartition(spec.topic(), to.partition()), new OffsetAndMetadata(to.offset()));
        }
        landedOffsets.add(offsets);
        LOG.debug("source '{}': batch {} landed {} rows ({} duplicates, {} dead letters) in {} ms", config.name(),
                r.batchId(), r.rowsLanded(), r.duplicates(), r.deadLetters().size(), latency.toMillis());
        try {
            listener.landed(new LandedBatch(config.name(), r.batchId(), r.rowsLanded(), r.duplicates(),
                    r.deadLetters().size(), latency));
        } catch (RuntimeException e) {
            LOG.error("source '{}': a landing listener failed on batch {} (the batch stays landed)", config.name(),
                    r.batchId(), e);
        }
    }

    private boolean unavailable(Exception e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLTransientException || t instanceof SQLRecoverableException || t instanceof IOException) {
                return true;
            }
            if (t instanceof SQLException se && warehouse.errors().isTransient(se)) {
                return true;
            }
        }
        return false;
    }

    /** Waits, returning early (true) when a stop was requested. */
    private boolean await(Duration d) {
        try {
            return stopSignal.await(d.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return true;
        }
    }
}
