package dev.strata.warehouse;

import dev.strata.config.ColumnType;
import dev.strata.config.Identifiers;
import dev.strata.config.JsonPath;
import java.io.InputStream;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.postgresql.PGConnection;

/** PostgreSQL (10 and later): {@code jsonb}, {@code uuid} hash keys, COPY through PgJDBC, advisory locks. */
public final class PostgresDialect implements Dialect {
    @Override
    public String name() {
        return "postgresql";
    }

    @Override
    public boolean handles(String jdbcUrl) {
        return jdbcUrl.startsWith("jdbc:postgresql:");
    }

    @Override
    public String quote(String identifier) {
        return "\"" + Identifiers.require(identifier) + "\"";
    }

    @Override
    public String literal(String value) {
        // standard_conforming_strings is on by default since 9.1: only the quote needs doubling.
        if (value.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("a NUL character cannot appear in a PostgreSQL string");
        }
        return "'" + value.replace("'", "''") + "'";
    }

    @Override
    public String jsonType() {
        return "jsonb";
    }

    @Override
    public String timestampType() {
        return "timestamptz";
    }

    @Override
    public String hashKeyType() {
        return "uuid";
    }

    @Override
    public String bytesType() {
        return "bytea";
    }

    @Override
    public String textType() {
        return "text";
    }

    @Override
    public String keyTextType() {
        // "C" compares with memcmp; a database collation such as C.UTF-8 or en_US goes through
        // strcoll for every btree comparison (about 10% of a landing COPY's server time).
        return "text COLLATE \"C\"";
    }

    @Override
    public String createSchemaIfNotExists(String schema) {
        return "CREATE SCHEMA IF NOT EXISTS " + quote(schema);
    }

    @Override
    public String jsonText(String jsonExpr, JsonPath path) {
        return path.isRoot() ? "(" + jsonExpr + ")::text" : "(" + jsonExpr + " #>> " + pathLiteral(path) + ")";
    }

    @Override
    public String jsonValue(String jsonExpr, JsonPath path) {
        return path.isRoot() ? jsonExpr : "(" + jsonExpr + " #> " + pathLiteral(path) + ")";
    }

