package dev.strata.console;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Which tables and columns exist in a schema, from JDBC metadata (portable across warehouses). The
 * console checks a user-supplied table name against this list before it names the table in SQL,
 * so a name that is not a real table never reaches a statement.
 */
final class Tables {
    private static final String[] KINDS = {"TABLE", "VIEW", "MATERIALIZED VIEW", "PARTITIONED TABLE"};

    private Tables() {
    }

    /** Table and view names of {@code schema}, sorted. */
    static List<String> list(Db db, String schema) {
        try (Connection c = db.warehouse().connection()) {
            DatabaseMetaData md = c.getMetaData();
            TreeSet<String> names = new TreeSet<>();
            try (ResultSet rs = md.getTables(null, schema, "%", KINDS)) {
                while (rs.next()) {
                    names.add(rs.getString("TABLE_NAME"));
                }
            }
            return List.copyOf(names);
        } catch (SQLException e) {
            throw new Db.WarehouseQueryException(e);
        }
    }

    /** Column name → JDBC type name of {@code schema.table}, in table order; empty when the table does not exist. */
    static Map<String, String> columns(Db db, String schema, String table) {
        try (Connection c = db.warehouse().connection()) {
            Map<String, String> out = new LinkedHashMap<>();
            try (ResultSet rs = c.getMetaData().getColumns(null, schema, table, "%")) {
                while (rs.next()) {
                    out.put(rs.getString("COLUMN_NAME"), rs.getString("TYPE_NAME"));
                }
            }
            return out;
        } catch (SQLException e) {
            throw new Db.WarehouseQueryException(e);
        }
    }
}
