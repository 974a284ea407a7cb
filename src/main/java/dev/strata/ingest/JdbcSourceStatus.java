package dev.strata.ingest;

import dev.strata.config.JdbcSourceSpec;
import dev.strata.config.SourceConfig;
import dev.strata.warehouse.SqlDialect;
import dev.strata.warehouse.Warehouse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Where a {@code jdbc} source stands, read from the warehouse alone (the source database is not
 * contacted): for a snapshot source its newest snapshot date and that date's rows, for an
 * incremental one its stored high-water mark, and for both the rows in STG and the latest schema
 * changes Strata noticed ({@code strata.source_schema_changes}). What {@code strata status} and
 * the console show.
 */
public record JdbcSourceStatus(String source, JdbcSourceSpec.Mode mode, long stgRows, Optional<LocalDate> lastSnapshotDate,
                               long lastSnapshotRows, Optional<String> highWaterMark, List<SchemaChange> recentChanges) {
    /** One recorded change of a source column. */
    public record SchemaChange(String column, String change, String oldType, String newType, boolean applied, Instant at) {
        /** {@code added note text (was -, now text)}, {@code dropped amount (stopped the source)}. */
        public String describe() {
            return change.replace('_', ' ') + " " + column + " (" + (oldType == null ? "" : oldType + " -> ")
                    + (newType == null ? "gone" : newType) + (applied ? "" : "; stopped the source") + ")";
        }
    }

    /** How many schema changes are listed per source, newest first. */
    public static final int RECENT_CHANGES = 5;

    /** The status of {@code config}, a {@code jdbc} source of {@code pipeline}, before its first run too. */
    public static JdbcSourceStatus read(Warehouse w, String pipeline, SourceConfig config) throws SQLException {
        JdbcSourceSpec spec = (JdbcSourceSpec) config.spec();
        SqlDialect d = w.sql();
        try (Connection c = w.connection()) {
            boolean exists = !w.catalog().columnTypes(c, StgTable.SCHEMA, config.name()).isEmpty();
            long rows = 0;
            Optional<LocalDate> lastDate = Optional.empty();
            long lastRows = 0;
            Optional<String> hwm = Optional.empty();
            if (exists) {
                String table = d.qualified(StgTable.SCHEMA, config.name());
                try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT count(*) FROM " + table)) {
                    rs.next();
                    rows = rs.getLong(1);
                }
                if (spec.mode() == JdbcSourceSpec.Mode.SNAPSHOT) {
                    String date = d.quote(JdbcStgTable.SNAPSHOT_DATE);
                    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT " + date + ", count(*) FROM "
                            + table + " WHERE " + date + " = (SELECT max(" + date + ") FROM " + table + ") GROUP BY " + date)) {
                        if (rs.next()) {
                            lastDate = Optional.of(rs.getDate(1).toLocalDate());
                            lastRows = rs.getLong(2);
                        }
                    }
                }
            }
            if (spec.mode() == JdbcSourceSpec.Mode.INCREMENTAL) {
                hwm = JdbcIncrement.position(c, new SourcePositions(d, pipeline, config.name())).map(CursorPosition::cursor);
            }
            List<SchemaChange> changes = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT column_name, change_kind, old_type, new_type, applied, detected_at"
                    + " FROM strata.source_schema_changes WHERE pipeline = ? AND source = ? ORDER BY id DESC")) {
                ps.setMaxRows(RECENT_CHANGES);
                ps.setString(1, pipeline);
                ps.setString(2, config.name());
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        changes.add(new SchemaChange(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                                rs.getBoolean(5), rs.getTimestamp(6).toInstant()));
                    }
                }
            }
            return new JdbcSourceStatus(config.name(), spec.mode(), rows, lastDate, lastRows, hwm, List.copyOf(changes));
        }
    }

    /** One line for {@code strata status}: {@code snapshot, last 2024-12-31 (1,000 rows), 7,000 rows in STG}. */
    public String describe() {
        String where = mode == JdbcSourceSpec.Mode.SNAPSHOT
                ? lastSnapshotDate.map(dt -> "last snapshot " + dt + " (" + String.format("%,d", lastSnapshotRows) + " rows)")
                .orElse("no snapshot yet")
                : highWaterMark.map(h -> "cursor at " + h).orElse("no rows landed yet");
        return mode.word() + ", " + where + ", " + String.format("%,d", stgRows) + " rows in STG";
    }
}
