package dev.strata.embedded;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.stream.Collectors;

/**
 * What a table holds, in two values to compare between a primary and its replica: the row count
 * and {@code md5(string_agg(t::text, ',' ORDER BY key))}, the md5 of all rows' text forms in key
 * order (PostgreSQL only).
 */
public record TableDigest(String table, long rows, String md5) {

    /** The digest of {@code schema.table} ordered by {@code keyColumns}, on {@code c}. */
    public static TableDigest of(Connection c, String schema, String table, List<String> keyColumns) throws SQLException {
        if (keyColumns.isEmpty()) {
            throw new IllegalArgumentException("table " + schema + "." + table + ": a digest needs the key columns to order by");
        }
        String order = keyColumns.stream().map(TableDigest::quote).map(k -> "t." + k).collect(Collectors.joining(", "));
        String sql = "SELECT count(*), coalesce(md5(string_agg(t::text, ',' ORDER BY " + order + ")), md5('')) FROM "
                + quote(schema) + "." + quote(table) + " t";
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return new TableDigest(schema + "." + table, rs.getLong(1), rs.getString(2));
        }
    }

    private static String quote(String identifier) {
        return '"' + identifier.replace("\"", "\"\"") + '"';
    }
}
