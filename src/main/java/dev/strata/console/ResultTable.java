package dev.strata.console;

import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Rows of a query as JSON-friendly values: numbers stay numbers, times become ISO-8601 text, a
 * 16-byte binary (a hash key, where the warehouse stores it so) the uuid text, other byte arrays
 * base64, everything else (uuid, json, ...) its text form. Used by mart previews and
 * dashboards.
 */
record ResultTable(List<Column> columns, List<List<Object>> rows) {
    record Column(String name, String type, boolean numeric) {
    }

    static ResultTable read(ResultSet rs) throws SQLException {
        ResultSetMetaData md = rs.getMetaData();
        int n = md.getColumnCount();
        List<Column> columns = new ArrayList<>(n);
        for (int i = 1; i <= n; i++) {
            columns.add(new Column(md.getColumnLabel(i), md.getColumnTypeName(i), isNumeric(md.getColumnType(i))));
        }
        List<List<Object>> rows = new ArrayList<>();
        while (rs.next()) {
            List<Object> row = new ArrayList<>(n);
            for (int i = 1; i <= n; i++) {
                row.add(value(rs, i, md.getColumnType(i), md.getColumnTypeName(i)));
            }
            rows.add(row);
        }
        return new ResultTable(columns, rows);
    }

    private static boolean isNumeric(int type) {
        return switch (type) {
            case Types.TINYINT, Types.SMALLINT, Types.INTEGER, Types.BIGINT, Types.FLOAT, Types.REAL, Types.DOUBLE,
                 Types.NUMERIC, Types.DECIMAL -> true;
            default -> false;
        };
    }

    private static Object value(ResultSet rs, int i, int type, String typeName) throws SQLException {
        switch (type) {
            case Types.TINYINT, Types.SMALLINT, Types.INTEGER, Types.BIGINT -> {
                long v = rs.getLong(i);
                return rs.wasNull() ? null : v;
            }
            case Types.FLOAT, Types.REAL, Types.DOUBLE -> {
                double v = rs.getDouble(i);
                return rs.wasNull() || Double.isNaN(v) || Double.isInfinite(v) ? null : v;
            }
            case Types.NUMERIC, Types.DECIMAL -> {
                return rs.getBigDecimal(i);
            }
            case Types.BOOLEAN, Types.BIT -> {
                boolean v = rs.getBoolean(i);
                return rs.wasNull() ? null : v;
            }
            case Types.TIMESTAMP, Types.TIMESTAMP_WITH_TIMEZONE -> {
                java.sql.Timestamp t = rs.getTimestamp(i);
                return t == null ? null : t.toInstant().toString();
            }
            case Types.BINARY, Types.VARBINARY, Types.LONGVARBINARY, Types.BLOB -> {
                byte[] b = rs.getBytes(i);
                if (b != null && "BINARY".equalsIgnoreCase(typeName) && b.length == 16) {
                    // a hash key where the warehouse stores it as 16 bytes (a fixed-width BINARY, which
                    // the MariaDB driver reports as Types.VARBINARY without its width): shown as the uuid
                    // text PostgreSQL shows for the same key (the same bytes, in order)
                    java.nio.ByteBuffer buf = java.nio.ByteBuffer.wrap(b);
                    return new java.util.UUID(buf.getLong(), buf.getLong()).toString();
                }
                return b == null ? null : Base64.getEncoder().encodeToString(b);
            }
            default -> {
                return rs.getString(i);
            }
        }
    }
}
