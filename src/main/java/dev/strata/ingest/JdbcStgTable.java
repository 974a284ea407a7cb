package dev.strata.ingest;

import dev.strata.ErrorCode;
import dev.strata.StrataException;
import dev.strata.config.JdbcSourceSpec;
import dev.strata.warehouse.LockKeys;
import dev.strata.warehouse.SourceType;
import dev.strata.warehouse.SqlDialect;
import dev.strata.warehouse.Warehouse;
import dev.strata.warehouse.WarehouseAdapter;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The STG table of a {@code jdbc} source, {@code stg.<source>}: the source's columns, typed
 * ({@link LandedColumn}), plus Strata's columns —
 * <ul>
 *   <li>{@code _seq} bigint: the STG sequence, in commit order (the {@code StgSequences} contract);</li>
 *   <li>snapshot: {@code _snapshot_date} date, the schedule date whose snapshot the row belongs to;
 *       a date's rows are found, replaced and read by the dialect's load-order index on it (BRIN on
 *       PostgreSQL); no key, since {@code _seq} is unique by its sequence and a B-tree would cost
 *       a third of the bulk load;</li>
 *   <li>incremental: {@code _key}, the MD5 of the row's values (a row version), unique, and
 *       {@code _seq} the primary key;</li>
 *   <li>{@code _loaded_at}: when the row was committed; {@code _batch_id}: the landing batch
 *       ({@code strata.landing_batches}).</li>
 * </ul>
 *
 * <p><b>Schema drift.</b> The columns the table was made with are kept in
 * {@code strata.source_schemas} (STG type and source type per column). Each run compares the
 * source's columns with them ({@link #ensure}): a column added in the source is added to the table
 * (NULL in earlier rows); a column whose type narrowed still fits; a column that widened (a longer
 * varchar, a larger integer or decimal) is widened in place. Each such change is recorded in
 * {@code strata.source_schema_changes} and logged. A column dropped, or a type changed so that its
 * values no longer fit, stops the source with an error that says what changed — the run fails and
 * lands nothing, so no snapshot silently lacks a column and no value is silently altered.
 *
 * <p>DDL runs on connections of its own, never in a task's transaction (a warehouse without
 * transactional DDL would commit the task half-way), under the table's STG lock; it is idempotent.
 */
final class JdbcStgTable {
    private static final Logger LOG = LoggerFactory.getLogger(JdbcStgTable.class);
    static final String SNAPSHOT_DATE = "_snapshot_date";
    private static final String SCHEMAS = "strata.source_schemas";
    private static final String CHANGES = "strata.source_schema_changes";

    private final WarehouseAdapter adapter;
    private final SqlDialect d;
    private final String pipeline;
    private final JdbcSource source;
    private final boolean snapshot;

    JdbcStgTable(WarehouseAdapter adapter, String pipeline, JdbcSource source) {
        this.adapter = adapter;
        this.d = adapter.sql();
        this.pipeline = pipeline;
        this.source = source;
        this.snapshot = source.spec().mode() == JdbcSourceSpec.Mode.SNAPSHOT;
    }

    String qualified() {
        return d.qualified(StgTable.SCHEMA, source.name());
    }

    String sequence() {
        return StgTable.sequenceName(source.name());
    }

