package dev.strata.ingest;

import dev.strata.ErrorCode;
import dev.strata.StrataException;
import dev.strata.config.JdbcSourceSpec;
import dev.strata.config.SourceConfig;
import dev.strata.warehouse.LockKeys;
import dev.strata.warehouse.SourceType;
import dev.strata.warehouse.SqlDialect;
import dev.strata.warehouse.Warehouse;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@code mode: incremental} run: the rows whose cursor column is past the stored high-water
 * mark, landed exactly once per row version.
 *
 * <p><b>The read.</b> {@code SELECT … WHERE cursor >= :from ORDER BY cursor}, where {@code :from}
 * is the high-water mark (the greatest cursor value landed, a {@link CursorPosition} in
 * {@code strata.source_positions}) minus the {@code lookback}; the first run reads every row with
 * a non-NULL cursor. The bound is inclusive on purpose: rows with the high-water mark's own value
 * are read again (see <i>ties</i>). One statement, streamed with the fetch size.
 *
 * <p><b>Exactly once.</b> The rows are landed in batches, each in one warehouse transaction that
 * (1) takes the STG lock, (2) moves the cursor position by compare-and-set from the one read to
 * the greatest value landed so far ({@link SourcePositions}), (3) inserts the batch's rows whose
 * {@code _key} is not yet in {@code stg.<source>} — {@code _key} is the MD5 of the row's values
 * in the landing CSV, so it names one version of one row — and (4) writes its
 * {@code strata.landing_batches} row, then commits. Rows are read in cursor order, so after any
 * committed batch every row below its high-water mark has landed. A crash before a commit loses
 * nothing (the position did not move; the next run reads those rows again); a crash after it
 * doubles nothing (re-read rows have keys already landed). Runs of one source hold a lock for their
 * whole length ({@link LockKeys#sourceRun}), so they land one after another, never interleaved.
 *
 * <p><b>Guarantee — which rows land.</b> A row version is landed exactly once if, when some run
 * reads, it is committed in the source and its cursor value is at least that run's
 * {@code high-water mark − lookback}. Ties: a row committed after a run read with the same cursor
 * value as the high-water mark (two transactions that stamped the same {@code modify_date}, one
 * committing later) is landed by the next run, since the bound is inclusive. Late rows: a row
 * committed after a run read past its cursor value — a transaction that set {@code modify_date}
 * (or took an id) before a run and committed after it — is landed only if its value is within the
 * lookback of the high-water mark when the next run reads; so set {@code lookback} to at least the
 * longest such delay (the longest source transaction), or it is missed. Not covered: rows whose
 * cursor is NULL, updates that do not advance the cursor (with an id cursor, only new rows land),
 * and deletes (a deleted row simply stops appearing; use a {@code cdc} source for those). Two rows
 * with equal values are one version and land once. The cost of the lookback is re-reading (not
 * re-landing) the rows inside it on every run.
 */
final class JdbcIncrement {
    private static final Logger LOG = LoggerFactory.getLogger(JdbcIncrement.class);
    static final String STREAM = "cursor";
    private static final HexFormat HEX = HexFormat.of();
    private static final int SCRATCH_AFTER_CONFLICT = 4;

    private final SourceConfig config;
    private final JdbcSource source;
    private final JdbcStgTable table;
    private final String pipeline;
    private final SourcePositions positions;

    JdbcIncrement(SourceConfig config, JdbcSource source, JdbcStgTable table, String pipeline, SqlDialect d) {
        this.config = config;
        this.source = source;
        this.table = table;
        this.pipeline = pipeline;
        this.positions = new SourcePositions(d, pipeline, source.name());
    }

    /** Lands what is new; returns the rows landed (new row versions). {@code listener} hears of each committed batch. */
    long run(Warehouse w, String worker, LandingListener listener) throws SQLException {
        long started = System.nanoTime();
        Connection lock = w.connection();
        try {
            lock.setAutoCommit(false);
            w.locks().lockForTransaction(lock, LockKeys.sourceRun(pipeline, source.name()));
            try (Connection src = source.connect()) {
                List<LandedColumn> columns = table.ensure(w, source.map(source.describe(src)));
                LandedColumn cursor = source.cursor(columns);
                int cursorIndex = columns.indexOf(cursor) + 1;
                CursorPosition at = w.inTransaction(c -> {
                    positions.insertIfAbsent(c, List.of(CursorPosition.start(STREAM)), worker);
                    return positions.load(c, CursorPosition::of).get(STREAM);
                });
                Comparable<?> hwm = at.cursor() == null ? null : RowEncoder.parseCursor(at.cursor(), cursor.type());
                Comparable<?> from = hwm == null ? null : lowerBound(hwm, cursor.type());
                Writer writer = new Writer(w, columns, worker);
                long landed = 0;
                long read = 0;
                try (RowChunks chunks = new RowChunks("jdbc-read-" + source.name(),
                        reader(src, columns, cursor, cursorIndex, from))) {
                    RowChunks.Chunk chunk;
                    while ((chunk = chunks.next()) != null) {
                        Comparable<?> last = chunk.lastCursor();
                        Comparable<?> next = hwm == null || RowEncoder.compare(last, hwm) > 0 ? last : hwm;
                        CursorPosition to = at.next(RowEncoder.cursorText(next));
                        LOG.debug("{}: landing a batch of {} rows read up to {} = {}", source.where(), chunk.rows().rowCount(),
                                cursor.name(), to.cursor());
                        long t0 = System.nanoTime();
                        StgWriter.Result r = writer.land(chunk.rows(), new PositionMove(at, to));
                        at = to;
                        hwm = next;
                        landed += r.rowsLanded();
                        read += chunk.rows().rowCount();
                        listener.landed(new LandedBatch(source.name(), r.batchId(), r.rowsLanded(), r.duplicates(), 0,
                                Duration.ofNanos(System.nanoTime() - t0)));
                    }
                } catch (PositionConflictException e) {
                    throw new StrataException(ErrorCode.TASK_FAILED, source.where() + ": its cursor position was moved by "
                            + "someone else while this run held the source's run lock (an edit of strata.source_positions?); "
                            + "nothing of this batch landed, the next run reads from the stored position", e);
                } catch (SQLException | RuntimeException e) {
                    throw e;
                } catch (Exception e) {
                    throw new SQLException(source.where() + ": reading the source failed: " + e.getMessage(), "08000", e);
                }
                double seconds = (System.nanoTime() - started) / 1e9;
                // a run that found nothing new is the usual case of a frequent schedule or a backfill: not worth a line each
                org.slf4j.event.Level level = landed > 0 ? org.slf4j.event.Level.INFO : org.slf4j.event.Level.DEBUG;
                LOG.atLevel(level).log("{}: {} new row version(s) landed, {} row(s) read since {} {} ({} s); high-water mark {}",
                        source.where(), String.format("%,d", landed), String.format("%,d", read), cursor.name(),
                        from == null ? "(first run)" : ">= " + RowEncoder.cursorText(from), String.format("%.1f", seconds),
                        at.cursor() == null ? "none yet" : at.cursor());
                return landed;
            }
        } finally {
            JdbcSource.rollbackQuietly(lock);
            lock.close();
        }
    }

    /** The high-water mark minus the lookback, in the cursor's own type. */
    private Comparable<?> lowerBound(Comparable<?> hwm, SourceType type) {
        JdbcSourceSpec.Lookback lb = source.spec().lookback().orElse(null);
        if (lb == null) {
            return hwm;
        }
        return switch (type.family()) {
            case TIMESTAMP -> ((LocalDateTime) hwm).minus(lb.duration().orElseThrow());
            case TIMESTAMPTZ -> ((Instant) hwm).minus(lb.duration().orElseThrow());
            case DATE -> {
                Duration d = lb.duration().orElseThrow();
                long days = (d.toSeconds() + 86_399) / 86_400;   // a lookback on dates is whole days, rounded up
                yield ((LocalDate) hwm).minusDays(days);
            }
            case DECIMAL -> ((BigDecimal) hwm).subtract(lb.amount().orElseThrow());
            default -> {
                BigDecimal amount = lb.amount().orElseThrow();
                if (amount.stripTrailingZeros().scale() > 0) {
                    throw new StrataException(ErrorCode.CONFIG, source.where() + ": lookback " + amount
                            + " is not a whole number, but the cursor is an integer");
                }
                yield (Long) hwm - amount.longValueExact();
            }
        };
    }

    private RowChunks.Reader reader(Connection src, List<LandedColumn> columns, LandedColumn cursor, int cursorIndex,
                                    Comparable<?> from) {
        return out -> {
            out.onCancel(JdbcReads.aborting(src));
            String c = JdbcSource.quote(src, cursor.name());
            String select = "SELECT " + JdbcReads.columnList(src, columns) + " FROM " + source.from(src)
                    + " WHERE " + c + (from == null ? " IS NOT NULL" : " >= ?") + " ORDER BY " + c;
            RowEncoder encoder = new RowEncoder(columns);
            MessageDigest md5 = md5();
            try (PreparedStatement ps = src.prepareStatement(select, ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_READ_ONLY)) {
                ps.setFetchSize(source.spec().fetchSize());
                if (from != null) {
                    bind(ps, 1, from);
                }
                try (ResultSet rs = ps.executeQuery()) {
                    JdbcReads.Filler f = new JdbcReads.Filler(out, config.batch());
                    Comparable<?> last = null;
                    while (rs.next()) {
                        f.rows.beginRow();
                        encoder.write(rs, f.rows);
                        f.rows.digestOpenRow(md5);
                        f.rows.text(HEX.formatHex(md5.digest()));
                        f.rows.endRow();
                        last = RowEncoder.cursorValue(rs, cursorIndex, cursor.type());
                        f.maybeFlush(last);
                    }
                    f.flush(last);
                }
            }
            src.commit();
        };
    }

    private static void bind(PreparedStatement ps, int i, Comparable<?> v) throws SQLException {
        if (v instanceof Long l) {
            ps.setLong(i, l);
        } else if (v instanceof BigDecimal b) {
            ps.setBigDecimal(i, b);
        } else if (v instanceof Instant t) {
            ps.setObject(i, OffsetDateTime.ofInstant(t, ZoneOffset.UTC));
        } else {
            ps.setObject(i, v);   // LocalDate, LocalDateTime
        }
    }

    static MessageDigest md5() {
        try {
            return MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("MD5 is required of every Java runtime", e);
        }
    }

    /**
     * Lands one batch in its own transaction (the class comment's steps). The usual path loads the
     * rows straight into the STG table under a savepoint; when a key is already landed (re-read
     * rows: the lookback, ties, a run after a crash) the batch goes through a scratch table and an
     * insert that skips landed keys, and so do the next few.
     */
    private final class Writer {
        private final Warehouse w;
        private final SqlDialect d;
        private final String worker;
        private final List<String> direct = new ArrayList<>();
        private final List<String> scratchColumns = new ArrayList<>();
        private final String scratch;
        private final String scratchTable;
        private final String createScratch;
        private final String insertFromScratch;
        private int scratchLeft;

        Writer(Warehouse w, List<LandedColumn> columns, String worker) {
            this.w = w;
            this.d = w.sql();
            this.worker = worker;
            direct.add(StgTable.SEQ);
            StringBuilder defs = new StringBuilder();
            StringBuilder cols = new StringBuilder();
            for (LandedColumn c : columns) {
                direct.add(c.name());
                scratchColumns.add(c.name());
                defs.append(defs.length() == 0 ? "" : ", ").append(d.quote(c.name())).append(' ').append(c.type().sqlType(d));
                cols.append(", ").append(d.quote(c.name()));
            }
            direct.add(StgTable.KEY);
            direct.add(StgTable.BATCH_ID);
            scratchColumns.add(StgTable.KEY);
            defs.append(", ").append(d.quote(StgTable.KEY)).append(' ').append(d.keyTextType());
            // one scratch table per column layout: a pooled session may keep one of an earlier layout
            MessageDigest md5 = md5();
            md5.update(defs.toString().getBytes(StandardCharsets.UTF_8));
            this.scratch = "strata_jdbc_" + HEX.formatHex(md5.digest()).substring(0, 16);
            this.createScratch = d.createTempTable(scratch, defs.toString());
            // named as the dialect made it (MariaDB keeps temporary tables in a database of their own:
            // quote(scratch) alone fails with "No database selected" once a re-read batch takes this path)
            this.scratchTable = d.tempTableName(scratch);
            List<String> insertColumns = new ArrayList<>(direct);
            this.insertFromScratch = d.insertSkippingConflicts(table.qualified(), insertColumns,
                    "SELECT " + w.sequences().nextValue(StgTable.SCHEMA, table.sequence()) + cols + ", "
                            + d.quote(StgTable.KEY) + ", ? FROM " + scratchTable, List.of(StgTable.KEY));
        }

        StgWriter.Result land(CsvRows rows, PositionMove move) throws SQLException, PositionConflictException {
            try (Connection c = w.connection()) {
                c.setAutoCommit(false);
                try {
                    try (Statement s = c.createStatement()) {
                        s.execute(createScratch);
                    }
                    long batchId = w.sequences().next(c, "strata", "landing_batch_id");
                    w.locks().lockForTransaction(c, LockKeys.stg(source.name()));
                    positions.compareAndSet(c, List.of(move), worker);
                    int n = rows.rowCount();
                    int landed;
                    boolean loaded = false;
                    if (scratchLeft <= 0) {
                        long first = w.sequences().reserve(c, StgTable.SCHEMA, table.sequence(), n);
                        byte[] suffix = ("," + batchId + "\n").getBytes(StandardCharsets.US_ASCII);
                        loaded = w.bulkLoad().loadUnlessConflict(c, table.qualified(), direct, rows.framed(0, n, first, suffix));
                        if (!loaded) {
                            scratchLeft = SCRATCH_AFTER_CONFLICT;
                        }
                    } else {
                        scratchLeft--;
                    }
                    if (loaded) {
                        landed = n;
                    } else {
                        w.bulkLoad().load(c, scratchTable, scratchColumns, rows.rows(0, n));
                        try (PreparedStatement ps = c.prepareStatement(insertFromScratch)) {
                            ps.setLong(1, batchId);
                            landed = ps.executeUpdate();
                        }
                    }
                    try (PreparedStatement ps = c.prepareStatement("INSERT INTO strata.landing_batches (id, pipeline, source,"
                            + " worker, records, rows_landed, duplicates, dead_letters, positions) VALUES (?, ?, ?, ?, ?, ?, ?, 0, "
                            + d.toJson("?") + ")")) {
                        ps.setLong(1, batchId);
                        ps.setString(2, pipeline);
                        ps.setString(3, source.name());
                        ps.setString(4, worker);
                        ps.setInt(5, n);
                        ps.setInt(6, landed);
                        ps.setInt(7, n - landed);
                        ps.setString(8, "{\"" + STREAM + "\":[" + move.from().token() + "," + move.to().token() + "]}");
                        ps.executeUpdate();
                    }
                    c.commit();
                    return new StgWriter.Result(batchId, landed, n - landed, List.of());
                } catch (SQLException | PositionConflictException | RuntimeException e) {
                    JdbcSource.rollbackQuietly(c);
                    throw e;
                }
            }
        }
    }

    /** The stored cursor position of an incremental source, or empty before its first run (status, console). */
    static java.util.Optional<CursorPosition> position(Connection c, SourcePositions positions) throws SQLException {
        Map<String, CursorPosition> all = positions.load(c, CursorPosition::of);
        return java.util.Optional.ofNullable(all.get(STREAM));
    }
}
