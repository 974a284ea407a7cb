package dev.strata.warehouse.mariadb;

import dev.strata.ErrorCode;
import dev.strata.StrataException;
import dev.strata.warehouse.Catalog;
import dev.strata.warehouse.DependentView;
import dev.strata.warehouse.SqlDialect;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * MariaDB's catalog through {@code information_schema}, where Strata's schemas are databases
 * ({@code TABLE_SCHEMA}; JDBC reports them as catalogs, {@code TABLE_CAT}). Names are compared
 * exactly in Java: {@code information_schema} compares them case-insensitively, while the tables
 * themselves are case-sensitive ({@code lower_case_table_names=0}, as on Linux by default).
 */
final class MariaDbCatalog implements Catalog {
    /** The oldest MariaDB Strata runs on: {@code SKIP LOCKED} and {@code JSON_TABLE} arrived in 10.6. */
    static final int[] MIN_MARIADB = {10, 6};
    /** The oldest MySQL: {@code JSON_TABLE} arrived in 8.0.4 ({@code SKIP LOCKED} in 8.0.1). */
    static final int[] MIN_MYSQL = {8, 0, 4};
    private static final Pattern VERSION = Pattern.compile("(\\d+)\\.(\\d+)\\.(\\d+)");
    private static final Pattern JSON_CHECK = Pattern.compile("(?i)^json_valid\\(`([^`]+)`\\)$");
    private static final Pattern DISPLAY_WIDTH = Pattern.compile("^(bigint|int|smallint|mediumint)\\(\\d+\\)");
    private final SqlDialect sql;

    MariaDbCatalog(SqlDialect sql) {
        this.sql = sql;
    }