    /** The statements creating the table and its sequence for {@code columns}, idempotent (also shown by {@code plan}). */
    List<String> createStatements(List<LandedColumn> columns) {
        List<String> all = new ArrayList<>();
        all.add(d.createSchemaIfNotExists(StgTable.SCHEMA));
        all.addAll(adapter.sequences().createStatements(StgTable.SCHEMA, sequence()));
        StringBuilder ddl = new StringBuilder("CREATE TABLE IF NOT EXISTS " + qualified() + " (\n    ")
                .append(d.quote(StgTable.SEQ)).append(" bigint NOT NULL");
        if (snapshot) {
            ddl.append(",\n    ").append(d.quote(SNAPSHOT_DATE)).append(" date NOT NULL");
        }
        for (LandedColumn c : columns) {
            ddl.append(",\n    ").append(d.quote(c.name())).append(' ').append(c.type().sqlType(d));
        }
        if (!snapshot) {
            ddl.append(",\n    ").append(d.quote(StgTable.KEY)).append(' ').append(d.keyTextType()).append(" NOT NULL");
        }
        ddl.append(",\n    ").append(d.quote(StgTable.LOADED_AT)).append(' ').append(d.timestampType())
                .append(" NOT NULL DEFAULT CURRENT_TIMESTAMP")
                .append(",\n    ").append(d.quote(StgTable.BATCH_ID)).append(" bigint NOT NULL");
        // A snapshot table has no key: _seq is unique by its sequence, and a B-tree over (_snapshot_date, _seq)
        // cost a third of the bulk load (strata bench jdbc); deletes and reads by date use the load-order index.
        if (!snapshot) {
            ddl.append(",\n    PRIMARY KEY (").append(d.quote(StgTable.SEQ)).append("),\n    UNIQUE (")
                    .append(d.quote(StgTable.KEY)).append(')');
        }
        all.add(ddl.append("\n)").toString());
        if (snapshot) {
            String index = source.name().length() > 57 ? source.name().substring(0, 57) : source.name();
            all.add(d.createLoadOrderIndex(index + "_dates", StgTable.SCHEMA, source.name(), SNAPSHOT_DATE));
        }
        return List.copyOf(all);
    }

    /**
     * Makes the table match the source's current {@code columns} (creating it, or following the
     * drift the class comment describes) and returns them; throws when the source changed in a way
     * that stops it.
     */
    List<LandedColumn> ensure(Warehouse w, List<LandedColumn> columns) throws SQLException {
        List<Change> changes = new ArrayList<>();
        String stopped;
        try {
            stopped = w.inTransaction(c -> {
                w.catalog().ensureSchema(c, StgTable.SCHEMA);
                return null;
            });
            stopped = w.inTransaction(c -> {
                w.locks().lockForTransaction(c, LockKeys.stg(source.name()));
                return reconcile(w, c, columns, changes);
            });
        } finally {
            // recorded on their own, so that a change that stops the source is on record after its run fails
            record(w, changes);
        }
        if (stopped != null) {
            throw new StrataException(ErrorCode.TASK_FAILED, source.where() + " stopped: " + stopped);
        }
        return columns;
    }

    /** A change of a source column, as {@code strata.source_schema_changes} records it. */
    record Change(String column, String change, String oldType, String newType, boolean applied) {
    }

