package dev.strata.warehouse.postgres;

import dev.strata.ErrorCode;
import dev.strata.StrataException;
import dev.strata.warehouse.Catalog;
import dev.strata.warehouse.DependentView;
import dev.strata.warehouse.LockKeys;
import dev.strata.warehouse.Locks;
import dev.strata.warehouse.SqlDialect;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayDeque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** PostgreSQL's catalog: {@code pg_attribute}/{@code format_type} for column types, {@code pg_depend} for dependent views. */
final class PostgresCatalog implements Catalog {
    /** The oldest PostgreSQL Strata runs on (identity of {@code CREATE SEQUENCE IF NOT EXISTS}, {@code SKIP LOCKED}). */
    static final int MIN_MAJOR_VERSION = 10;
    private final SqlDialect sql;
    private final Locks locks;

    PostgresCatalog(SqlDialect sql, Locks locks) {
        this.sql = sql;
        this.locks = locks;
    }

    @Override
    public void requireSupportedServer(Connection connection) throws SQLException {
        DatabaseMetaData md = connection.getMetaData();
        if (md.getDatabaseMajorVersion() < MIN_MAJOR_VERSION) {
            throw new StrataException(ErrorCode.CONFIG, "the warehouse runs PostgreSQL " + md.getDatabaseProductVersion()
                    + ", which Strata does not support: it needs PostgreSQL " + MIN_MAJOR_VERSION + " or later");
        }
    }

    @Override
    public boolean schemaExists(Connection connection, String schema) throws SQLException {
        DatabaseMetaData md = connection.getMetaData();
        try (ResultSet rs = md.getSchemas(null, escape(md, schema))) {
            while (rs.next()) {
                if (schema.equals(rs.getString("TABLE_SCHEM"))) {
                    return true;
                }
            }
        }
        return false;
    }

    @Override
    public void ensureSchema(Connection connection, String schema) throws SQLException {
        locks.lockForTransaction(connection, LockKeys.schema(schema));
        try (Statement s = connection.createStatement()) {
            s.execute(sql.createSchemaIfNotExists(schema));
        }
    }

    @Override
    public Optional<RelationKind> relationKind(Connection connection, String schema, String name) throws SQLException {
        DatabaseMetaData md = connection.getMetaData();
        try (ResultSet rs = md.getTables(null, escape(md, schema), escape(md, name), null)) {
            while (rs.next()) {
                if (schema.equals(rs.getString("TABLE_SCHEM")) && name.equals(rs.getString("TABLE_NAME"))) {
                    String type = rs.getString("TABLE_TYPE");
                    return Optional.of(type != null && type.toUpperCase().contains("VIEW") ? RelationKind.VIEW : RelationKind.TABLE);
                }
            }
        }
        return Optional.empty();
    }

    private static String escape(DatabaseMetaData md, String name) throws SQLException {
        String esc = md.getSearchStringEscape();
        return name.replace(esc, esc + esc).replace("_", esc + "_").replace("%", esc + "%");
    }

    @Override
    public Map<String, String> columnTypes(Connection connection, String schema, String table) throws SQLException {
        String q = "SELECT a.attname, format_type(a.atttypid, a.atttypmod) FROM pg_attribute a "
                + "JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace "
                + "WHERE n.nspname = ? AND c.relname = ? AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum";
        Map<String, String> out = new LinkedHashMap<>();
        try (PreparedStatement ps = connection.prepareStatement(q)) {
            ps.setString(1, schema);
            ps.setString(2, table);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.put(rs.getString(1), rs.getString(2));
                }
            }
        }
        return out;
    }

    @Override
    public List<DependentView> dependentViews(Connection connection, String schema, String table) throws SQLException {
        // Views depend on a table through their rewrite rule; walk the dependency edges breadth
        // first, so a view reading another view comes after it.
        String q = "SELECT DISTINCT v.oid, n.nspname, v.relname, pg_get_viewdef(v.oid) "
                + "FROM pg_depend d JOIN pg_rewrite r ON r.oid = d.objid JOIN pg_class v ON v.oid = r.ev_class "
                + "JOIN pg_namespace n ON n.oid = v.relnamespace "
                + "WHERE d.classid = 'pg_rewrite'::regclass AND d.refobjid = ? AND v.oid <> d.refobjid AND v.relkind = 'v'";
        long root;
        try (PreparedStatement ps = connection.prepareStatement(
                "SELECT c.oid FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = ? AND c.relname = ?")) {
            ps.setString(1, schema);
            ps.setString(2, table);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return List.of();
                }
                root = rs.getLong(1);
            }
        }
        LinkedHashMap<Long, DependentView> ordered = new LinkedHashMap<>();
        ArrayDeque<Long> queue = new ArrayDeque<>(List.of(root));
        while (!queue.isEmpty()) {
            long oid = queue.poll();
            try (PreparedStatement ps = connection.prepareStatement(q)) {
                ps.setLong(1, oid);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        long view = rs.getLong(1);
                        ordered.remove(view);   // seen again deeper: it must come after this reader too
                        ordered.put(view, new DependentView(rs.getString(2), rs.getString(3), rs.getString(4)));
                        queue.add(view);
                    }
                }
            }
        }
        return List.copyOf(ordered.values());
    }

    @Override
    public void refreshStatistics(Connection connection, String qualifiedTable) throws SQLException {
        try (Statement s = connection.createStatement()) {
            s.execute("VACUUM ANALYZE " + qualifiedTable);
        }
    }

    @Override
    public void flush(Connection connection) throws SQLException {
        try (Statement s = connection.createStatement()) {
            s.execute("CHECKPOINT");
        }
    }

    @Override
    public String explainAnalyze(String statement) {
        return "EXPLAIN (ANALYZE, BUFFERS) " + statement;
    }

    @Override
    public String describeDurability(Connection connection) throws SQLException {
        try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery(
                "SELECT current_setting('fsync'), current_setting('synchronous_commit'), current_setting('full_page_writes')")) {
            rs.next();
            return "fsync=" + rs.getString(1) + " synchronous_commit=" + rs.getString(2) + " full_page_writes=" + rs.getString(3);
        }
    }
}
