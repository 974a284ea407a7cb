package dev.strata.ingest;

import dev.strata.config.RedisSourceSpec;
import dev.strata.config.SourceConfig;
import dev.strata.runtime.Environment;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lands a Redis dictionary into {@code stg.<source>} as snapshots, one every {@code refresh}.
 *
 * <p>Each snapshot reads every matching key ({@link RedisSnapshotReader}) and lands each entry with
 * {@code _key = <redis key>#<md5 of the value>}: an entry read again unchanged conflicts with its
 * earlier row and adds nothing, a changed entry lands as a new row (so the vault records a new
 * satellite version), and a deleted entry simply stops appearing. {@code _event_time} is the
 * snapshot's time unless {@code event_time:} names a field of the value.
 *
 * <p>Snapshots are numbered; the number is the source's position (a {@link StreamOffset}, stream 0 of
 * {@code strata.source_positions}) and is advanced by compare-and-set in the snapshot's transaction,
 * like Kafka offsets, so processes running the same pipeline land each snapshot once. A value
 * that is not a JSON object becomes a dead letter (raw key = the Redis key, position =
 * snapshot × 1,000,000 + the entry's index), once per distinct value.
 */
final class RedisLander implements SourceLander {
    private static final Logger LOG = LoggerFactory.getLogger(RedisLander.class);
    static final int PARTITION = 0;
    static final String PARTITION_NAME = "snapshot";
    private final Environment env;
    private final SourceConfig config;
    private final RedisSourceSpec spec;
    private final StgWriter writer;
    private final RecordDecoder decoder;
    private final LandingListener listener;
    private final LandingMetrics metrics;
    private final CountDownLatch stop = new CountDownLatch(1);
    private final Set<String> reportedBad = new HashSet<>();
    private final Thread thread;

    RedisLander(Environment env, SourceConfig config, LandingListener listener) {
        this.env = env;
        this.config = config;
        this.spec = (RedisSourceSpec) config.spec();
        this.writer = new StgWriter(env.warehouse(), env.pipeline(), config, env.workerId());
        this.decoder = new RecordDecoder(List.of(), config.filter(), config.eventTime(), config.maxMessageBytes(), true);
        this.listener = listener;
        this.metrics = new LandingMetrics(env.metrics(), config.name());
        this.thread = new Thread(this::run, "redis-lander-" + config.name());
        this.thread.setDaemon(true);
    }

    @Override
    public String source() {
        return config.name();
    }

    @Override
    public void start() {
        thread.start();
    }

    @Override
    public void requestStop() {
        stop.countDown();
    }

    @Override
    public void awaitStopped(Duration timeout) {
        try {
            thread.join(timeout.toMillis());
            if (thread.isAlive()) {
                thread.interrupt();
                thread.join(5_000);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void run() {
        Backoff backoff = Backoff.forWarehouse();
        boolean ready = false;
        while (stop.getCount() > 0) {
            Duration wait = spec.refresh();
            try {
                if (!ready) {
                    writer.ensureTables();
                    env.warehouse().inTransaction(c -> {
                        writer.positions().insertIfAbsent(c, List.of(StreamOffset.kafka(PARTITION, 0)), env.workerId());
                        return null;
                    });
                    ready = true;
                }
                landSnapshot();
                backoff.reset();
            } catch (PositionConflictException e) {
                LOG.debug("source '{}': another process landed this snapshot", config.name());
                wait = Duration.ofMillis(100);
            } catch (SQLException | RuntimeException e) {
                wait = backoff.next();
                metrics.retried();
                LOG.warn("source '{}': snapshot failed ({}); retrying in {} ms", config.name(), e.getMessage(), wait.toMillis());
            }
            try {
                if (stop.await(wait.toMillis(), TimeUnit.MILLISECONDS)) {
                    return;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** Reads one snapshot and lands it; returns the rows landed. */
    int landSnapshot() throws SQLException, PositionConflictException {
        long started = System.nanoTime();
        Map<String, byte[]> entries;
        try (RedisSnapshotReader reader = new RedisSnapshotReader(env.redisUrl(spec), env.redisPassword(spec))) {
            entries = reader.snapshot(spec.keys());
        }
        long snapshot;
        try (Connection c = env.warehouse().connection()) {
            snapshot = writer.positions().offsets(c).getOrDefault(PARTITION, 0L);
        }
        Instant now = env.clock().instant();
        CsvRows csv = new CsvRows(64 * 1024);
        List<Batch.RawRecord> raw = new ArrayList<>();
        List<DeadLetter> dead = new ArrayList<>();
        long bytes = 0;
        int index = 0;
        for (Map.Entry<String, byte[]> e : entries.entrySet()) {
            byte[] key = e.getKey().getBytes(StandardCharsets.UTF_8);
            byte[] value = e.getValue();
            String rowKey = e.getKey() + "#" + md5(value);
            long position = snapshot * 1_000_000L + index++;
            bytes += value.length;
            RecordDecoder.Decoded d = decoder.decode(value);
            if (d.skipped()) {
                continue;   // not selected by the source's filter
            }
            if (!d.accepted()) {
                if (reportedBad.add(rowKey)) {
                    dead.add(new DeadLetter(PARTITION, position, key, value, null, -1, d.rejection().reason(),
                            "Redis key '" + e.getKey() + "': " + d.rejection().message()));
                }
                continue;
            }
            String eventTime = d.eventTime() != null ? d.eventTime() : now.toString();
            csv.beginRow()
                    .text(rowKey)
                    .utf8(value)
                    .text(PARTITION_NAME)
                    .number(snapshot)
                    .text(eventTime)
                    .text(now.toString())
                    .text(null)
                    .endRow();
            raw.add(new Batch.RawRecord(PARTITION, position, key, value, null, -1));
        }
        Batch batch = new Batch(0, csv, List.copyOf(raw), List.copyOf(dead), entries.size(), 0, bytes,
                List.of(new PositionMove(StreamOffset.kafka(PARTITION, snapshot), StreamOffset.kafka(PARTITION, snapshot + 1))));
        StgWriter.Result r = writer.land(batch);
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        metrics.landed(r.rowsLanded(), entries.size() - dead.size() - r.rowsLanded(), took);
        if (r.rowsLanded() > 0 || !r.deadLetters().isEmpty()) {
            LOG.info("source '{}': snapshot {} of {} keys: {} new or changed, {} dead letters", config.name(), snapshot,
                    entries.size(), r.rowsLanded(), r.deadLetters().size());
        }
        try {
            listener.landed(new LandedBatch(config.name(), r.batchId(), r.rowsLanded(), 0, r.deadLetters().size(), took));
        } catch (RuntimeException e) {
            LOG.warn("source '{}': a landing listener failed: {}", config.name(), e.getMessage());
        }
        return r.rowsLanded();
    }

    private static String md5(byte[] value) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(value));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("MD5 is required of every Java runtime", e);
        }
    }
}
