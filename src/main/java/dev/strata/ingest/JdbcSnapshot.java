package dev.strata.ingest;

import dev.strata.config.JdbcSourceSpec;
import dev.strata.config.SourceConfig;
import dev.strata.warehouse.LockKeys;
import dev.strata.warehouse.SqlDialect;
import dev.strata.warehouse.Warehouse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.Date;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@code mode: snapshot} run: the whole source table (or query) landed as the snapshot of one
 * schedule date, replacing that date's rows.
 *
 * <p><b>Contract.</b> The run takes the caller's transaction (the task's, which also records the
 * run's success): under the STG lock it deletes the date's rows of {@code stg.<source>} and loads
 * every row the source returns, through the warehouse's bulk load in chunks, each row with that
 * {@code _snapshot_date}; nothing is committed here. So readers see the date's previous snapshot
 * or the complete new one, never a mix; a failure or a crash anywhere leaves the previous one; and
 * running a date again replaces it — idempotent: the date holds one copy of the source as it was
 * when that run read it. The source is read in one statement (one consistent read) and streamed:
 * the rows of at most {@value RowChunks#CAPACITY} chunks are in memory at once.
 *
 * <p><b>Dates.</b> A snapshot shows the source as it is when the run reads it, labelled with the
 * schedule date: a run for a past date (a backfill, a re-run) takes the current data and labels it
 * with that past date. With {@code keep: N} the dates older than the N newest are deleted in the
 * same transaction.
 */
final class JdbcSnapshot {
    private static final Logger LOG = LoggerFactory.getLogger(JdbcSnapshot.class);
    private static final Duration PROGRESS_EVERY = Duration.ofSeconds(10);

    private final SourceConfig config;
    private final JdbcSource source;
    private final JdbcStgTable table;
    private final String pipeline;

    JdbcSnapshot(SourceConfig config, JdbcSource source, JdbcStgTable table, String pipeline) {
        this.config = config;
        this.source = source;
        this.table = table;
        this.pipeline = pipeline;
    }

    /** Lands the snapshot of {@code date} in {@code tx} (not committed); returns the rows landed. */
    long run(Warehouse w, Connection tx, LocalDate date, String worker) throws SQLException {
        long started = System.nanoTime();
        SqlDialect d = w.sql();
        try (Connection src = source.connect()) {
            List<LandedColumn> columns = table.ensure(w, source.map(source.describe(src)));
            List<String> copyColumns = new ArrayList<>();
            copyColumns.add(StgTable.SEQ);
            columns.forEach(c -> copyColumns.add(c.name()));
            copyColumns.add(StgTable.BATCH_ID);
            copyColumns.add(JdbcStgTable.SNAPSHOT_DATE);
            long batchId = w.sequences().next(tx, "strata", "landing_batch_id");
            byte[] suffix = ("," + batchId + "," + date + "\n").getBytes(StandardCharsets.US_ASCII);
            w.locks().lockForTransaction(tx, LockKeys.stg(source.name()));
            long replaced;
            try (PreparedStatement ps = tx.prepareStatement("DELETE FROM " + table.qualified() + " WHERE "
                    + d.quote(JdbcStgTable.SNAPSHOT_DATE) + " = ?")) {
                ps.setDate(1, Date.valueOf(date));
                replaced = ps.executeUpdate();
            }
            long rows = 0;
            long lastReport = System.nanoTime();
            try (RowChunks chunks = new RowChunks("jdbc-read-" + source.name(),
                    JdbcReads.snapshot(source, src, columns, config.batch()))) {
                RowChunks.Chunk chunk;
                while ((chunk = chunks.next()) != null) {
                    int n = chunk.rows().rowCount();
                    long first = w.sequences().reserve(tx, StgTable.SCHEMA, table.sequence(), n);
                    w.bulkLoad().load(tx, table.qualified(), copyColumns, chunk.rows().framed(0, n, first, suffix));
                    rows += n;
                    if (System.nanoTime() - lastReport > PROGRESS_EVERY.toNanos()) {
                        lastReport = System.nanoTime();
                        LOG.info("{}: snapshot of {}: {} rows so far", source.where(), date, String.format("%,d", rows));
                    }
                }
            } catch (SQLException | RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new SQLException(source.where() + ": reading the source failed: " + e.getMessage(), "08000", e);
            }
            long deleted = source.spec().keep().isPresent() ? dropOldDates(tx, d, source.spec().keep().get()) : 0;
            writeBatchRow(w, tx, batchId, worker, rows);
            double seconds = (System.nanoTime() - started) / 1e9;
            LOG.info("{}: snapshot of {}: {} rows in {} s ({} rows/s){}{}", source.where(), date, String.format("%,d", rows),
                    String.format("%.1f", seconds), String.format("%,.0f", rows / Math.max(seconds, 1e-3)),
                    replaced > 0 ? ", replacing " + String.format("%,d", replaced) + " rows of an earlier run" : "",
                    deleted > 0 ? ", " + String.format("%,d", deleted) + " rows of dates beyond keep: " + source.spec().keep().get() + " deleted" : "");
            return rows;
        }
    }

    /** Deletes the rows of every date older than the {@code keep} newest; returns how many. */
    private long dropOldDates(Connection tx, SqlDialect d, int keep) throws SQLException {
        String col = d.quote(JdbcStgTable.SNAPSHOT_DATE);
        LocalDate oldestKept = null;
        try (PreparedStatement ps = tx.prepareStatement("SELECT DISTINCT " + col + " FROM " + table.qualified()
                + " ORDER BY " + col + " DESC")) {
            ps.setMaxRows(keep);
            try (ResultSet rs = ps.executeQuery()) {
                int n = 0;
                while (rs.next()) {
                    oldestKept = rs.getDate(1).toLocalDate();
                    n++;
                }
                if (n < keep) {
                    return 0;
                }
            }
        }
        try (PreparedStatement ps = tx.prepareStatement("DELETE FROM " + table.qualified() + " WHERE " + col + " < ?")) {
            ps.setDate(1, Date.valueOf(oldestKept));
            return ps.executeUpdate();
        }
    }

    private void writeBatchRow(Warehouse w, Connection tx, long batchId, String worker, long rows) throws SQLException {
        try (PreparedStatement ps = tx.prepareStatement("INSERT INTO strata.landing_batches (id, pipeline, source, worker,"
                + " records, rows_landed, duplicates, dead_letters, positions) VALUES (?, ?, ?, ?, ?, ?, 0, 0, "
                + w.sql().toJson("?") + ")")) {
            ps.setLong(1, batchId);
            ps.setString(2, pipeline);
            ps.setString(3, source.name());
            ps.setString(4, worker);
            ps.setLong(5, rows);
            ps.setLong(6, rows);
            ps.setString(7, "{}");
            ps.executeUpdate();
        }
    }

    static boolean isSnapshot(SourceConfig config) {
        return config.spec() instanceof JdbcSourceSpec j && j.mode() == JdbcSourceSpec.Mode.SNAPSHOT;
    }
}
