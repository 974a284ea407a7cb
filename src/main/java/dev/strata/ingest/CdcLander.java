package dev.strata.ingest;

import dev.strata.config.CdcSourceSpec;
import dev.strata.config.CdcTable;
import dev.strata.config.CdcTableSpec;
import dev.strata.config.SourceConfig;
import dev.strata.runtime.Environment;
import io.debezium.connector.postgresql.connection.PostgresConnection;
import io.debezium.engine.DebeziumEngine;
import io.debezium.engine.RecordChangeEvent;
import io.debezium.engine.format.ChangeEventFormat;
import io.debezium.embedded.Connect;
import io.debezium.engine.spi.OffsetCommitPolicy;
import io.debezium.jdbc.JdbcConfiguration;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.json.JsonConverter;
import org.apache.kafka.connect.source.SourceRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lands a {@code cdc} source: Debezium's PostgreSQL connector, run by its embedded engine inside
 * this process, captures the source's tables through a logical replication slot ({@code pgoutput});
 * each change lands once into {@code stg.<source>_<table>}, without Kafka in between.
 *
 * <h2>Exactly once, and why</h2>
 * The warehouse owns the position: the connector's offset (a {@link CdcOffset}: the serialized
 * Connect partition key and offset, as Debezium would store them) is a row of
 * {@code strata.source_positions}, moved by compare-and-set in the same transaction that inserts the
 * changes before it ({@link CdcStgWriter}). Debezium reads it through {@link CdcOffsetStore} at
 * every start and restart of its task, and its own offset flushes store nothing.
 * <ol>
 *   <li><b>Commit points.</b> The lander commits only where Debezium can resume exactly: at the end
 *       of a source transaction (the {@code END} event of {@code provide.transaction.metadata}:
 *       its offset says "transaction committed at LSN C", from which Debezium restarts at the
 *       {@code BEGIN} of the next transaction — the case its WAL position search is built for), at the
 *       last record of a snapshot (the snapshot lands in one transaction, all of it or nothing), and
 *       at a heartbeat outside both (the offset moves while the captured tables are quiet). Never in
 *       the middle of a source transaction: several changes can share one LSN there (a multi-row
 *       {@code COPY}), and an offset between them would resume past the rest.</li>
 *   <li><b>One warehouse transaction per unit.</b> Changes are written into one open warehouse
 *       transaction (buffered, and spilled into it when a unit is large) that commits at the next
 *       commit point with the offset of that point. A crash or kill at any instruction before the
 *       commit rolls all of it back, and the offset still names the previous point; after the
 *       commit, both the rows and the offset are there. So the next start resumes exactly after the
 *       last committed change: nothing lost, nothing twice.</li>
 *   <li><b>One hand-off in flight.</b> The capturing thread (Debezium's, in {@code handleBatch})
 *       encodes the changes into per-table buffers; at a commit point it hands the rows up to the
 *       point, with the point's offset, to the lander's writing thread, which writes them into the
 *       open transaction and commits it with the offset, while capture goes on buffering what
 *       follows. Before the next hand-off (a commit or a spill), the capturing thread waits for the
 *       previous one, so the warehouse transaction sees the units in stream order, one at a time,
 *       and a failed write stops the engine before anything after it is handed (the lander then
 *       starts again from the committed offset, as after any failure). Nothing about the commit
 *       points or their offsets changes: only where the wait is.</li>
 *   <li><b>The slot is acknowledged after the commit.</b> Only once the hand-off's commit has
 *       returned does the capturing thread mark the point's record processed and finish the batch
 *       (at its next batch or hand-off, so {@link DebeziumEngine.RecordCommitter} is used on
 *       Debezium's thread only); the engine's offset
 *       flush (a no-op) is followed by the task's commit, in which Debezium's PostgreSQL task reads the
 *       offset back from the offset store — the warehouse's committed one — and confirms its commit
 *       LSN to the slot. So the slot never runs ahead of the warehouse, and the server still has every
 *       change the warehouse lacks; confirming less only keeps WAL longer. (That read, while a
 *       hand-off is being committed, answers the offset committed before it without waiting.)</li>
 *   <li><b>Restarts inside the engine.</b> When Debezium restarts its task after an error (the source
 *       server went away), it reads the offset again — that read waits for a hand-off being
 *       committed, so it resumes after it, or, had it failed, from the offset before it, and then the
 *       failure stops the engine at the next batch — and delivers everything after it again. The
 *       lander recognises that in the stream — a transaction already begun since the last commit
 *       begins again, or a snapshot starts over — and drops its open transaction first.</li>
 *   <li><b>Second line.</b> Each change has an identity in its STG table, unique by
 *       {@code (_partition, _offset)}: the change's LSN and its position in its source transaction
 *       ({@code transaction.total_order}); a snapshot row, {@code snapshot <lsn>} and its ordinal. Were
 *       a change ever delivered again after its commit, the table's key would drop it and
 *       {@code strata.landing_batches.duplicates} would count it; the crash tests check it stays 0.</li>
 *   <li><b>Fresh start.</b> With no committed offset, nothing of the slot's stream has landed: a
 *       leftover slot (a crash before the first commit) is dropped so that Debezium creates it anew
 *       with an exported snapshot, consistent with the stream that follows. (Not with
 *       {@code snapshot: no_data}, which has no snapshot to cover what the slot held.)</li>
 * </ol>
 * A source transaction is landed in one warehouse transaction, however many tables it touches;
 * several small source transactions in one Debezium batch share one warehouse commit, made at the
 * batch's last transaction end.
 */
final class CdcLander implements SourceLander {
    private static final Logger LOG = LoggerFactory.getLogger(CdcLander.class);
    static final String CONNECTOR_CLASS = "io.debezium.connector.postgresql.PostgresConnector";
    /** Buffered rows of an unfinished unit are written into its open transaction past this many bytes. */
    private static final long SPILL_BYTES = 32L * 1024 * 1024;

    private final Environment env;
    private final CdcSourceSpec spec;
    private final List<SourceConfig> tables;
    private final LandingListener listener;
    private final String engineName;
    private final String stream;
    private final Map<String, CdcStgWriter.Table> byTopic = new HashMap<>();
    private final Map<String, LandingMetrics> metrics = new HashMap<>();
    private final Map<String, RecordDecoder> eventTimes = new HashMap<>();
    private final CdcStgWriter writer;
    private final CountDownLatch stop = new CountDownLatch(1);
    private final AtomicReference<DebeziumEngine<RecordChangeEvent<SourceRecord>>> engine = new AtomicReference<>();
    private final Thread thread;
    private final JsonConverter keyConverter = new JsonConverter();
    private final JsonConverter valueConverter = new JsonConverter();
    private final int spillRows;
    /** The one hand-off being written and committed on the writing thread, or null. */
    private final AtomicReference<InFlight> inFlight = new AtomicReference<>();
    private final ExecutorService writing;

    /** Handed rows being written; {@code point} is the record to mark processed once they are committed. */
    private record InFlight(Future<List<CdcStgWriter.Landed>> done, RecordChangeEvent<SourceRecord> point) {
    }

    CdcLander(Environment env, CdcSourceSpec spec, List<SourceConfig> tables, LandingListener listener) {
        this.env = env;
        this.spec = spec;
        this.tables = List.copyOf(tables);
        this.listener = listener;
        this.engineName = "strata-" + env.pipeline() + "-" + spec.source();
        this.stream = spec.slot();
        this.writer = new CdcStgWriter(env.warehouse(), env.pipeline(), spec.source(), env.workerId(),
                tables.stream().map(SourceConfig::name).toList());
        for (SourceConfig t : tables) {
            CdcTable table = ((CdcTableSpec) t.spec()).table();
            byTopic.put(topicOf(table), writer.table(t.name()));
            metrics.put(t.name(), new LandingMetrics(env.metrics(), t.name()));
            t.eventTime().ifPresent(path -> eventTimes.put(t.name(),
                    new RecordDecoder(List.of(), Optional.empty(), Optional.of(path), Long.MAX_VALUE, false)));
        }
        this.spillRows = Math.max(1, tables.get(0).batch().maxRecords());
        Map<String, String> internal = Map.of("schemas.enable", "false");
        keyConverter.configure(internal, true);
        valueConverter.configure(internal, false);
        this.thread = new Thread(this::run, "cdc-lander-" + spec.source());
        this.thread.setDaemon(true);
        this.writing = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "cdc-writer-" + spec.source());
            t.setDaemon(true);
            return t;
        });
    }

    private String topicOf(CdcTable t) {
        return spec.source() + "." + t.schema() + "." + t.table();
    }

    @Override
    public String source() {
        return spec.source();
    }

    @Override
    public void start() {
        thread.start();
    }

    @Override
    public void requestStop() {
        stop.countDown();
        DebeziumEngine<?> e = engine.get();
        if (e != null) {
            closeQuietly(e);
        }
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
        ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "cdc-engine-" + spec.source());
            t.setDaemon(true);
            return t;
        });
        try {
            while (stop.getCount() > 0) {
                String failure;
                try {
                    prepare();
                    failure = runEngineOnce(executor);
                    if (failure == null) {
                        backoff.reset();
                        continue;
                    }
                } catch (SQLException | RuntimeException e) {
                    failure = e.getMessage() == null ? e.toString() : e.getMessage();
                }
                if (stop.getCount() == 0) {
                    break;
                }
                Duration wait = backoff.next();
                metrics.values().forEach(LandingMetrics::retried);
                LOG.warn("cdc source '{}': {}; capturing again in {} ms from the last committed position (nothing "
                        + "uncommitted is kept, nothing committed is lost)", spec.source(), failure, wait.toMillis());
                if (stop.await(wait.toMillis(), TimeUnit.MILLISECONDS)) {
                    break;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            executor.shutdownNow();
            settleInFlight();
            writing.shutdownNow();
            writer.abort();
            LOG.info("cdc source '{}': landing stopped", spec.source());
        }
    }

    /** Creates the STG tables and the position row if missing, and drops a slot nothing of which has landed. */
    private void prepare() throws SQLException {
        for (SourceConfig t : tables) {
            new StgWriter(env.warehouse(), env.pipeline(), t, env.workerId()).ensureTables();
        }
        env.warehouse().inTransaction(c -> {
            writer.positions().insertIfAbsent(c, List.of(new CdcOffset(stream, 0, Map.of())), env.workerId());
            return null;
        });
        CdcOffset committed = readCommitted();
        if (committed.offset().isEmpty() && !"no_data".equals(spec.snapshot())) {
            dropLeftoverSlot();
        }
    }

    private CdcOffset readCommitted() throws SQLException {
        try (Connection c = env.warehouse().connection()) {
            CdcOffset stored = writer.positions().load(c, CdcOffset::of).get(stream);
            if (stored == null) {
                throw new IllegalStateException("the position of cdc source '" + spec.source() + "' (stream " + stream
                        + ") is missing from strata.source_positions");
            }
            writer.committed(stored);
            return stored;
        }
    }

    private void dropLeftoverSlot() {
        JdbcConfiguration jdbc = JdbcConfiguration.create()
                .with(JdbcConfiguration.HOSTNAME, spec.host())
                .with(JdbcConfiguration.PORT, spec.port())
                .with(JdbcConfiguration.USER, spec.user())
                .with(JdbcConfiguration.PASSWORD, spec.password().reveal())
                .with(JdbcConfiguration.DATABASE, spec.database())
                .build();
        try (PostgresConnection c = new PostgresConnection(jdbc, "strata-slot-check")) {
            if (c.dropReplicationSlot(spec.slot())) {
                LOG.info("cdc source '{}': dropped replication slot {}, left by a start that landed nothing; "
                        + "the snapshot starts over with a new one", spec.source(), spec.slot());
            }
        } catch (RuntimeException e) {
            LOG.debug("cdc source '{}': slot check: {}", spec.source(), e.getMessage());
        }
    }

    /** Runs the engine until it stops; returns null after a requested stop, else why it stopped. */
    private String runEngineOnce(ExecutorService executor) throws InterruptedException {
        AtomicReference<String> failure = new AtomicReference<>();
        String id = CdcOffsetStore.register(this::committedForDebezium);
        try {
            Handler handler = new Handler();
            DebeziumEngine<RecordChangeEvent<SourceRecord>> e = DebeziumEngine.create(ChangeEventFormat.of(Connect.class))
                    .using(engineProperties(id))
                    .using(OffsetCommitPolicy.always())
                    .notifying(handler)
                    .using((success, message, error) -> {
                        if (!success) {
                            failure.set(describe(message, error));
                        }
                    })
                    .build();
            engine.set(e);
            if (stop.getCount() == 0) {
                closeQuietly(e);
                return null;
            }
            Future<?> running = executor.submit(e);
            LOG.info("cdc source '{}': capturing {} table(s) of {}:{}/{} through slot {}", spec.source(), tables.size(),
                    spec.host(), spec.port(), spec.database(), spec.slot());
            try {
                running.get();
            } catch (java.util.concurrent.ExecutionException ex) {
                failure.compareAndSet(null, describe(ex.getMessage(), ex.getCause()));
            }
            engine.set(null);
            settleInFlight();   // a commit under way finishes (or fails) before anything is rolled back
            writer.abort();   // whatever was not committed is delivered again by the next start
            if (stop.getCount() == 0) {
                return null;
            }
            return failure.get() != null ? failure.get() : "the capture stopped";
        } finally {
            CdcOffsetStore.unregister(id);
        }
    }

    private static String describe(String message, Throwable error) {
        Throwable root = error;
        while (root != null && root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String why = root == null ? null : root.getMessage();
        if (why == null || why.isBlank()) {
            return message == null ? "the capture failed" : message;
        }
        return message == null || message.equals(why) ? why : message + ": " + why;
    }

    private static void closeQuietly(DebeziumEngine<?> e) {
        try {
            e.close();
        } catch (java.io.IOException | RuntimeException ignored) {
            // stopping anyway
        }
    }

    /**
     * Waits for the hand-off under way, if any, to be committed or to fail, and returns it (still
     * set: its point is marked processed, or its failure thrown, by the capturing thread).
     */
    private InFlight awaitInFlight() {
        InFlight f = inFlight.get();
        if (f != null) {
            try {
                f.done().get();
            } catch (java.util.concurrent.ExecutionException e) {
                // reported where the hand-off is collected
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return f;
    }

    /** After the engine stopped: lets a commit under way end, and forgets it (nothing is left to acknowledge). */
    private void settleInFlight() {
        awaitInFlight();
        inFlight.set(null);
    }

    /** True when Debezium reads the offset to confirm it to the slot ({@code PostgresConnectorTask.performCommit}). */
    private static boolean readForSlotConfirmation() {
        return StackWalker.getInstance().walk(frames -> frames.limit(16).anyMatch(f ->
                f.getMethodName().equals("performCommit") && f.getClassName().startsWith("io.debezium.connector.")));
    }

    /** What {@link CdcOffsetStore#get} answers: the committed offset, read from the warehouse now. */
    private Map<ByteBuffer, ByteBuffer> committedForDebezium() {
        // A commit under way decides where a task (re)starting resumes: it waits for it (after it, or,
        // had it failed, from the offset before it). The task's own read before confirming an LSN to
        // the slot does not wait: the offset committed so far is at most one hand-off behind, and
        // confirming less only keeps WAL longer. Any other caller waits, so a Debezium that renamed
        // the method is slower, never wrong.
        if (!readForSlotConfirmation()) {
            awaitInFlight();
        }
        CdcOffset committed = writer.committed();
        if (committed == null) {
            try {
                committed = readCommitted();
            } catch (SQLException e) {
                throw new IllegalStateException("cannot read the committed position from the warehouse: " + e.getMessage(), e);
            }
        }
        String key = committed.offset().get("key");
        String value = committed.offset().get("value");
        if (key == null || value == null) {
            return Map.of();
        }
        return Map.of(ByteBuffer.wrap(key.getBytes(StandardCharsets.UTF_8)),
                ByteBuffer.wrap(value.getBytes(StandardCharsets.UTF_8)));
    }

    Properties engineProperties(String storeId) {
        Properties p = new Properties();
        p.setProperty("name", engineName);
        p.setProperty("connector.class", CONNECTOR_CLASS);
        p.setProperty("offset.storage", CdcOffsetStore.class.getName());
        p.setProperty(CdcOffsetStore.ID_PROPERTY, storeId);
        p.setProperty("offset.flush.interval.ms", "0");
        p.setProperty("offset.flush.timeout.ms", "60000");
        p.setProperty("topic.prefix", spec.source());
        p.setProperty("database.hostname", spec.host());
        p.setProperty("database.port", Integer.toString(spec.port()));
        p.setProperty("database.user", spec.user());
        p.setProperty("database.password", spec.password().reveal());
        p.setProperty("database.dbname", spec.database());
        p.setProperty("plugin.name", "pgoutput");
        p.setProperty("slot.name", spec.slot());
        p.setProperty("publication.name", spec.publication());
        p.setProperty("publication.autocreate.mode", "filtered");
        p.setProperty("table.include.list", String.join(",", tables.stream()
                .map(t -> ((CdcTableSpec) t.spec()).table())
                .map(t -> t.schema() + "\\." + t.table()).toList()));
        p.setProperty("snapshot.mode", spec.snapshot());
        p.setProperty("provide.transaction.metadata", "true");
        p.setProperty("heartbeat.interval.ms", Long.toString(spec.heartbeat().toMillis()));
        p.setProperty("tombstones.on.delete", "false");
        // readable, lossless values in the JSON; overridable in properties:
        p.setProperty("decimal.handling.mode", "string");
        p.setProperty("max.batch.size", "8192");
        p.setProperty("max.queue.size", "32768");
        p.setProperty("errors.max.retries", "-1");
        spec.properties().forEach(p::setProperty);
        return p;
    }

    /** The offset of a commit point as {@link CdcOffset} fields: what Connect's offset store would hold. */
    private Map<String, String> offsetOf(SourceRecord r) {
        byte[] key = keyConverter.fromConnectData(engineName, null, Arrays.asList(engineName, r.sourcePartition()));
        byte[] value = valueConverter.fromConnectData(engineName, null, r.sourceOffset());
        Map<String, String> out = new LinkedHashMap<>();
        out.put("key", new String(key, StandardCharsets.UTF_8));
        out.put("value", new String(value, StandardCharsets.UTF_8));
        Object lsn = r.sourceOffset().get("lsn");
        if (lsn instanceof Long l) {
            out.put("lsn", lsnText(l));
        }
        return out;
    }

    /** An LSN in PostgreSQL's notation, {@code 16/B374D848}. */
    static String lsnText(long lsn) {
        return Long.toHexString(lsn >>> 32).toUpperCase(java.util.Locale.ROOT) + "/"
                + Long.toHexString(lsn & 0xFFFFFFFFL).toUpperCase(java.util.Locale.ROOT);
    }

    /** Receives Debezium's batches on the engine's thread and lands them (see the class comment). */
    private final class Handler implements DebeziumEngine.ChangeConsumer<RecordChangeEvent<SourceRecord>> {
        private final ConnectJson payload = new ConnectJson();
        private final ConnectJson key = new ConnectJson();
        private final EventTimes.MillisFormatter times = new EventTimes.MillisFormatter();
        private final String heartbeatTopic = "__debezium-heartbeat." + spec.source();
        private final String transactionTopic = spec.source() + ".transaction";
        /** Source transactions begun since the last commit: a second BEGIN of one means the stream restarted. */
        private final java.util.Set<String> openTransactions = new java.util.HashSet<>();
        private boolean inTransaction;
        private String currentTransaction;
        private boolean inSnapshot;
        private long snapshotOrdinal;
        private long eventInTransaction;
        private long openedNanos;
        /** Rows since the last commit hand-off were spilled (handed without a commit). */
        private boolean spilled;
        /** A row has been buffered since the last commit hand-off. */
        private boolean unitStarted;

        @Override
        public void handleBatch(List<RecordChangeEvent<SourceRecord>> records,
                                DebeziumEngine.RecordCommitter<RecordChangeEvent<SourceRecord>> committer)
                throws InterruptedException {
            InFlight previous = inFlight.get();
            if (previous != null && previous.done().isDone()) {
                collect(previous, committer);
            }
            RecordChangeEvent<SourceRecord> point = null;
            for (RecordChangeEvent<SourceRecord> event : records) {
                SourceRecord r = event.record();
                String topic = r.topic();
                if (topic.equals(transactionTopic)) {
                    Struct v = (Struct) r.value();
                    if ("BEGIN".equals(v.getString("status"))) {
                        if (!openTransactions.add(v.getString("id"))) {
                            // delivered again: the task restarted from the committed offset, and everything
                            // since it comes again, this transaction first
                            restarted("transaction " + v.getString("id") + " begins again", committer);
                            openTransactions.add(v.getString("id"));
                            point = null;
                        }
                        inTransaction = true;
                        currentTransaction = v.getString("id");
                        eventInTransaction = 0;
                    } else {
                        inTransaction = false;
                        writer.point();
                        point = event;
                    }
                    continue;
                }
                if (topic.equals(heartbeatTopic)) {
                    if (!inTransaction && !inSnapshot) {
                        writer.point();
                        point = event;
                    }
                    continue;
                }
                CdcStgWriter.Table t = byTopic.get(topic);
                if (t == null || r.value() == null) {
                    continue;   // a table not listed (cannot happen with table.include.list), or a tombstone
                }
                Struct source = ((Struct) r.value()).getStruct("source");
                if ("first".equals(source.getString("snapshot")) && (spilled || writer.buffered() > 0)) {
                    restarted("a snapshot begins again", committer);
                    point = null;
                }
                land(t, r);
                Map<String, ?> offset = r.sourceOffset();
                if (offset.get("snapshot") != null && !"false".equals(String.valueOf(offset.get("snapshot")))) {
                    boolean last = Boolean.TRUE.equals(offset.get("last_snapshot_record"));
                    inSnapshot = !last;
                    if (last) {
                        writer.point();
                        point = event;
                    }
                }
            }
            if (point != null) {
                handCommit(point, committer);
            } else if (writer.buffered() >= spillRows || writer.bufferedBytes() >= SPILL_BYTES) {
                handSpill(committer);
            }
        }

        /**
         * Waits for the hand-off under way and collects it: after its commit, its point is marked
         * processed and the batch finished (Debezium's task then confirms the warehouse's committed
         * offset to the slot); a failure stops the engine, which the lander starts again from the
         * committed offset. Called on the capturing thread only, so Debezium's committer is only
         * used there.
         */
        private void collect(InFlight f, DebeziumEngine.RecordCommitter<RecordChangeEvent<SourceRecord>> committer)
                throws InterruptedException {
            try {
                f.done().get();
            } catch (java.util.concurrent.ExecutionException e) {
                inFlight.set(null);
                Throwable cause = e.getCause() == null ? e : e.getCause();
                throw new IllegalStateException("landing into the warehouse failed: " + cause.getMessage(), cause);
            }
            inFlight.set(null);
            if (f.point() != null) {
                committer.markProcessed(f.point());
                committer.markBatchFinished();
            }
        }

        private void awaitAndCollect(DebeziumEngine.RecordCommitter<RecordChangeEvent<SourceRecord>> committer)
                throws InterruptedException {
            InFlight previous = inFlight.get();
            if (previous != null) {
                collect(previous, committer);
            }
        }

        /**
         * Hands the rows up to the point to the writing thread, to be written and committed with the
         * point's offset while capture goes on; at most one hand-off is under way.
         */
        private void handCommit(RecordChangeEvent<SourceRecord> point,
                                DebeziumEngine.RecordCommitter<RecordChangeEvent<SourceRecord>> committer)
                throws InterruptedException {
            awaitAndCollect(committer);
            Map<String, String> offset = offsetOf(point.record());
            writer.hand(false);
            long opened = openedNanos;
            Future<List<CdcStgWriter.Landed>> done = writing.submit(() -> {
                List<CdcStgWriter.Landed> landed = writer.commitToPoint(offset);
                report(landed, opened);
                return landed;
            });
            inFlight.set(new InFlight(done, point));
            // what was begun before the point is committed with it (or, failing, comes again after a restart)
            openTransactions.clear();
            if (inTransaction) {
                openTransactions.add(currentTransaction);
            }
            spilled = false;
            unitStarted = false;
        }

        /** Hands every buffered row to the writing thread, written into the open transaction without a commit. */
        private void handSpill(DebeziumEngine.RecordCommitter<RecordChangeEvent<SourceRecord>> committer)
                throws InterruptedException {
            awaitAndCollect(committer);
            writer.hand(true);
            Future<List<CdcStgWriter.Landed>> done = writing.submit(() -> {
                writer.spill();
                return List.of();
            });
            inFlight.set(new InFlight(done, null));
            spilled = true;
        }

        /** Drops what is open: the engine delivers it again from the committed offset. */
        private void restarted(String why, DebeziumEngine.RecordCommitter<RecordChangeEvent<SourceRecord>> committer)
                throws InterruptedException {
            LOG.info("cdc source '{}': {} (the connector restarted); the uncommitted changes are dropped and land "
                    + "as delivered again", spec.source(), why);
            awaitAndCollect(committer);   // a commit under way stands (it is before the restart's offset); a failure stops
            writer.abort();
            spilled = false;
            unitStarted = false;
            openTransactions.clear();
            inTransaction = false;
            inSnapshot = false;
            snapshotOrdinal = 0;
        }

        private void land(CdcStgWriter.Table t, SourceRecord r) {
            Struct value = (Struct) r.value();
            Struct source = value.getStruct("source");
            long lsn = source.getInt64("lsn") == null ? 0 : source.getInt64("lsn");
            Long ts = source.getInt64("ts_ms");
            String partition;
            long position;
            boolean snapshot = r.sourceOffset().get("snapshot") != null
                    && !"false".equals(String.valueOf(r.sourceOffset().get("snapshot")));
            if (snapshot) {
                partition = "snapshot " + lsnText(lsn);
                position = ++snapshotOrdinal;
            } else {
                eventInTransaction++;
                Struct tx = value.schema().field("transaction") == null ? null : value.getStruct("transaction");
                partition = lsnText(lsn);
                position = tx != null && tx.getInt64("total_order") != null ? tx.getInt64("total_order") : eventInTransaction;
            }
            if (!unitStarted) {
                unitStarted = true;
                openedNanos = System.nanoTime();
            }
            String keyText = r.key() == null ? null : key.encode(r.keySchema(), r.key()).text();
            payload.encode(r.valueSchema(), value);
            String sourceTime = ts == null ? null : times.format(ts);
            String eventTime = sourceTime;
            RecordDecoder decoder = eventTimes.get(t.name);
            if (decoder != null) {
                eventTime = decoder.decode(Arrays.copyOf(payload.bytes(), payload.length())).eventTime();
            }
            t.rows.beginRow()
                    .text(keyText)
                    .utf8(payload.bytes(), 0, payload.length())
                    .text(partition)
                    .number(position)
                    .text(eventTime)
                    .text(sourceTime)
                    .text(null)
                    .endRow();
            if (ts != null) {
                t.lastSourceMillis = Math.max(t.lastSourceMillis, ts);
            }
        }

        private void report(List<CdcStgWriter.Landed> landed, long openedNanos) {
            if (LOG.isDebugEnabled()) {
                LOG.debug("cdc source '{}': committed {}", spec.source(), landed);
            }
            Duration took = Duration.ofNanos(System.nanoTime() - openedNanos);
            for (CdcStgWriter.Landed l : landed) {
                metrics.get(l.table()).landed(l.rows(), l.duplicates(), took);
                try {
                    listener.landed(new LandedBatch(l.table(), l.batchId(), l.rows(), l.duplicates(), 0, took));
                } catch (RuntimeException e) {
                    LOG.warn("cdc source '{}': a landing listener failed: {}", spec.source(), e.getMessage());
                }
            }
        }
    }
}
