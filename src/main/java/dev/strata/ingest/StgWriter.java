package dev.strata.ingest;

import dev.strata.ErrorCode;
import dev.strata.StrataException;
import dev.strata.config.SourceConfig;
import dev.strata.warehouse.LockKeys;
import dev.strata.warehouse.SqlDialect;
import dev.strata.warehouse.Warehouse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lands one batch into {@code stg.<source>} in one warehouse transaction — the exactly-once step
 * of the landing protocol (docs/landing.md):
 * <ol>
 *   <li>take the STG table's transaction lock ({@link dev.strata.warehouse.LockKeys#stg}), so that {@code _seq}
 *       values are drawn in commit order and writers of one source never deadlock;</li>
 *   <li>compare-and-set every partition's position from where the batch starts to where it ends
 *       ({@link SourcePositions#compareAndSet}); a mismatch means another process landed those
 *       records: {@link PositionConflictException}, roll back;</li>
 *   <li>insert the rows, skipping those whose dedup key is already landed (below);</li>
 *   <li>write the batch's dead letters and its {@code strata.landing_batches} row; commit.</li>
 * </ol>
 * Inserting takes one of two bulk paths. The <b>direct</b> path (the usual one) reserves a block of
 * {@code _seq} values and {@code COPY}s the rows straight into the STG table under a savepoint: in
 * a stream almost every key is new, and the table's unique key rejects the whole COPY if one is
 * not. Then, and always with a dedup window, the <b>scratch</b> path runs: {@code COPY} into a
 * session-local scratch table, then {@code INSERT … SELECT … ON CONFLICT DO NOTHING} on the dedup
 * key (with a window, first dropping keys landed within it). After a conflict the scratch path is
 * used for the next {@value #SCRATCH_AFTER_CONFLICT} batches, so a replay does not pay for a failed
 * COPY each time. Both paths give the same rows; the direct one does about half the warehouse's
 * work (docs/performance.md).
 * If the warehouse refuses a row (a value its JSON type cannot hold, say), the transaction is
 * redone with the rows split in halves under savepoints until each refused row stands alone; those
 * become dead letters with the warehouse's message and the rest land. Any other failure is thrown
 * with nothing committed. Thread-safe (holds no connection between calls).
 */
final class StgWriter {
    private static final Logger LOG = LoggerFactory.getLogger(StgWriter.class);
    static final String SCRATCH_TABLE = "strata_landing";
    private static final List<String> SCRATCH_COLUMNS = List.of(StgTable.KEY, StgTable.PAYLOAD, StgTable.PARTITION,
            StgTable.OFFSET, StgTable.EVENT_TIME, StgTable.SOURCE_TIME, StgTable.HEADERS);
    private static final Duration PURGE_EVERY = Duration.ofMinutes(1);
    static final int SCRATCH_AFTER_CONFLICT = 16;
    private static final List<String> DIRECT_COLUMNS = List.of(StgTable.SEQ, StgTable.KEY, StgTable.PAYLOAD,
            StgTable.PARTITION, StgTable.OFFSET, StgTable.EVENT_TIME, StgTable.SOURCE_TIME, StgTable.HEADERS,
            StgTable.BATCH_ID);

    /** Work done in the batch's transaction after its rows are inserted (dead-letter replay marks its letters). */
    @FunctionalInterface
    interface InTransaction {
        void run(Connection c, long batchId, int rowsLanded, List<DeadLetter> refused) throws SQLException;
    }

    /** What a committed batch did. */
    record Result(long batchId, int rowsLanded, int duplicates, List<DeadLetter> deadLetters) {
    }

    private final Warehouse warehouse;
    private final SqlDialect d;
    private final String pipeline;
    private final String source;
    private final String worker;
    private final Optional<Duration> window;
    private final boolean keyed;
    private final SourcePositions positions;
    private final String createScratch;
    private final String insertRows;
    private final String dropRecentKeys;
    private final String rememberKeys;
    private final String purgeKeys;
    private final String clearScratch;
    private volatile long lastPurgeNanos = System.nanoTime();
    /** Batches still to take the scratch path after the direct path met a landed key. */
    private volatile int scratchBatchesLeft;
    private final String stgTable;

    StgWriter(Warehouse warehouse, String pipeline, SourceConfig config, String worker) {
        this.warehouse = warehouse;
        this.d = warehouse.sql();
        this.pipeline = pipeline;
        this.source = config.name();
        this.worker = worker;
        this.window = config.dedupWindow();
        this.keyed = config.keyed();
        this.positions = new SourcePositions(d, pipeline, source);
        String text = d.textType();
        String ts = d.timestampType();
        this.createScratch = d.createTempTable(SCRATCH_TABLE, d.quote(StgTable.KEY) + " " + d.keyTextType() + ", "
                + d.quote(StgTable.PAYLOAD) + " " + text + ", " + d.quote(StgTable.PARTITION) + " " + text + ", "
                + d.quote(StgTable.OFFSET) + " bigint, " + d.quote(StgTable.EVENT_TIME) + " " + ts + ", "
                + d.quote(StgTable.SOURCE_TIME) + " " + ts + ", " + d.quote(StgTable.HEADERS) + " " + text);
        String scratch = d.quote(SCRATCH_TABLE);
        String stg = d.qualified(StgTable.SCHEMA, source);
        this.stgTable = stg;
        String select = "SELECT " + warehouse.sequences().nextValue(StgTable.SCHEMA, StgTable.sequenceName(source)) + ", "
                + d.quote(StgTable.KEY) + ", " + d.toJson(d.quote(StgTable.PAYLOAD)) + ", " + d.quote(StgTable.PARTITION)
                + ", " + d.quote(StgTable.OFFSET) + ", " + d.quote(StgTable.EVENT_TIME) + ", "
                + d.quote(StgTable.SOURCE_TIME) + ", " + d.toJson(d.quote(StgTable.HEADERS)) + ", ? FROM " + scratch;
        this.insertRows = d.insertSkippingConflicts(stg, List.of(StgTable.SEQ, StgTable.KEY, StgTable.PAYLOAD,
                        StgTable.PARTITION, StgTable.OFFSET, StgTable.EVENT_TIME, StgTable.SOURCE_TIME, StgTable.HEADERS,
                        StgTable.BATCH_ID), select, StgTable.uniqueColumns(keyed && window.isEmpty()));
        String dedup = d.qualified(StgTable.SCHEMA, StgTable.dedupTableName(source));
        this.dropRecentKeys = "DELETE FROM " + scratch + " WHERE EXISTS (SELECT 1 FROM " + dedup + " k WHERE k."
                + d.quote(StgTable.KEY) + " = " + scratch + "." + d.quote(StgTable.KEY) + " AND k."
                + d.quote(StgTable.DEDUP_LANDED_AT) + " > ?)";
        this.rememberKeys = d.upsert(dedup, List.of(StgTable.KEY, StgTable.DEDUP_LANDED_AT),
                "SELECT " + d.quote(StgTable.KEY) + ", CURRENT_TIMESTAMP FROM " + scratch,
                List.of(StgTable.KEY), List.of(StgTable.DEDUP_LANDED_AT));
        this.purgeKeys = "DELETE FROM " + dedup + " WHERE " + d.quote(StgTable.DEDUP_LANDED_AT) + " <= ?";
        this.clearScratch = "DELETE FROM " + scratch;
    }

    SourcePositions positions() {
        return positions;
    }

    /**
     * Creates {@code stg.<source>} (and its sequence, and the dedup table with a window) unless
     * they exist, and checks that an existing table has the uniqueness this source's config needs.
     */
    void ensureTables() throws SQLException {
        List<String> ddl = window.isPresent() ? StgTable.createStatementsWithDedupWindow(warehouse.adapter(), source)
                : StgTable.createStatements(warehouse.adapter(), source, keyed);
        warehouse.inTransaction(c -> {
            warehouse.catalog().ensureSchema(c, StgTable.SCHEMA);
            warehouse.locks().lockForTransaction(c, LockKeys.stg(source));
            try (Statement s = c.createStatement()) {
                for (String sql : ddl) {
                    s.execute(sql);
                }
                s.execute(createScratch);
            }
            return null;
        });
        try {
            warehouse.inTransaction(c -> {
                try (Statement s = c.createStatement()) {
                    s.execute(createScratch);
                }
                try (PreparedStatement ps = c.prepareStatement(insertRows)) {
                    ps.setLong(1, 0);
                    ps.executeUpdate();   // the scratch table is empty: inserts nothing, checks ON CONFLICT's key
                }
                return null;
            });
        } catch (SQLException e) {
            if (warehouse.errors().isTransient(e)) {
                throw e;
            }
            String unique = String.join(", ", StgTable.uniqueColumns(keyed && window.isEmpty()));
            throw new StrataException(ErrorCode.WAREHOUSE, "stg." + source + " exists but has no unique key on (" + unique
                    + "), which this source's config needs (key: " + (keyed ? "set" : "not set")
                    + (window.isPresent() ? ", dedup.window set" : "") + "). It was probably created with another "
                    + "'key' or 'dedup.window' setting: restore that setting, or rename the old table and let Strata "
                    + "create a new one. (" + e.getMessage() + ")", e);
        }
    }

    Result land(Batch b) throws SQLException, PositionConflictException {
        return land(b, null);
    }

    Result land(Batch b, InTransaction extra) throws SQLException, PositionConflictException {
        try {
            return attempt(b, extra, false);
        } catch (SQLException e) {
            if (!warehouse.errors().isDataError(e)) {
                throw e;
            }
            LOG.warn("source '{}': the warehouse refused a row of a batch of {} ({}); landing the batch again in parts "
                    + "to set the refused rows aside as dead letters", source, b.rowCount(), e.getMessage());
            return attempt(b, extra, true);
        }
    }

    private Result attempt(Batch b, InTransaction extra, boolean careful)
            throws SQLException, PositionConflictException {
        try (Connection c = warehouse.connection()) {
            c.setAutoCommit(false);
            try {
                try (Statement s = c.createStatement()) {
                    s.execute(createScratch);
                }
                long batchId = nextBatchId(c);
                boolean direct = !careful && window.isEmpty() && b.rowCount() > 0 && scratchBatchesLeft <= 0;
                if (!careful && !direct && b.rowCount() > 0) {
                    // before the lock: other writers of the source need not wait for this COPY
                    warehouse.bulkLoad().load(c, d.quote(SCRATCH_TABLE), SCRATCH_COLUMNS, b.rows().rows(0, b.rowCount()));
                }
                warehouse.locks().lockForTransaction(c, LockKeys.stg(source));
                positions.compareAndSet(c, b.positions(), worker);
                Timestamp cutoff = window.isPresent() ? cutoff(c) : null;
                List<DeadLetter> refused = new ArrayList<>();
                int landed;
                if (b.rowCount() == 0) {
                    landed = 0;
                } else if (careful) {
                    landed = landCarefully(c, b, 0, b.rowCount(), batchId, cutoff, refused);
                } else if (direct && copyDirectly(c, b, batchId)) {
                    landed = b.rowCount();
                } else {
                    if (direct) {
                        warehouse.bulkLoad().load(c, d.quote(SCRATCH_TABLE), SCRATCH_COLUMNS, b.rows().rows(0, b.rowCount()));
                    } else if (scratchBatchesLeft > 0) {
                        scratchBatchesLeft--;
                    }
                    landed = insertFromScratch(c, batchId, cutoff);
                }
                List<DeadLetter> letters = new ArrayList<>(b.deadLetters());
                letters.addAll(refused);
                writeDeadLetters(c, letters);
                if (extra != null) {
                    extra.run(c, batchId, landed, refused);
                }
                int duplicates = b.duplicatesInBatch() + (b.rowCount() - refused.size() - landed);
                writeBatchRow(c, batchId, b, landed, duplicates, letters.size());
                c.commit();
                return new Result(batchId, landed, duplicates, letters);
            } catch (SQLException | PositionConflictException | RuntimeException | Error e) {
                try {
                    c.rollback();
                } catch (SQLException suppressed) {
                    e.addSuppressed(suppressed);
                }
                throw e;
            }
        }
    }

    /**
     * The direct path: the rows straight into the STG table, under a savepoint. False (and nothing
     * inserted) when a key is already landed; the caller then takes the scratch path.
     */
    private boolean copyDirectly(Connection c, Batch b, long batchId) throws SQLException {
        // numbers reserved for a load that does not happen are a gap, which the sequence contract allows
        long first = warehouse.sequences().reserve(c, StgTable.SCHEMA, StgTable.sequenceName(source), b.rowCount());
        if (warehouse.bulkLoad().loadUnlessConflict(c, stgTable, DIRECT_COLUMNS, b.rows().framed(0, b.rowCount(), first, batchId))) {
            return true;
        }
        scratchBatchesLeft = SCRATCH_AFTER_CONFLICT;
        LOG.debug("source '{}': a key of batch {} is already landed; deduplicating through the scratch table",
                source, batchId);
        return false;
    }

    private long nextBatchId(Connection c) throws SQLException {
        return warehouse.sequences().next(c, "strata", "landing_batch_id");
    }

    private Timestamp cutoff(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT CURRENT_TIMESTAMP")) {
            rs.next();
            Instant now = rs.getTimestamp(1).toInstant();
            return Timestamp.from(now.minus(window.orElseThrow()));
        }
    }

    /** Inserts the scratch table's rows; returns how many landed (the rest were duplicates). */
    private int insertFromScratch(Connection c, long batchId, Timestamp cutoff) throws SQLException {
        if (cutoff != null) {
            try (PreparedStatement ps = c.prepareStatement(dropRecentKeys)) {
                ps.setTimestamp(1, cutoff);
                ps.executeUpdate();
            }
            try (Statement s = c.createStatement()) {
                s.executeUpdate(rememberKeys);
            }
            long now = System.nanoTime();
            if (now - lastPurgeNanos > Math.min(PURGE_EVERY.toNanos(), window.orElseThrow().toNanos())) {
                lastPurgeNanos = now;
                try (PreparedStatement ps = c.prepareStatement(purgeKeys)) {
                    ps.setTimestamp(1, cutoff);
                    int purged = ps.executeUpdate();
                    LOG.debug("source '{}': forgot {} keys landed before {}", source, purged, cutoff);
                }
            }
        }
        try (PreparedStatement ps = c.prepareStatement(insertRows)) {
            ps.setLong(1, batchId);
            return ps.executeUpdate();
        }
    }

    /** Lands rows [from, to) under a savepoint, halving the range around rows the warehouse refuses. */
    private int landCarefully(Connection c, Batch b, int from, int to, long batchId, Timestamp cutoff,
                              List<DeadLetter> refused) throws SQLException {
        Savepoint sp = c.setSavepoint();
        try {
            warehouse.bulkLoad().load(c, d.quote(SCRATCH_TABLE), SCRATCH_COLUMNS, b.rows().rows(from, to));
            int n = insertFromScratch(c, batchId, cutoff);
            try (Statement s = c.createStatement()) {
                s.executeUpdate(clearScratch);
            }
            c.releaseSavepoint(sp);
            return n;
        } catch (SQLException e) {
            if (!warehouse.errors().isDataError(e)) {
                throw e;
            }
            c.rollback(sp);
            if (to - from == 1) {
                Batch.RawRecord r = b.rawRows().get(from);
                byte[] value = r.value() != null ? r.value() : b.rows().field(from, 1);
                refused.add(new DeadLetter(r.partition(), r.offset(), r.key(), value, r.headersJson(),
                        r.timestampMillis(), RecordDecoder.Reason.REJECTED_BY_WAREHOUSE, "rejected by the warehouse: " + e.getMessage()));
                return 0;
            }
            int mid = (from + to) >>> 1;
            return landCarefully(c, b, from, mid, batchId, cutoff, refused)
                    + landCarefully(c, b, mid, to, batchId, cutoff, refused);
        }
    }

    private void writeDeadLetters(Connection c, List<DeadLetter> letters) throws SQLException {
        if (letters.isEmpty()) {
            return;
        }
        String sql = d.insertSkippingConflicts("strata.dead_letters",
                List.of("pipeline", "source", "partition_id", "position", "raw_key", "raw_value", "headers", "reason",
                        "source_time"),
                "VALUES (?, ?, ?, ?, ?, ?, " + d.toJson("?") + ", ?, ?)",
                List.of("pipeline", "source", "partition_id", "position"));
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (DeadLetter l : letters) {
                ps.setString(1, pipeline);
                ps.setString(2, source);
                ps.setString(3, Integer.toString(l.partition()));
                ps.setLong(4, l.offset());
                ps.setBytes(5, l.rawKey());
                ps.setBytes(6, l.rawValue());
                ps.setString(7, l.headersJson());
                ps.setString(8, l.message());
                ps.setTimestamp(9, l.timestampMillis() < 0 ? null : new Timestamp(l.timestampMillis()));
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    private void writeBatchRow(Connection c, long batchId, Batch b, int landed, int duplicates, int deadLetters)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO strata.landing_batches (id, pipeline, source, worker,"
                + " records, rows_landed, duplicates, dead_letters, positions) VALUES (?, ?, ?, ?, ?, ?, ?, ?, "
                + d.toJson("?") + ")")) {
            ps.setLong(1, batchId);
            ps.setString(2, pipeline);
            ps.setString(3, source);
            ps.setString(4, worker);
            ps.setInt(5, b.records());
            ps.setInt(6, landed);
            ps.setInt(7, duplicates);
            ps.setInt(8, deadLetters);
            ps.setString(9, b.positionsJson());
            ps.executeUpdate();
        }
    }
}
