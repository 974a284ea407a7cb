package dev.strata.vault;

import dev.strata.ErrorCode;
import dev.strata.StrataException;
import dev.strata.ingest.StgTable;
import dev.strata.warehouse.Warehouse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * The STG rows vault targets set aside because a value of theirs fails its declared type
 * ({@code strata.vault_rejects}, written by {@link VaultLoader#load}): one entry per (target, STG
 * row, column), pending until {@link VaultLoader#reloadRejected} loads the row. Read by
 * {@code strata vault rejects}, {@code strata status}, the console and {@code /metrics}.
 */
public final class VaultRejects {
    private static final String TABLE = LoadSql.REJECTS_TABLE;
    private static final String COLUMNS = "id, target, stg_table, stg_seq, column_name, expression, column_type, value, reason, "
            + "rejected_at, reloaded_at";
    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();
    private final Warehouse warehouse;
    private final String pipeline;

    /** One entry: the STG row ({@code stgTable}, {@code stgSeq}) and why {@code target} could not load it. */
    public record Reject(long id, String target, String stgTable, long stgSeq, String column, String expression,
                         String type, String value, String reason, Instant rejectedAt, Optional<Instant> reloadedAt) {
        public boolean pending() {
            return reloadedAt.isEmpty();
        }

        /** {@code stg.orders row _seq 17: order_id = $.object_id is 'x', which is not a bigint}. */
        public String describe() {
            return stgTable + " row _seq " + stgSeq + ": " + column + " = " + expression + " is "
                    + (value == null ? "NULL" : "'" + shorten(value) + "'") + ", which is not a " + type;
        }
    }

    /** A target's pending rejects: how many STG rows, and the latest entry. */
    public record Pending(String target, long rows, Reject latest) {
    }

    /** An STG row as landed, for {@code strata vault rejects show}. */
    public record StgRow(String key, String partition, Long offset, String payload) {
    }

    public VaultRejects(Warehouse warehouse, String pipeline) {
        this.warehouse = warehouse;
        this.pipeline = pipeline;
    }

    /** Entries, oldest first: pending ones only unless {@code all}, of one target or every one. */
    public List<Reject> list(Optional<String> target, boolean all, int limit) {
        String sql = "SELECT " + COLUMNS + " FROM " + TABLE + " WHERE pipeline = ?"
                + (target.isPresent() ? " AND target = ?" : "") + (all ? "" : " AND reloaded_at IS NULL")
                + " ORDER BY id LIMIT " + Math.max(1, limit);
        List<Object> params = new ArrayList<>(List.of(pipeline));
        target.ifPresent(params::add);
        return query(sql, params);
    }

    public Optional<Reject> find(long id) {
        return query("SELECT " + COLUMNS + " FROM " + TABLE + " WHERE pipeline = ? AND id = ?", List.of(pipeline, id))
                .stream().findFirst();
    }

    /** Per target with pending entries: the number of STG rows pending and the latest entry. */
    public Map<String, Pending> pending() {
        Map<String, Long> rows = new LinkedHashMap<>();
        try (Connection c = warehouse.connection();
             PreparedStatement ps = c.prepareStatement("SELECT target, count(*) FROM (SELECT DISTINCT target, stg_table, stg_seq FROM "
                     + TABLE + " WHERE pipeline = ? AND reloaded_at IS NULL) x GROUP BY target ORDER BY target")) {
            ps.setString(1, pipeline);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.put(rs.getString(1), rs.getLong(2));
                }
            }
        } catch (SQLException e) {
            throw failure(e);
        }
        Map<String, Pending> out = new LinkedHashMap<>();
        for (Map.Entry<String, Long> r : rows.entrySet()) {
            List<Reject> latest = query("SELECT " + COLUMNS + " FROM " + TABLE + " WHERE pipeline = ? AND target = ? "
                    + "AND reloaded_at IS NULL ORDER BY id DESC LIMIT 1", List.of(pipeline, r.getKey()));
            if (!latest.isEmpty()) {
                out.put(r.getKey(), new Pending(r.getKey(), r.getValue(), latest.get(0)));
            }
        }
        return out;
    }

    /** The STG row an entry is about, as landed; empty when it is gone (the STG table was rebuilt). */
    public Optional<StgRow> stgRow(Reject r) {
        String prefix = StgTable.SCHEMA + ".";
        if (!r.stgTable().startsWith(prefix)) {
            return Optional.empty();
        }
        var d = warehouse.sql();
        String name = r.stgTable().substring(prefix.length());
        String table = d.qualified(StgTable.SCHEMA, name);
        try (Connection c = warehouse.connection()) {
            if (!warehouse.catalog().columnTypes(c, StgTable.SCHEMA, name).containsKey(StgTable.PAYLOAD)) {
                return typedRow(c, table, d.quote(StgTable.SEQ), r.stgSeq());
            }
        } catch (SQLException e) {
            throw failure(e);
        }
        try (Connection c = warehouse.connection();
             PreparedStatement ps = c.prepareStatement("SELECT " + d.quote(StgTable.KEY) + ", " + d.quote(StgTable.PARTITION)
                     + ", " + d.quote(StgTable.OFFSET) + ", " + d.quote(StgTable.PAYLOAD) + " FROM " + table
                     + " WHERE " + d.quote(StgTable.SEQ) + " = ?")) {
            ps.setLong(1, r.stgSeq());
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                long offset = rs.getLong(3);
                return Optional.of(new StgRow(rs.getString(1), rs.getString(2), rs.wasNull() ? null : offset, rs.getString(4)));
            }
        } catch (SQLException e) {
            throw failure(e);
        }
    }

    /** Strata's columns of a jdbc source's STG table (either mode), left out of the row's columns. */
    private static final java.util.Set<String> TABLE_METADATA = java.util.Set.copyOf(java.util.stream.Stream.concat(
            dev.strata.ingest.JdbcLanding.metadataColumns(dev.strata.config.JdbcSourceSpec.Mode.SNAPSHOT).stream(),
            dev.strata.ingest.JdbcLanding.metadataColumns(dev.strata.config.JdbcSourceSpec.Mode.INCREMENTAL).stream()).toList());

    /**
     * A row of a jdbc source's STG table, which has typed columns instead of a Kafka record's
     * partition, offset and payload: the source's columns as a JSON object of their texts in table
     * order (in {@code payload}), and {@code _key} (the row version's MD5; NULL for a snapshot row).
     */
    private static Optional<StgRow> typedRow(Connection c, String table, String seqColumn, long seq) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT * FROM " + table + " WHERE " + seqColumn + " = ?")) {
            ps.setLong(1, seq);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                var md = rs.getMetaData();
                var columns = JSON.createObjectNode();
                String key = null;
                for (int i = 1; i <= md.getColumnCount(); i++) {
                    String column = md.getColumnLabel(i);
                    if (column.equals(StgTable.KEY)) {
                        key = rs.getString(i);
                    } else if (!TABLE_METADATA.contains(column)) {
                        columns.put(column, rs.getString(i));
                    }
                }
                return Optional.of(new StgRow(key, null, null, columns.toString()));
            }
        }
    }

    private List<Reject> query(String sql, List<Object> params) {
        try (Connection c = warehouse.connection(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.size(); i++) {
                ps.setObject(i + 1, params.get(i));
            }
            List<Reject> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(read(rs));
                }
            }
            return out;
        } catch (SQLException e) {
            throw failure(e);
        }
    }

    private static Reject read(ResultSet rs) throws SQLException {
        Timestamp reloaded = rs.getTimestamp("reloaded_at");
        return new Reject(rs.getLong("id"), rs.getString("target"), rs.getString("stg_table"), rs.getLong("stg_seq"),
                rs.getString("column_name"), rs.getString("expression"), rs.getString("column_type"), rs.getString("value"),
                rs.getString("reason"), rs.getTimestamp("rejected_at").toInstant(),
                Optional.ofNullable(reloaded).map(Timestamp::toInstant));
    }

    private StrataException failure(SQLException e) {
        return new StrataException(warehouse.errors().isTransient(e) ? ErrorCode.WAREHOUSE_UNAVAILABLE : ErrorCode.WAREHOUSE,
                "cannot read the vault rejects of pipeline '" + pipeline + "': " + e.getMessage(), e);
    }

    static String shorten(String value) {
        return value.length() <= 80 ? value : value.substring(0, 77) + "...";
    }

    // ---- used by VaultLoader inside its transactions, under the target's lock ----

    /** "1 STG row rejected (stg.orders row _seq 17: ...)" for the log line of a rejecting load. */
    static String describeLatest(Connection c, String pipeline, String target, long entries) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM " + TABLE + " WHERE pipeline = ? "
                + "AND target = ? AND reloaded_at IS NULL ORDER BY rejected_at DESC, stg_seq LIMIT 1")) {
            ps.setString(1, pipeline);
            ps.setString(2, target);
            try (ResultSet rs = ps.executeQuery()) {
                String first = rs.next() ? read(rs).describe() : "";
                return entries + (entries == 1 ? " value" : " values") + " rejected (" + first + (entries > 1 ? ", ..." : "") + ")";
            }
        }
    }

    /**
     * Marks the pending entries to reload (all of {@code target}'s, or those of the STG rows of
     * {@code ids}: every pending entry of such a row) as reloaded at {@code at}; returns the STG rows
     * chosen, per STG table.
     */
    static Map<String, TreeSet<Long>> markReloading(Connection c, String pipeline, String target,
                                                    Optional<Collection<Long>> ids, Instant at) throws SQLException {
        Map<String, TreeSet<Long>> rows = new LinkedHashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT id, stg_table, stg_seq FROM " + TABLE
                + " WHERE pipeline = ? AND target = ? AND reloaded_at IS NULL ORDER BY stg_table, stg_seq")) {
            ps.setString(1, pipeline);
            ps.setString(2, target);
            Map<String, TreeSet<Long>> all = new LinkedHashMap<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    all.computeIfAbsent(rs.getString(2), t -> new TreeSet<>()).add(rs.getLong(3));
                    if (ids.isEmpty() || ids.get().contains(rs.getLong(1))) {
                        rows.computeIfAbsent(rs.getString(2), t -> new TreeSet<>()).add(rs.getLong(3));
                    }
                }
            }
        }
        try (PreparedStatement up = c.prepareStatement("UPDATE " + TABLE + " SET reloaded_at = ? WHERE pipeline = ? "
                + "AND target = ? AND stg_table = ? AND stg_seq = ? AND reloaded_at IS NULL")) {
            for (Map.Entry<String, TreeSet<Long>> t : rows.entrySet()) {
                for (long seq : t.getValue()) {
                    up.setTimestamp(1, Timestamp.from(at));
                    up.setString(2, pipeline);
                    up.setString(3, target);
                    up.setString(4, t.getKey());
                    up.setLong(5, seq);
                    up.addBatch();
                }
            }
            up.executeBatch();
        }
        return rows;
    }

    /**
     * After a reload: an entry marked at {@code at} whose row still has a pending entry (another
     * column still fails) did not load, so it is pending again. Returns the STG rows that loaded.
     */
    static long settleReload(Connection c, String pipeline, String target, Instant at) throws SQLException {
        List<Long> notLoaded = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT r.id FROM " + TABLE + " r WHERE r.pipeline = ? AND r.target = ? "
                + "AND r.reloaded_at = ? AND EXISTS (SELECT 1 FROM " + TABLE + " p WHERE p.pipeline = r.pipeline "
                + "AND p.target = r.target AND p.stg_table = r.stg_table AND p.stg_seq = r.stg_seq AND p.reloaded_at IS NULL)")) {
            ps.setString(1, pipeline);
            ps.setString(2, target);
            ps.setTimestamp(3, Timestamp.from(at));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    notLoaded.add(rs.getLong(1));
                }
            }
        }
        try (PreparedStatement up = c.prepareStatement("UPDATE " + TABLE + " SET reloaded_at = NULL WHERE id = ?")) {
            for (long id : notLoaded) {
                up.setLong(1, id);
                up.addBatch();
            }
            up.executeBatch();
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM (SELECT DISTINCT stg_table, stg_seq FROM " + TABLE
                + " WHERE pipeline = ? AND target = ? AND reloaded_at = ?) x")) {
            ps.setString(1, pipeline);
            ps.setString(2, target);
            ps.setTimestamp(3, Timestamp.from(at));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }
}
