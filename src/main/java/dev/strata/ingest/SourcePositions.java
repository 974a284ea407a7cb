package dev.strata.ingest;

import dev.strata.warehouse.SqlDialect;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * A source's positions in {@code strata.source_positions}, one row per stream — the one
 * exactly-once protocol for every kind of {@link SourcePosition}. The warehouse, not the source,
 * owns them:
 * <ol>
 *   <li>the first process to see a stream inserts its starting position ({@link #insertIfAbsent});
 *       existing rows are never overwritten;</li>
 *   <li>a lander reads them ({@link #load}), reads the source from there, and in the one transaction
 *       that lands the rows moves each stream from the position it read to the new one with a
 *       compare-and-set on the token ({@link #compareAndSet}); a stream not at the position read
 *       means another process landed it meanwhile: {@link PositionConflictException}, roll back;</li>
 *   <li>after the commit the lander may acknowledge the source (commit Kafka offsets, confirm a CDC
 *       LSN); the acknowledgement is never what the next start reads.</li>
 * </ol>
 */
public final class SourcePositions {
    private static final String TABLE = "strata.source_positions";
    private final SqlDialect dialect;
    private final String pipeline;
    private final String source;

    public SourcePositions(SqlDialect dialect, String pipeline, String source) {
        this.dialect = dialect;
        this.pipeline = pipeline;
        this.source = source;
    }

    /** All stored positions of the source, stream → position as {@code decode} reads it. */
    public <P extends SourcePosition> Map<String, P> load(Connection c, Function<StoredPosition, P> decode) throws SQLException {
        Map<String, P> out = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT partition_id, position, detail FROM " + TABLE + " WHERE pipeline = ? AND source = ?")) {
            ps.setString(1, pipeline);
            ps.setString(2, source);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    StoredPosition stored = new StoredPosition(rs.getString(1), rs.getLong(2), rs.getString(3));
                    out.put(stored.stream(), decode.apply(stored));
                }
            }
        }
        return out;
    }

    /** Kafka partitions (or any numbered streams): partition → next offset. */
    public Map<Integer, Long> offsets(Connection c) throws SQLException {
        Map<Integer, Long> out = new HashMap<>();
        load(c, StreamOffset::of).values().forEach(p -> out.put(p.partition(), p.offset()));
        return out;
    }

    /** Stores starting positions for streams that have none yet; existing rows are left alone. */
    public void insertIfAbsent(Connection c, Collection<? extends SourcePosition> starts, String worker) throws SQLException {
        String sql = dialect.insertSkippingConflicts(TABLE,
                List.of("pipeline", "source", "partition_id", "position", "detail", "owner"),
                "VALUES (?, ?, ?, ?, " + dialect.toJson("?") + ", ?)", List.of("pipeline", "source", "partition_id"));
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (SourcePosition p : starts) {
                ps.setString(1, pipeline);
                ps.setString(2, source);
                ps.setString(3, p.stream());
                ps.setLong(4, p.token());
                ps.setString(5, p.detailJson());
                ps.setString(6, worker);
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    /**
     * Moves each stream from its expected position to its new one, in the caller's transaction.
     * Throws when any stream is not at its expected position: the caller must roll back.
     */
    public void compareAndSet(Connection c, Collection<PositionMove> moves, String worker)
            throws SQLException, PositionConflictException {
        if (moves.isEmpty()) {
            return;
        }
        List<PositionMove> order = new ArrayList<>(moves);
        order.sort(Comparator.comparing(PositionMove::stream));   // a fixed lock order across processes
        boolean details = order.stream().anyMatch(m -> m.to().detailJson() != null);
        try (PreparedStatement ps = c.prepareStatement("UPDATE " + TABLE
                + " SET position = ?, owner = ?, updated_at = CURRENT_TIMESTAMP"
                + (details ? ", detail = " + dialect.toJson("?") : "")
                + " WHERE pipeline = ? AND source = ? AND partition_id = ? AND position = ?")) {
            for (PositionMove m : order) {
                int i = 1;
                ps.setLong(i++, m.to().token());
                ps.setString(i++, worker);
                if (details) {
                    ps.setString(i++, m.to().detailJson());
                }
                ps.setString(i++, pipeline);
                ps.setString(i++, source);
                ps.setString(i++, m.stream());
                ps.setLong(i, m.from().token());
                ps.addBatch();
            }
            int[] counts = ps.executeBatch();
            Set<String> lost = new HashSet<>();
            for (int i = 0; i < counts.length; i++) {
                if (counts[i] != 1) {
                    lost.add(order.get(i).stream());
                }
            }
            if (!lost.isEmpty()) {
                throw new PositionConflictException(lost);
            }
        }
    }

    /** Deletes the source's positions: the next lander starts each stream over (tests, operators). */
    public int reset(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + TABLE + " WHERE pipeline = ? AND source = ?")) {
            ps.setString(1, pipeline);
            ps.setString(2, source);
            return ps.executeUpdate();
        }
    }
}