    private String pathLiteral(JsonPath path) {
        StringBuilder sb = new StringBuilder("{");
        for (int i = 0; i < path.segments().size(); i++) {
            if (i > 0) {
                sb.append(',');
            }
            // text[] literal element: always double-quoted, with \ and " escaped
            sb.append('"').append(path.segments().get(i).replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
        }
        return literal(sb.append('}').toString()) + "::text[]";
    }

    @Override
    public String migrationsLocation() {
        return "classpath:db/migration/postgresql";
    }

    @Override
    public long copyCsv(Connection connection, String qualifiedTable, List<String> columns, InputStream csv)
            throws SQLException {
        StringBuilder cols = new StringBuilder();
        for (String c : columns) {
            cols.append(cols.length() == 0 ? "" : ", ").append(quote(c));
        }
        String sql = "COPY " + qualifiedTable + " (" + cols + ") FROM STDIN (FORMAT csv)";
        try {
            return connection.unwrap(PGConnection.class).getCopyAPI().copyIn(sql, csv);
        } catch (IOException e) {
            throw new SQLException("COPY into " + qualifiedTable + " failed while reading its input: " + e.getMessage(), "58030", e);
        }
    }

    @Override
    public void lockForTransaction(Connection connection, long key) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement("SELECT pg_advisory_xact_lock(?)")) {
            ps.setLong(1, key);
            ps.execute();
        }
    }

    @Override
    public boolean tryLockForTransaction(Connection connection, long key) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement("SELECT pg_try_advisory_xact_lock(?)")) {
            ps.setLong(1, key);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        }
    }

    @Override
    public void lockSession(Connection connection, long key) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement("SELECT pg_advisory_lock(?)")) {
            ps.setLong(1, key);
            ps.execute();
        }
    }

    @Override
    public void unlockSession(Connection connection, long key) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement("SELECT pg_advisory_unlock(?)")) {
            ps.setLong(1, key);
            ps.execute();
        }
    }

    @Override
    public boolean isTransient(SQLException e) {
        String state = e.getSQLState();
        // 08: connection exceptions; 57P01-03: admin shutdown, crash shutdown, cannot connect now;
        // 40001/40P01: serialization failure, deadlock — retrying the transaction is the cure.
        return state != null && (state.startsWith("08") || state.startsWith("57P")
                || state.equals("40001") || state.equals("40P01") || state.equals("53300"));
    }

    @Override
    public void beginTask(Connection connection, java.util.Optional<java.time.Duration> timeout) throws SQLException {
        StringBuilder settings = new StringBuilder("SET LOCAL TIME ZONE 'UTC'");
        if (connection.getMetaData().getDatabaseMajorVersion() >= 14) {
            // Notice a dead client (a killed worker) within a second even mid-query, so its
            // transaction rolls back and its task run's row lock is released promptly.
            settings.append("; SET LOCAL client_connection_check_interval = 1000");
        }
        if (timeout.isPresent()) {
            settings.append("; SET LOCAL statement_timeout = ").append(Math.max(1, timeout.get().toMillis()));
        }
        try (java.sql.Statement s = connection.createStatement()) {
            s.execute(settings.toString());   // one round trip: this runs before every task
        }
    }

    @Override
    public java.util.OptionalInt errorPosition(SQLException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof org.postgresql.util.PSQLException p && p.getServerErrorMessage() != null
                    && p.getServerErrorMessage().getPosition() > 0) {
                return java.util.OptionalInt.of(p.getServerErrorMessage().getPosition());
            }
        }
        return java.util.OptionalInt.empty();
    }

    @Override
    public boolean isTimeout(SQLException e) {
        return "57014".equals(e.getSQLState());
    }

    @Override
    public String createTempTableAs(String table, String select) {
        return "CREATE TEMPORARY TABLE " + quote(table) + " ON COMMIT DROP AS " + select;
    }

    @Override
    public String createTempView(String view, String select) {
        return "CREATE TEMPORARY VIEW " + quote(view) + " AS " + select;
    }

    @Override
    public String insertCountingOutside(String qualifiedTarget, List<String> quotedColumns, String source,
                                        String quotedTimeColumn) {
        String cols = String.join(", ", quotedColumns);
        // A data-modifying CTE: the inserted rows' time column comes back through RETURNING, so the
        // rows are produced and written once and checked without being read again.
        return "WITH strata_inserted AS (INSERT INTO " + qualifiedTarget + " (" + cols + ") SELECT " + cols + " FROM " + source
                + " RETURNING " + quotedTimeColumn + ") SELECT count(*), count(*) FILTER (WHERE " + quotedTimeColumn
                + " IS NULL OR NOT (" + quotedTimeColumn + " >= ? AND " + quotedTimeColumn + " < ?)) FROM strata_inserted";
    }

    @Override
    public String sqlType(ColumnType type) {
        return switch (type.kind()) {
            case TEXT -> "text";
            case VARCHAR -> "character varying(" + type.precision() + ")";
            case SMALLINT -> "smallint";
            case INTEGER -> "integer";
            case BIGINT -> "bigint";
            case NUMERIC -> type.precision() > 0 ? "numeric(" + type.precision() + "," + type.scale() + ")" : "numeric";
            case DOUBLE -> "double precision";
            case BOOLEAN -> "boolean";
            case DATE -> "date";
            case TIMESTAMP -> "timestamp without time zone";
            case TIMESTAMPTZ -> "timestamp with time zone";
            case JSON -> "jsonb";
            case HASH_KEY -> "uuid";
        };
    }

    @Override
    public String canonicalText(String expr, ColumnType type) {
        return switch (type.kind()) {
            case TEXT, VARCHAR -> expr;
            case DATE -> "to_char(" + expr + ", 'YYYY-MM-DD')";
            case TIMESTAMP -> "to_char(" + expr + ", 'YYYY-MM-DD\"T\"HH24:MI:SS.US')";
            case TIMESTAMPTZ -> "to_char((" + expr + ") AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')";
            // numbers print as plain decimals; double precision in its shortest exact form
            // (extra_float_digits = 1, set by deterministicTransactionSettings); booleans as true/false
            default -> "CAST(" + expr + " AS text)";
        };
    }

    @Override
    public String isValidInput(String textExpr, ColumnType type) {
        // PostgreSQL 16 and later; on older servers the diagnostic query fails and is skipped
        return "pg_input_is_valid(" + textExpr + ", " + literal(sqlType(type)) + ")";
    }

    @Override
    public List<String> deterministicTransactionSettings() {
        return List.of("SET LOCAL TIME ZONE 'UTC'", "SET LOCAL DateStyle = 'ISO, YMD'", "SET LOCAL extra_float_digits = 1");
    }

    @Override
    public String sortMemoryForTransaction(long bytes) {
        return "SET LOCAL work_mem = '" + Math.max(64, bytes / 1024) + "kB'";
    }

    @Override
    public String trimWhitespace(String expr) {
        return "btrim(" + expr + ", E' \\t\\n\\r\\f\\x0b')";
    }

    @Override
    public String asciiUpper(String expr) {
        // With the "C" collation upper() maps a-z only, on every PostgreSQL version and platform.
        return "upper((" + expr + ") COLLATE \"C\")";
    }

    @Override
    public String concat(List<String> exprs) {
        return "(" + String.join(" || ", exprs) + ")";
    }

    @Override
    public String md5HashKey(String textExpr) {
        // md5() hashes the text's bytes in the server encoding, which Strata requires to be UTF-8
        // (VaultLoader checks it against the Java reference before loading).
        return "CAST(md5(" + textExpr + ") AS uuid)";
    }

    @Override
    public String hashKeyLiteral(UUID key) {
        return "CAST('" + key + "' AS uuid)";
    }

    @Override
    public String jsonScalarText(String jsonExpr) {
        return "(" + jsonExpr + " #>> '{}')";
    }

    @Override
    public String jsonArrayItemsJoin(String jsonArrayExpr, String alias) {
        return "CROSS JOIN LATERAL jsonb_array_elements(CASE WHEN jsonb_typeof(" + jsonArrayExpr + ") = 'array' THEN "
                + jsonArrayExpr + " ELSE '[]'::jsonb END) WITH ORDINALITY AS " + quote(alias) + "(item, ord)";
    }

    @Override
    public String subqueryFence() {
        // PostgreSQL never pulls up a subquery that has OFFSET
        return " OFFSET 0";
    }

    @Override
    public String firstPerGroup(String from, String alias, List<String> groupBy, List<String> orderBy) {
        // DISTINCT ON keeps the first row of each group straight off the sort; the window and the
        // filter on its rank cost about a tenth of a satellite load over a million rows
        List<String> order = new ArrayList<>(groupBy);
        order.addAll(orderBy);
        return "SELECT DISTINCT ON (" + String.join(", ", groupBy) + ") " + alias + ".*\n"
                + "    FROM (\n" + from + "    ) " + alias + "\n"
                + "    ORDER BY " + String.join(", ", order);
    }

    @Override
    public Map<String, String> columnTypes(Connection connection, String schema, String table) throws SQLException {
        String sql = "SELECT a.attname, format_type(a.atttypid, a.atttypmod) FROM pg_attribute a "
                + "JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace "
                + "WHERE n.nspname = ? AND c.relname = ? AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum";
        Map<String, String> out = new LinkedHashMap<>();
        try (PreparedStatement ps = connection.prepareStatement(sql)) {
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
    public String createTempTable(String name, String columnDefinitions) {
        return "CREATE TEMPORARY TABLE IF NOT EXISTS " + quote(name) + " (" + columnDefinitions + ") ON COMMIT DELETE ROWS";
    }

    @Override
    public String insertSkippingConflicts(String qualifiedTarget, List<String> columns, String rows,
                                          List<String> conflictColumns) {
        return "INSERT INTO " + qualifiedTarget + " (" + quotedList(columns) + ") " + rows
                + " ON CONFLICT (" + quotedList(conflictColumns) + ") DO NOTHING";
    }

    @Override
    public String upsert(String qualifiedTarget, List<String> columns, String rows, List<String> conflictColumns,
                         List<String> updateColumns, String condition) {
        StringBuilder set = new StringBuilder();
        for (String c : updateColumns) {
            set.append(set.length() == 0 ? "" : ", ").append(quote(c)).append(" = EXCLUDED.").append(quote(c));
        }
        return "INSERT INTO " + qualifiedTarget + " (" + quotedList(columns) + ") " + rows
                + " ON CONFLICT (" + quotedList(conflictColumns) + ") DO UPDATE SET " + set
                + (condition == null ? "" : " WHERE " + condition);
    }

    private String quotedList(List<String> columns) {
        StringBuilder sb = new StringBuilder();
        for (String c : columns) {
            sb.append(sb.length() == 0 ? "" : ", ").append(quote(c));
        }
        return sb.toString();
    }

    @Override
    public String nextValue(String qualifiedSequence) {
        return "nextval(" + literal(qualifiedSequence) + ")";
    }

    @Override
    public long reserveSequenceBlock(Connection connection, String qualifiedSequence, int count) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement("SELECT setval(" + literal(qualifiedSequence)
                + ", nextval(" + literal(qualifiedSequence) + ") + ? - 1)")) {
            ps.setLong(1, count);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1) - count + 1;
            }
        }
    }

    @Override
    public boolean isUniqueViolation(SQLException e) {
        return "23505".equals(e.getSQLState());
    }

    @Override
    public String toJson(String textExpression) {
        return "(" + textExpression + ")::jsonb";
    }

    @Override
    public boolean jsonAcceptsNulCharacter() {
        return false;
    }

    @Override
    public boolean isDataError(SQLException e) {
        String state = e.getSQLState();
        // 22: data exception (bad value, encoding, numeric overflow); 23: integrity constraint violation.
        return state != null && (state.startsWith("22") || state.startsWith("23"));
    }

    @Override
    public java.util.List<DependentView> dependentViews(Connection connection, String schema, String table) throws SQLException {
        // Views depend on a table through their rewrite rule; walk the dependency edges breadth
        // first, so a view reading another view comes after it.
        String sql = "SELECT DISTINCT v.oid, n.nspname, v.relname, pg_get_viewdef(v.oid) "
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
                    return java.util.List.of();
                }
                root = rs.getLong(1);
            }
        }
        java.util.LinkedHashMap<Long, DependentView> ordered = new java.util.LinkedHashMap<>();
        java.util.ArrayDeque<Long> queue = new java.util.ArrayDeque<>(java.util.List.of(root));
        while (!queue.isEmpty()) {
            long oid = queue.poll();
            try (PreparedStatement ps = connection.prepareStatement(sql)) {
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
        return java.util.List.copyOf(ordered.values());
    }
}
