package dev.strata.schedule;

import dev.strata.config.ColumnType;
import dev.strata.config.OperationsSection.RunLogMirror;
import dev.strata.warehouse.SqlDialect;
import dev.strata.warehouse.Warehouse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Copies finished pipeline runs into the project's own run-log table ({@code run_log:} in
 * strata.yaml; scenario 004's {@code etl_run_log}). Each run is copied exactly once: in one
 * transaction, {@code mirrored_at} is set (only if still NULL — that row lock makes concurrent
 * copiers take turns) and the row inserted, so a crash leaves either both or neither. A table that
 * does not exist is created with the fields' types; an existing table is used as it is (only the
 * configured columns are written). Runs finished before the mirror was configured are copied too.
 */
final class RunLogMirrorWriter {
    /** Runs copied per call at most, so that a first copy of a long history does not hold a settle for long. */
    static final int BATCH = 500;

    private final RunLogMirror mirror;
    private final String pipeline;
    private volatile boolean tableReady;

    RunLogMirrorWriter(RunLogMirror mirror, String pipeline) {
        this.mirror = mirror;
        this.pipeline = pipeline;
    }

    /** The table's qualified name, as the warehouse spells it. */
    String table(SqlDialect d) {
        return d.qualified(mirror.schema(), mirror.table());
    }

    void copyFinished(Warehouse w) throws SQLException {
        List<String> pending = new ArrayList<>();
        try (Connection c = w.connection();
             PreparedStatement ps = c.prepareStatement("SELECT run_id FROM strata.pipeline_runs WHERE pipeline = ? "
                     + "AND status <> 'running' AND mirrored_at IS NULL ORDER BY started_at, run_id")) {
            ps.setString(1, pipeline);
            ps.setMaxRows(BATCH);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    pending.add(rs.getString(1));
                }
            }
        }
        if (pending.isEmpty()) {
            return;
        }
        ensureTable(w);
        SqlDialect d = w.sql();
        String insert = "INSERT INTO " + table(d) + " (" + mirror.columns().stream().map(col -> d.quote(col.name()))
                .collect(Collectors.joining(", ")) + ") SELECT " + mirror.columns().stream()
                .map(col -> col.field().equals("rows_loaded") ? d.toJson("r.rows_loaded") : "r." + col.field())
                .collect(Collectors.joining(", ")) + " FROM strata.pipeline_runs r WHERE r.run_id = ?";
        for (String runId : pending) {
            w.inTransaction(c -> {
                try (PreparedStatement claim = c.prepareStatement("UPDATE strata.pipeline_runs SET mirrored_at = ? "
                        + "WHERE run_id = ? AND mirrored_at IS NULL")) {
                    claim.setObject(1, TaskRunStore.ts(Instant.now()));
                    claim.setString(2, runId);
                    if (claim.executeUpdate() == 0) {
                        return null; // another process copied it
                    }
                }
                try (PreparedStatement ps = c.prepareStatement(insert)) {
                    ps.setString(1, runId);
                    ps.executeUpdate();
                }
                return null;
            });
        }
    }

    private void ensureTable(Warehouse w) throws SQLException {
        if (tableReady) {
            return;
        }
        SqlDialect d = w.sql();
        w.inTransaction(c -> {
            if (w.catalog().relationKind(c, mirror.schema(), mirror.table()).isEmpty()) {
                w.catalog().ensureSchema(c, mirror.schema());
                try (Statement s = c.createStatement()) {
                    s.execute("CREATE TABLE IF NOT EXISTS " + table(d) + " (" + mirror.columns().stream()
                            .map(col -> d.quote(col.name()) + " " + type(d, col.field())
                                    + (col.field().equals("run_id") ? " NOT NULL PRIMARY KEY" : ""))
                            .collect(Collectors.joining(", ")) + ")");
                }
            }
            return null;
        });
        tableReady = true;
    }

    /** The column type of a field in a table Strata creates (scenario 004's proposal; logical dates keep their time). */
    static String type(SqlDialect d, String field) {
        return switch (field) {
            case "run_id" -> d.keyTextType();
            case "logical_date", "started_at", "finished_at" -> d.sqlType(ColumnType.TIMESTAMPTZ);
            case "rows_loaded" -> d.jsonType();
            default -> d.textType();
        };
    }
}
