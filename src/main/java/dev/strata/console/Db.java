package dev.strata.console;

import dev.strata.warehouse.MetadataSchema;
import dev.strata.warehouse.Warehouse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Small JDBC helpers for the console's read queries: pooled connection per call, bind parameters
 * only, and a query timeout so a slow warehouse delays a page but never piles up request threads.
 */
final class Db {
    /** Seconds any console query may take. */
    static final int QUERY_TIMEOUT_SECONDS = 10;

    private final Warehouse warehouse;

    Db(Warehouse warehouse) {
        this.warehouse = warehouse;
    }

    Warehouse warehouse() {
        return warehouse;
    }

    /** {@code "strata"."<table>"} through the dialect. */
    String meta(String table) {
        return warehouse.sql().qualified(MetadataSchema.SCHEMA, table);
    }

    @FunctionalInterface
    interface RowMapper<T> {
        T map(ResultSet rs) throws SQLException;
    }

    <T> List<T> query(String sql, RowMapper<T> mapper, Object... params) {
        return query(sql, 0, mapper, params);
    }

    /** Runs a query with bind parameters; {@code maxRows} > 0 caps the rows fetched. */
    <T> List<T> query(String sql, int maxRows, RowMapper<T> mapper, Object... params) {
        try (Connection c = warehouse.connection();
             PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setQueryTimeout(QUERY_TIMEOUT_SECONDS);
            if (maxRows > 0) {
                ps.setMaxRows(maxRows);
            }
            bind(ps, params);
            try (ResultSet rs = ps.executeQuery()) {
                List<T> out = new ArrayList<>();
                while (rs.next()) {
                    out.add(mapper.map(rs));
                }
                return out;
            }
        } catch (SQLException e) {
            throw new WarehouseQueryException(e);
        }
    }

    static void bind(PreparedStatement ps, Object... params) throws SQLException {
        for (int i = 0; i < params.length; i++) {
            Object p = params[i];
            if (p instanceof Instant t) {
                ps.setTimestamp(i + 1, Timestamp.from(t));
            } else {
                ps.setObject(i + 1, p);
            }
        }
    }

    static Instant instant(ResultSet rs, String column) throws SQLException {
        Timestamp t = rs.getTimestamp(column);
        return t == null ? null : t.toInstant();
    }

    static Long nullableLong(ResultSet rs, String column) throws SQLException {
        long v = rs.getLong(column);
        return rs.wasNull() ? null : v;
    }

    /** A failed console query; answered as 503 (the warehouse may be down), logged with its cause. */
    static final class WarehouseQueryException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        WarehouseQueryException(SQLException cause) {
            super(cause.getMessage(), cause);
        }
    }
}