    @Override
    public void requireSupportedServer(Connection connection) throws SQLException {
        String version;
        try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery("SELECT VERSION()")) {
            rs.next();
            version = rs.getString(1);
        }
        String problem = unsupported(version);
        if (problem != null) {
            throw new StrataException(ErrorCode.CONFIG, problem);
        }
    }

    /** Why Strata cannot run on a server reporting {@code VERSION()} = {@code version}, or null when it can. */
    static String unsupported(String version) {
        boolean mariadb = version.toLowerCase(java.util.Locale.ROOT).contains("mariadb");
        // MariaDB 10+ may prefix the version with "5.5.5-" for old MySQL clients
        Matcher m = VERSION.matcher(mariadb && version.startsWith("5.5.5-") ? version.substring(6) : version);
        if (!m.find()) {
            return "the warehouse reports version '" + version + "', which Strata cannot read: it needs MariaDB "
                    + MIN_MARIADB[0] + "." + MIN_MARIADB[1] + " or later";
        }
        int[] v = {Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3))};
        if (mariadb) {
            return atLeast(v, MIN_MARIADB) ? null : "the warehouse runs MariaDB " + version + ", which Strata does not support: "
                    + "it needs MariaDB " + MIN_MARIADB[0] + "." + MIN_MARIADB[1] + " or later (SKIP LOCKED and JSON_TABLE)";
        }
        return "the warehouse runs MySQL " + version + ", which Strata does not support yet: its MariaDB adapter needs "
                + "MariaDB " + MIN_MARIADB[0] + "." + MIN_MARIADB[1] + " or later (MySQL has no sequences, which STG numbering uses; "
                + "see docs/warehouses.md)";
    }

    private static boolean atLeast(int[] version, int[] minimum) {
        for (int i = 0; i < minimum.length; i++) {
            if (version[i] != minimum[i]) {
                return version[i] > minimum[i];
            }
        }
        return true;
    }

    @Override
    public boolean schemaExists(Connection connection, String schema) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(
                "SELECT SCHEMA_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?")) {
            ps.setString(1, schema);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    if (schema.equals(rs.getString(1))) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    /** {@code CREATE DATABASE IF NOT EXISTS} is safe when run concurrently; it commits the caller's transaction. */
    @Override
    public void ensureSchema(Connection connection, String schema) throws SQLException {
        try (Statement s = connection.createStatement()) {
            s.execute(sql.createSchemaIfNotExists(schema));
        }
    }

    @Override
    public Optional<RelationKind> relationKind(Connection connection, String schema, String name) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement("SELECT TABLE_SCHEMA, TABLE_NAME, TABLE_TYPE FROM "
                + "information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?")) {
            ps.setString(1, schema);
            ps.setString(2, name);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    if (schema.equals(rs.getString(1)) && name.equals(rs.getString(2))) {
                        return Optional.of("VIEW".equalsIgnoreCase(rs.getString(3)) ? RelationKind.VIEW : RelationKind.TABLE);
                    }
                }
            }
        }
        return Optional.empty();
    }

    /**
     * COLUMN_TYPE without integer display widths ({@code bigint(20)} is {@code bigint}), and
     * {@code json} for a LONGTEXT column with the {@code JSON_VALID} check MariaDB adds to JSON columns.
     */
    @Override
    public Map<String, String> columnTypes(Connection connection, String schema, String table) throws SQLException {
        Map<String, String> out = new LinkedHashMap<>();
        try (PreparedStatement ps = connection.prepareStatement("SELECT TABLE_SCHEMA, TABLE_NAME, COLUMN_NAME, COLUMN_TYPE "
                + "FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? ORDER BY ORDINAL_POSITION")) {
            ps.setString(1, schema);
            ps.setString(2, table);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    if (schema.equals(rs.getString(1)) && table.equals(rs.getString(2))) {
                        out.put(rs.getString(3), normalize(rs.getString(4)));
                    }
                }
            }
        }
        if (out.containsValue("longtext")) {
            for (String column : jsonColumns(connection, schema, table)) {
                out.computeIfPresent(column, (k, v) -> v.equals("longtext") ? "json" : v);
            }
        }
        return out;
    }

    static String normalize(String columnType) {
        String t = columnType.toLowerCase(java.util.Locale.ROOT);
        Matcher m = DISPLAY_WIDTH.matcher(t);
        return m.find() ? m.group(1) + t.substring(m.end()) : t;
    }

    private static Set<String> jsonColumns(Connection c, String schema, String table) throws SQLException {
        Set<String> out = new HashSet<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT TABLE_NAME, CHECK_CLAUSE FROM information_schema.CHECK_CONSTRAINTS "
                + "WHERE CONSTRAINT_SCHEMA = ? AND TABLE_NAME = ?")) {
            ps.setString(1, schema);
            ps.setString(2, table);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Matcher m = JSON_CHECK.matcher(rs.getString(2).trim());
                    if (table.equals(rs.getString(1)) && m.matches()) {
                        out.add(m.group(1));
                    }
                }
            }
        }
        return out;
    }

    /**
     * Views that name {@code schema.table} in their definition (MariaDB stores it with every name
     * quoted and qualified), readers of readers after their readers. MariaDB binds a view to a
     * table's name, not to the table, so a table swapped by RENAME keeps its views working without
     * them being re-created (MariaDbDdlIT).
     */
    @Override
    public List<DependentView> dependentViews(Connection connection, String schema, String table) throws SQLException {
        Map<String, DependentView> all = new LinkedHashMap<>();
        try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery(
                "SELECT TABLE_SCHEMA, TABLE_NAME, VIEW_DEFINITION FROM information_schema.VIEWS")) {
            while (rs.next()) {
                all.put(rs.getString(1) + "." + rs.getString(2), new DependentView(rs.getString(1), rs.getString(2), rs.getString(3)));
            }
        }
        List<DependentView> ordered = new ArrayList<>();
        List<String> frontier = new ArrayList<>(List.of(sql.qualified(schema, table)));
        Set<String> seen = new HashSet<>();
        while (!frontier.isEmpty()) {
            List<String> next = new ArrayList<>();
            for (String target : frontier) {
                for (DependentView v : all.values()) {
                    if (v.definition() != null && v.definition().contains(target)) {
                        String key = v.schema() + "." + v.name();
                        ordered.removeIf(o -> (o.schema() + "." + o.name()).equals(key));
                        ordered.add(v);
                        if (seen.add(key)) {
                            next.add(sql.qualified(v.schema(), v.name()));
                        }
                    }
                }
            }
            frontier = next;
        }
        return ordered;
    }

    @Override
    public void refreshStatistics(Connection connection, String qualifiedTable) throws SQLException {
        try (Statement s = connection.createStatement()) {
            s.execute("ANALYZE TABLE " + qualifiedTable);
        }
    }

    /** InnoDB writes dirty pages in the background; there is no checkpoint command. */
    @Override
    public void flush(Connection connection) {
    }

    @Override
    public String explainAnalyze(String statement) {
        return "ANALYZE " + statement;
    }

    @Override
    public String describeDurability(Connection connection) throws SQLException {
        try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery(
                "SELECT @@innodb_flush_log_at_trx_commit, @@innodb_doublewrite, @@log_bin, @@version")) {
            rs.next();
            return "innodb_flush_log_at_trx_commit=" + rs.getString(1) + " innodb_doublewrite=" + rs.getString(2)
                    + " log_bin=" + rs.getString(3) + " version=" + rs.getString(4);
        }
    }
}
