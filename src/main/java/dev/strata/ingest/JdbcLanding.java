package dev.strata.ingest;

import dev.strata.config.JdbcSourceSpec;
import dev.strata.config.SourceConfig;
import dev.strata.warehouse.SqlDialect;
import dev.strata.warehouse.Warehouse;
import dev.strata.warehouse.WarehouseAdapter;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;

/**
 * Landing of one {@code jdbc} source — a table or query of an operational database — into
 * {@code stg.<source>} with typed columns (docs/sources.md). A {@code jdbc} source is a scheduled
 * node: each task run calls {@link #snapshot} (the whole table, as the snapshot of the run's
 * schedule date, in the task's own transaction: see {@link JdbcSnapshot}) or {@link #increment}
 * (the rows past the stored cursor, in batches of their own transactions, exactly once: see
 * {@link JdbcIncrement}). Types are mapped by the source database's
 * {@link dev.strata.warehouse.SourceReads}, the table follows the source's schema drift
 * ({@link JdbcStgTable}). Thread-safe; holds no connection between calls.
 */
public final class JdbcLanding {
    private final SourceConfig config;
    private final JdbcSource source;
    private final String pipeline;

    private JdbcLanding(String pipeline, SourceConfig config) {
        if (!(config.spec() instanceof JdbcSourceSpec)) {
            throw new IllegalArgumentException("source '" + config.name() + "' is a " + config.spec().kind() + " source, not jdbc");
        }
        this.config = config;
        this.source = new JdbcSource(config);
        this.pipeline = pipeline;
    }

    /** The landing of {@code config}, a {@code jdbc} source of pipeline {@code pipeline}. */
    public static JdbcLanding of(String pipeline, SourceConfig config) {
        return new JdbcLanding(pipeline, config);
    }

    public String source() {
        return config.name();
    }

    public JdbcSourceSpec spec() {
        return source.spec();
    }

    /**
     * Lands the snapshot of {@code date} in {@code tx}, the caller's open transaction (a task's):
     * the date's earlier rows are replaced when the caller commits. DDL (the table, schema drift)
     * runs on connections of its own first. Returns the rows landed.
     */
    public long snapshot(Warehouse w, Connection tx, LocalDate date, String worker) throws SQLException {
        requireMode(JdbcSourceSpec.Mode.SNAPSHOT);
        return new JdbcSnapshot(config, source, new JdbcStgTable(w.adapter(), pipeline, source), pipeline)
                .run(w, tx, date, worker);
    }

    /** Lands every row version past the stored cursor, batch by batch, each committed with its position. Returns the rows landed. */
    public long increment(Warehouse w, String worker) throws SQLException {
        return increment(w, worker, LandingListener.NONE);
    }

    /** As {@link #increment(Warehouse, String)}, telling {@code listener} of each committed batch. */
    public long increment(Warehouse w, String worker, LandingListener listener) throws SQLException {
        requireMode(JdbcSourceSpec.Mode.INCREMENTAL);
        return new JdbcIncrement(config, source, new JdbcStgTable(w.adapter(), pipeline, source), pipeline, w.sql())
                .run(w, worker, listener);
    }

    /**
     * Creates {@code stg.<source>} now if the source can be read (so that marts reading it can be
     * checked before its first run), following schema drift as a run would. Best effort.
     */
    public void prepareTable(Warehouse w) throws SQLException {
        try (Connection src = source.connect()) {
            new JdbcStgTable(w.adapter(), pipeline, source).ensure(w, source.map(source.describe(src)));
        }
    }

    /** The incremental source's stored cursor value (the high-water mark), or empty before its first batch. */
    public Optional<String> highWaterMark(Warehouse w) throws SQLException {
        try (Connection c = w.connection()) {
            return JdbcIncrement.position(c, new SourcePositions(w.sql(), pipeline, config.name()))
                    .map(CursorPosition::cursor);
        }
    }

    /**
     * What a run reads, as SQL of the source, without connecting ({@code strata plan}, the console):
     * names quoted by the source database's dialect where Strata knows it.
     */
    public String describeRead() {
        JdbcSourceSpec spec = source.spec();
        String from = source.fromForDisplay();
        if (spec.mode() == JdbcSourceSpec.Mode.SNAPSHOT) {
            return "SELECT <every column> FROM " + from;
        }
        String c = source.fromForDisplay().startsWith("(") ? "\"" + spec.cursor().orElseThrow() + "\""
                : dev.strata.warehouse.Warehouses.dialectOf(spec.url()).map(d -> d.quote(spec.cursor().orElseThrow()))
                .orElse("\"" + spec.cursor().orElseThrow() + "\"");
        return "SELECT <every column> FROM " + from + " WHERE " + c + " >= :high_water_mark"
                + spec.lookback().map(l -> " - " + l).orElse("") + " ORDER BY " + c
                + "   -- first run: WHERE " + c + " IS NOT NULL";
    }

    /** The STG table's shape for {@code plan}: Strata's columns around the source's. */
    public String describeTable(WarehouseAdapter adapter) {
        SqlDialect d = adapter.sql();
        String meta = source.spec().mode() == JdbcSourceSpec.Mode.SNAPSHOT
                ? d.quote(StgTable.SEQ) + ", " + d.quote(JdbcStgTable.SNAPSHOT_DATE) + ", <source columns>, "
                + d.quote(StgTable.LOADED_AT) + ", " + d.quote(StgTable.BATCH_ID) + "; indexed by " + d.quote(JdbcStgTable.SNAPSHOT_DATE)
                : d.quote(StgTable.SEQ) + ", <source columns>, " + d.quote(StgTable.KEY) + " (MD5 of the row), "
                + d.quote(StgTable.LOADED_AT) + ", " + d.quote(StgTable.BATCH_ID) + "; unique " + d.quote(StgTable.KEY);
        return d.qualified(StgTable.SCHEMA, config.name()) + " (" + meta + ")";
    }

    /** Strata's own columns of a jdbc source's STG table, besides the source's (tests, console). */
    public static List<String> metadataColumns(JdbcSourceSpec.Mode mode) {
        return mode == JdbcSourceSpec.Mode.SNAPSHOT
                ? List.of(StgTable.SEQ, JdbcStgTable.SNAPSHOT_DATE, StgTable.LOADED_AT, StgTable.BATCH_ID)
                : List.of(StgTable.SEQ, StgTable.KEY, StgTable.LOADED_AT, StgTable.BATCH_ID);
    }

    /** The snapshot date column's name. */
    public static final String SNAPSHOT_DATE = JdbcStgTable.SNAPSHOT_DATE;

    private void requireMode(JdbcSourceSpec.Mode mode) {
        if (source.spec().mode() != mode) {
            throw new IllegalStateException("source '" + config.name() + "' is mode: " + source.spec().mode().word());
        }
    }
}
