package dev.strata.ingest;

import dev.strata.warehouse.SqlDialect;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A source's positions in {@code strata.source_positions}: per partition, the next offset to land.
 * The warehouse, not Kafka, owns them. They are created once per partition (the first process to
 * see the partition inserts its starting offset) and afterwards only advanced by
 * {@link #compareAndSet}, inside the transaction that lands the rows they cover.
 */
final class SourcePositions {
    private static final String TABLE = "strata.source_positions";
    private final SqlDialect dialect;
    private final String pipeline;
    private final String source;

    SourcePositions(SqlDialect dialect, String pipeline, String source) {
        this.dialect = dialect;
        this.pipeline = pipeline;
        this.source = source;
    }

    /** All stored positions of the source: partition → next offset. */
    Map<Integer, Long> load(Connection c) throws SQLException {
        Map<Integer, Long> out = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT partition_id, position FROM " + TABLE + " WHERE pipeline = ? AND source = ?")) {
            ps.setString(1, pipeline);
            ps.setString(2, source);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.put(Integer.parseInt(rs.getString(1)), rs.getLong(2));
                }
            }
        }
        return out;
    }

    /** Stores starting positions for partitions that have none yet; existing rows are left alone. */
    void insertIfAbsent(Connection c, Map<Integer, Long> starts, String worker) throws SQLException {
        String sql = dialect.insertSkippingConflicts(TABLE,
                List.of("pipeline", "source", "partition_id", "position", "owner"), "VALUES (?, ?, ?, ?, ?)",
                List.of("pipeline", "source", "partition_id"));
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (Map.Entry<Integer, Long> e : starts.entrySet()) {
                ps.setString(1, pipeline);
                ps.setString(2, source);
                ps.setString(3, Integer.toString(e.getKey()));
                ps.setLong(4, e.getValue());
                ps.setString(5, worker);
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    /**
     * Advances each partition from its expected position to its new one, in the caller's
     * transaction. Throws when any partition is not at its expected position: the caller must roll
     * back.
     *
     * @param ranges partition → {expected, new}
     */
    void compareAndSet(Connection c, Map<Integer, long[]> ranges, String worker)
            throws SQLException, PositionConflictException {
        if (ranges.isEmpty()) {
            return;
        }
        List<Integer> order = ranges.keySet().stream().sorted().toList();   // a fixed lock order
        try (PreparedStatement ps = c.prepareStatement("UPDATE " + TABLE
                + " SET position = ?, owner = ?, updated_at = CURRENT_TIMESTAMP"
                + " WHERE pipeline = ? AND source = ? AND partition_id = ? AND position = ?")) {
            for (int p : order) {
                long[] r = ranges.get(p);
                ps.setLong(1, r[1]);
                ps.setString(2, worker);
                ps.setString(3, pipeline);
                ps.setString(4, source);
                ps.setString(5, Integer.toString(p));
                ps.setLong(6, r[0]);
                ps.addBatch();
            }
            int[] counts = ps.executeBatch();
            Set<Integer> lost = new HashSet<>();
            for (int i = 0; i < counts.length; i++) {
                if (counts[i] != 1) {
                    lost.add(order.get(i));
                }
            }
            if (!lost.isEmpty()) {
                throw new PositionConflictException(lost);
            }
        }
    }

    /** Deletes the source's positions: the next lander starts each partition over (tests, operators). */
    int reset(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + TABLE + " WHERE pipeline = ? AND source = ?")) {
            ps.setString(1, pipeline);
            ps.setString(2, source);
            return ps.executeUpdate();
        }
    }
}
