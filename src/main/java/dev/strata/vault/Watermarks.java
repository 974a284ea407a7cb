package dev.strata.vault;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;

/**
 * High-water marks of vault targets in {@code strata.layer_watermarks}: per (pipeline, target,
 * input) the highest STG {@code _seq} consumed. Read and advanced inside the load's transaction,
 * under the target's lock, so a mark never runs ahead of the rows it covers.
 */
final class Watermarks {
    private static final String TABLE = "strata.layer_watermarks";

    private Watermarks() {
    }

    /** input → watermark for one target; inputs never loaded are absent. */
    static Map<String, Long> read(Connection c, String pipeline, String target) throws SQLException {
        Map<String, Long> out = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT input, watermark FROM " + TABLE + " WHERE pipeline = ? AND target = ?")) {
            ps.setString(1, pipeline);
            ps.setString(2, target);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.put(rs.getString(1), rs.getLong(2));
                }
            }
        }
        return out;
    }

    /** Sets the watermark; the caller holds the target's lock, so update-then-insert cannot race. */
    static void advance(Connection c, String pipeline, String target, String input, long watermark) throws SQLException {
        try (PreparedStatement up = c.prepareStatement("UPDATE " + TABLE
                + " SET watermark = ?, updated_at = CURRENT_TIMESTAMP WHERE pipeline = ? AND target = ? AND input = ?")) {
            up.setLong(1, watermark);
            up.setString(2, pipeline);
            up.setString(3, target);
            up.setString(4, input);
            if (up.executeUpdate() == 1) {
                return;
            }
        }
        try (PreparedStatement ins = c.prepareStatement(
                "INSERT INTO " + TABLE + " (pipeline, target, input, watermark) VALUES (?, ?, ?, ?)")) {
            ins.setString(1, pipeline);
            ins.setString(2, target);
            ins.setString(3, input);
            ins.setLong(4, watermark);
            ins.executeUpdate();
        }
    }
}
