package dev.strata.ingest;

import dev.strata.warehouse.LockKeys;
import dev.strata.warehouse.SqlDialect;
import dev.strata.warehouse.Warehouse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The warehouse side of a {@code cdc} source: one warehouse transaction, kept open across
 * Debezium's batches, that holds the changes since the last <em>commit point</em> and is committed
 * only at the next one, together with the source's {@link CdcOffset} ({@link CdcLander} says which
 * events are commit points and why). Rows are buffered per STG table as CSV; {@link #point()}
 * marks how far the buffers are committable, {@link #hand} moves the rows up to that mark (or all of
 * them) into a second buffer per table, {@link #commitToPoint} writes the handed rows and commits
 * with the new offset, {@link #spill()} writes them into the open transaction without committing (a
 * snapshot or a large source transaction does not have to fit in memory), and {@link #abort()} rolls
 * everything back.
 *
 * <p>Rows are inserted like Kafka batches (StgWriter): under the STG table's transaction lock, with a
 * block of {@code _seq} numbers reserved per {@code COPY} straight into the table. Should a change
 * already be landed (its {@code (_partition, _offset)} taken — which the protocol never causes, and
 * {@code landing_batches.duplicates} would show), that chunk goes through a scratch table with
 * {@code INSERT … ON CONFLICT DO NOTHING} instead. Used by two threads in turn, never at once: the
 * capturing thread appends rows and hands them over; the writing thread writes and commits handed
 * rows while the capturing thread appends the next ones ({@link CdcLander} waits for one hand-off
 * to be written before the next, which orders the two).
 */
final class CdcStgWriter {
    private static final String SCRATCH = "strata_cdc_landing";
    private static final List<String> SCRATCH_COLUMNS = List.of(StgTable.SEQ, StgTable.KEY, StgTable.PAYLOAD,
            StgTable.PARTITION, StgTable.OFFSET, StgTable.EVENT_TIME, StgTable.SOURCE_TIME, StgTable.HEADERS,
            StgTable.BATCH_ID);
    private static final List<String> DIRECT_COLUMNS = SCRATCH_COLUMNS;

    /** One STG table's buffer and its share of the open transaction. */
    static final class Table {
        final String name;
        final String qualified;
        final String insertFromScratch;
        final CsvRows rows = new CsvRows(1 << 16);     // appended by the capturing thread
        final CsvRows handed = new CsvRows(1 << 16);   // handed to the writing thread: up to a point, or spilled
        int pointRows;        // rows of the buffer up to the last commit point
        long batchId = -1;    // this transaction's landing_batches id for the table
        int records;          // rows written in this transaction (attempted)
        int landed;
        volatile long lastSourceMillis = -1;   // the latest source time buffered (set by the capturing thread)

        Table(String name, String qualified, String insertFromScratch) {
            this.name = name;
            this.qualified = qualified;
            this.insertFromScratch = insertFromScratch;
        }
    }

    /** What a commit landed into one STG table. */
    record Landed(String table, long batchId, int rows, int duplicates, long lastSourceMillis) {
    }

    private final Warehouse warehouse;
    private final SqlDialect d;
    private final String pipeline;
    private final String source;
    private final String worker;
    private final SourcePositions positions;
    private final Map<String, Table> tables = new LinkedHashMap<>();
    private final String createScratch;
    private final String clearScratch;
    private Connection conn;
    private volatile CdcOffset committed;   // read by the engine's offset store on its threads

    CdcStgWriter(Warehouse warehouse, String pipeline, String source, String worker, List<String> stgTables) {
        this.warehouse = warehouse;
        this.d = warehouse.sql();
        this.pipeline = pipeline;
        this.source = source;
        this.worker = worker;
        this.positions = new SourcePositions(d, pipeline, source);
        String text = d.textType();
        String ts = d.timestampType();
        this.createScratch = d.createTempTable(SCRATCH, d.quote(StgTable.SEQ) + " bigint, " + d.quote(StgTable.KEY) + " "
                + d.keyTextType() + ", " + d.quote(StgTable.PAYLOAD) + " " + text + ", " + d.quote(StgTable.PARTITION)
                + " " + text + ", " + d.quote(StgTable.OFFSET) + " bigint, " + d.quote(StgTable.EVENT_TIME) + " " + ts
                + ", " + d.quote(StgTable.SOURCE_TIME) + " " + ts + ", " + d.quote(StgTable.HEADERS) + " " + text + ", "
                + d.quote(StgTable.BATCH_ID) + " bigint");
        this.clearScratch = "DELETE FROM " + d.quote(SCRATCH);
        for (String name : stgTables) {
            String qualified = d.qualified(StgTable.SCHEMA, name);
            String select = "SELECT " + d.quote(StgTable.SEQ) + ", " + d.quote(StgTable.KEY) + ", "
                    + d.toJson(d.quote(StgTable.PAYLOAD)) + ", " + d.quote(StgTable.PARTITION) + ", "
                    + d.quote(StgTable.OFFSET) + ", " + d.quote(StgTable.EVENT_TIME) + ", " + d.quote(StgTable.SOURCE_TIME)
                    + ", " + d.toJson(d.quote(StgTable.HEADERS)) + ", " + d.quote(StgTable.BATCH_ID) + " FROM " + d.quote(SCRATCH);
            tables.put(name, new Table(name, qualified, d.insertSkippingConflicts(qualified, DIRECT_COLUMNS, select,
                    StgTable.uniqueColumns(false))));
        }
    }

    SourcePositions positions() {
        return positions;
    }

    Table table(String name) {
        return tables.get(name);
    }

    /** The offset the warehouse has committed, as last read or committed by this writer. */
    CdcOffset committed() {
        return committed;
    }

    void committed(CdcOffset offset) {
        this.committed = offset;
    }

    /** Marks everything buffered so far as committable at the next {@link #commitToPoint}. */
    void point() {
        for (Table t : tables.values()) {
            t.pointRows = t.rows.rowCount();
        }
    }

    /** Rows buffered in memory (not yet in the open transaction). */
    int buffered() {
        int n = 0;
        for (Table t : tables.values()) {
            n += t.rows.rowCount();
        }
        return n;
    }

    long bufferedBytes() {
        long n = 0;
        for (Table t : tables.values()) {
            n += t.rows.byteSize();
        }
        return n;
    }

    /** True while a transaction holds rows not yet committed. */
    boolean open() {
        return conn != null;
    }

    /**
     * Moves the rows up to the last {@link #point()} (or, with {@code all}, every buffered row: a
     * spill) from the capturing thread's buffers into the hand-off buffers, which {@link #spill()} or
     * {@link #commitToPoint} then write on the writing thread while capture goes on appending. Only
     * while nothing handed is still being written: the caller has waited for the previous hand-off.
     */
    void hand(boolean all) {
        for (Table t : tables.values()) {
            t.rows.moveFirstTo(all ? t.rows.rowCount() : t.pointRows, t.handed);
            t.pointRows = 0;
        }
    }

    /**
     * Writes the handed rows into the open transaction without committing. Only when no commit
     * point is pending in them: the rows written now belong to the unit the next point ends.
     */
    void spill() throws SQLException {
        try {
            ensureOpen();
            for (Table t : tables.values()) {
                write(t, t.handed, t.handed.rowCount());
            }
        } catch (SQLException | RuntimeException e) {
            rollback();
            throw e;
        }
    }

    /**
     * Writes the handed rows (those up to a {@link #point()}) and commits them with the source's
     * offset moved to {@code offset}. Throws
     * {@link PositionConflictException} (nothing committed) when another process moved the offset.
     */
    List<Landed> commitToPoint(java.util.Map<String, String> offset) throws SQLException, PositionConflictException {
        ensureOpen();
        try {
            for (Table t : tables.values()) {
                write(t, t.handed, t.handed.rowCount());
            }
            CdcOffset next = committed.next(offset);
            positions.compareAndSet(conn, List.of(new PositionMove(committed, next)), worker);
            List<Landed> out = new ArrayList<>();
            for (Table t : tables.values()) {
                if (t.records > 0) {
                    writeBatchRow(t, next);
                    out.add(new Landed(t.name, t.batchId, t.landed, t.records - t.landed, t.lastSourceMillis));
                }
            }
            conn.commit();
            committed = next;
            closeTransaction();
            return out;
        } catch (SQLException | PositionConflictException | RuntimeException e) {
            rollback();
            throw e;
        }
    }

    /**
     * On the writing thread, after a failed write: rolls the open transaction back and drops the
     * handed rows, leaving the capturing thread's buffers alone (the lander stops the engine and
     * {@link #abort()}s once capture has stopped).
     */
    void rollback() {
        if (conn != null) {
            try {
                conn.rollback();
            } catch (SQLException ignored) {
                // the connection is broken: closing it ends the transaction on the server too
            }
        }
        closeTransaction();
        for (Table t : tables.values()) {
            t.handed.reset();
        }
    }

    /** Rolls the open transaction back and empties every buffer. */
    void abort() {
        if (conn != null) {
            try {
                conn.rollback();
            } catch (SQLException ignored) {
                // the connection is broken: closing it ends the transaction on the server too
            }
        }
        closeTransaction();
        for (Table t : tables.values()) {
            t.rows.reset();
            t.handed.reset();
            t.pointRows = 0;
        }
    }

    private void closeTransaction() {
        if (conn != null) {
            try {
                conn.close();
            } catch (SQLException ignored) {
                // nothing left to do with it
            }
            conn = null;
        }
        for (Table t : tables.values()) {
            t.batchId = -1;
            t.records = 0;
            t.landed = 0;
        }
    }

    private void ensureOpen() throws SQLException {
        if (conn != null) {
            return;
        }
        Connection c = warehouse.connection();
        try {
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                s.execute(createScratch);
            }
        } catch (SQLException | RuntimeException e) {
            c.close();
            throw e;
        }
        conn = c;
    }

    /** Inserts the first {@code n} rows of {@code rows} into the STG table of {@code t} and drops them from it. */
    private void write(Table t, CsvRows rows, int n) throws SQLException {
        if (n <= 0) {
            return;
        }
        if (t.batchId < 0) {
            warehouse.locks().lockForTransaction(conn, LockKeys.stg(t.name));
            t.batchId = warehouse.sequences().next(conn, "strata", "landing_batch_id");
        }
        long first = warehouse.sequences().reserve(conn, StgTable.SCHEMA, StgTable.sequenceName(t.name), n);
        int landed;
        if (warehouse.bulkLoad().loadUnlessConflict(conn, t.qualified, DIRECT_COLUMNS, rows.framed(0, n, first, t.batchId))) {
            landed = n;
        } else {
            warehouse.bulkLoad().load(conn, d.quote(SCRATCH), SCRATCH_COLUMNS, rows.framed(0, n, first, t.batchId));
            try (Statement s = conn.createStatement()) {
                landed = s.executeUpdate(t.insertFromScratch);
                s.executeUpdate(clearScratch);
            }
        }
        t.records += n;
        t.landed += landed;
        rows.dropFirst(n);
    }

    private void writeBatchRow(Table t, CdcOffset next) throws SQLException {
        try (PreparedStatement ps = conn.prepareStatement("INSERT INTO strata.landing_batches (id, pipeline, source, worker,"
                + " records, rows_landed, duplicates, dead_letters, positions) VALUES (?, ?, ?, ?, ?, ?, ?, ?, "
                + d.toJson("?") + ")")) {
            ps.setLong(1, t.batchId);
            ps.setString(2, pipeline);
            ps.setString(3, t.name);
            ps.setString(4, worker);
            ps.setInt(5, t.records);
            ps.setInt(6, t.landed);
            ps.setInt(7, t.records - t.landed);
            ps.setInt(8, 0);
            ps.setString(9, "{\"" + next.stream() + "\":[" + committed.version() + "," + next.version() + "]}");
            ps.executeUpdate();
        }
    }

    String source() {
        return source;
    }
}