    /** Returns null when the table now matches, or why the source stops (nothing changed then). */
    private String reconcile(Warehouse w, Connection c, List<LandedColumn> columns, List<Change> changes) throws SQLException {
        Map<String, String> table = w.catalog().columnTypes(c, StgTable.SCHEMA, source.name());
        Optional<Map<String, LandedColumn>> stored = loadSchema(c);
        if (table.isEmpty()) {
            try (Statement s = c.createStatement()) {
                for (String sql : createStatements(columns)) {
                    s.execute(sql);
                }
            }
            saveSchema(c, columns);
            if (stored.isPresent()) {
                LOG.warn("{}: {} was missing; created it again with the source's {} columns", source.where(), qualified(),
                        columns.size());
            }
            return null;
        }
        if (stored.isEmpty()) {
            // a table without a record (made by hand, or its record deleted): taken over only if it is what Strata would make
            List<String> differences = new ArrayList<>();
            for (LandedColumn col : columns) {
                String have = table.get(col.name());
                String want = col.type().sqlType(d);
                if (!want.equals(have)) {
                    differences.add(col.name() + " is " + (have == null ? "missing" : have) + ", not " + want);
                }
            }
            for (String meta : metadataColumns()) {
                if (!table.containsKey(meta)) {
                    differences.add(meta + " is missing");
                }
            }
            if (!differences.isEmpty()) {
                return qualified() + " exists but was not made by this source (" + String.join("; ", differences)
                        + "). Rename or drop it, and Strata creates it on the next run.";
            }
            saveSchema(c, columns);
            return null;
        }
        Map<String, LandedColumn> before = stored.get();
        Map<String, LandedColumn> now = new LinkedHashMap<>();
        columns.forEach(col -> now.put(col.name(), col));
        List<String> stops = new ArrayList<>();
        for (LandedColumn old : before.values()) {
            LandedColumn cur = now.get(old.name());
            if (cur == null && !table.containsKey(old.name())) {
                // dropped in the source and, on purpose, from the STG table too: forgotten
                changes.add(new Change(old.name(), "dropped", old.sourceType(), null, true));
            } else if (cur == null) {
                changes.add(new Change(old.name(), "dropped", old.sourceType(), null, false));
                stops.add("column '" + old.name() + "' (" + old.sourceType() + ") is no longer in the source. "
                        + qualified() + " keeps it for the rows already landed. If it was dropped on purpose, drop it "
                        + "from " + qualified() + " too (ALTER TABLE ... DROP COLUMN " + old.name() + ") and the next run "
                        + "goes on without it; or land it as NULL with a query: (SELECT ..., CAST(NULL AS ...) AS "
                        + old.name() + " FROM ...)");
            } else if (!table.containsKey(old.name())) {
                stops.add("column '" + old.name() + "' of " + qualified() + " was dropped from the warehouse table; "
                        + "add it back, or drop the table to start over");
            } else if (!cur.type().equals(old.type()) && !old.type().holds(cur.type()) && !old.type().widensTo(cur.type())) {
                changes.add(new Change(old.name(), "type_changed", old.sourceType(), cur.sourceType(), false));
                stops.add("column '" + old.name() + "' changed type from " + old.sourceType() + " to " + cur.sourceType()
                        + " (lands as " + cur.type() + ", which " + old.type() + " in " + qualified() + " cannot hold). "
                        + "Cast it back in a query:, or change the STG column and its line in " + SCHEMAS + " by hand");
            }
        }
        if (!stops.isEmpty()) {
            return String.join("\n  ", stops);
        }
        List<LandedColumn> next = new ArrayList<>();
        try (Statement s = c.createStatement()) {
            for (LandedColumn old : before.values()) {
                LandedColumn cur = now.get(old.name());
                if (cur == null) {
                    continue;   // dropped from both
                }
                if (cur.type().equals(old.type())) {
                    if (!cur.sourceType().equals(old.sourceType())) {
                        changes.add(new Change(old.name(), "narrowed", old.sourceType(), cur.sourceType(), true));
                    }
                    next.add(cur);
                } else if (old.type().holds(cur.type())) {
                    if (!cur.sourceType().equals(old.sourceType())) {
                        changes.add(new Change(old.name(), "narrowed", old.sourceType(), cur.sourceType(), true));
                    }
                    next.add(new LandedColumn(old.name(), old.type(), cur.sourceType()));
                } else {
                    s.execute(d.alterColumnType(qualified(), old.name(), cur.type().sqlType(d)));
                    changes.add(new Change(old.name(), "widened", old.sourceType(), cur.sourceType(), true));
                    next.add(cur);
                }
            }
            for (LandedColumn cur : columns) {
                if (!before.containsKey(cur.name())) {
                    if (!table.containsKey(cur.name())) {
                        s.execute(d.addColumn(qualified(), cur.name(), cur.type().sqlType(d)));
                    }
                    changes.add(new Change(cur.name(), "added", null, cur.sourceType(), true));
                    next.add(cur);
                }
            }
        }
        if (!changes.isEmpty()) {
            saveSchema(c, next);
        }
        return null;
    }

    private List<String> metadataColumns() {
        return snapshot ? List.of(StgTable.SEQ, SNAPSHOT_DATE, StgTable.LOADED_AT, StgTable.BATCH_ID)
                : List.of(StgTable.SEQ, StgTable.KEY, StgTable.LOADED_AT, StgTable.BATCH_ID);
    }

    /**
     * The columns as last landed, in order, each with the type its STG column has (which may hold
     * more than the source's current type, after a narrowing); empty before the first run.
     */
    Optional<Map<String, LandedColumn>> loadSchema(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT column_list FROM " + SCHEMAS + " WHERE pipeline = ? AND source = ?")) {
            ps.setString(1, pipeline);
            ps.setString(2, source.name());
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                Map<String, LandedColumn> out = new LinkedHashMap<>();
                for (String line : rs.getString(1).split("\n")) {
                    String[] parts = line.split("\t", 3);
                    if (parts.length == 3) {
                        out.put(parts[0], new LandedColumn(parts[0], SourceType.parse(parts[1]), parts[2]));
                    }
                }
                return Optional.of(out);
            }
        }
    }

    /** The columns the STG table has now, in the order stored (its landed columns). */
    List<LandedColumn> storedColumns(Connection c) throws SQLException {
        return loadSchema(c).map(m -> List.copyOf(m.values())).orElse(List.of());
    }

    private void saveSchema(Connection c, List<LandedColumn> columns) throws SQLException {
        StringBuilder text = new StringBuilder();
        for (LandedColumn col : columns) {
            text.append(text.length() == 0 ? "" : "\n").append(col.name()).append('\t').append(col.type()).append('\t')
                    .append(col.sourceType().replace('\t', ' ').replace('\n', ' '));
        }
        try (PreparedStatement ps = c.prepareStatement(d.upsert(SCHEMAS, List.of("pipeline", "source", "column_list", "updated_at"),
                "VALUES (?, ?, ?, CURRENT_TIMESTAMP)", List.of("pipeline", "source"), List.of("column_list", "updated_at")))) {
            ps.setString(1, pipeline);
            ps.setString(2, source.name());
            ps.setString(3, text.toString());
            ps.executeUpdate();
        }
    }

    private void record(Warehouse w, List<Change> changes) {
        if (changes.isEmpty()) {
            return;
        }
        for (Change ch : changes) {
            String what = switch (ch.change()) {
                case "added" -> "column '" + ch.column() + "' (" + ch.newType() + ") was added in the source; added to " + qualified();
                case "widened" -> "column '" + ch.column() + "' widened from " + ch.oldType() + " to " + ch.newType()
                        + "; widened in " + qualified();
                case "narrowed" -> "column '" + ch.column() + "' changed from " + ch.oldType() + " to " + ch.newType()
                        + ", which still fits " + qualified();
                case "dropped" -> "column '" + ch.column() + "' (" + ch.oldType() + ") was dropped in the source"
                        + (ch.applied() ? " and from " + qualified() + "; landing goes on without it" : "; the source is stopped");
                default -> "column '" + ch.column() + "' changed type from " + ch.oldType() + " to " + ch.newType()
                        + "; the source is stopped";
            };
            if (ch.applied()) {
                LOG.warn("{}: schema change: {}", source.where(), what);
            } else {
                LOG.error("{}: schema change: {}", source.where(), what);
            }
        }
        try {
            w.inTransaction(c -> {
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + CHANGES
                        + " (pipeline, source, column_name, change_kind, old_type, new_type, applied) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
                    for (Change ch : changes) {
                        ps.setString(1, pipeline);
                        ps.setString(2, source.name());
                        ps.setString(3, ch.column());
                        ps.setString(4, ch.change());
                        ps.setString(5, ch.oldType());
                        ps.setString(6, ch.newType());
                        ps.setBoolean(7, ch.applied());
                        ps.addBatch();
                    }
                    ps.executeBatch();
                }
                return null;
            });
        } catch (SQLException e) {
            LOG.warn("{}: could not record {} schema change(s) in {}: {}", source.where(), changes.size(), CHANGES, e.getMessage());
        }
    }
}
