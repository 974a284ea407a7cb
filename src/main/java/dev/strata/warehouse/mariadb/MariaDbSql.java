package dev.strata.warehouse.mariadb;

import dev.strata.config.ColumnType;
import dev.strata.config.Identifiers;
import dev.strata.config.JsonPath;
import dev.strata.warehouse.SqlScript;
import dev.strata.warehouse.StandardSql;
import java.nio.ByteBuffer;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;

/**
 * MariaDB's SQL spelling (measured on 11.4 in {@code src/test/java/dev/strata/warehouse/mariadb}):
 * backtick quoting, backslash-escaped literals (the session's {@code sql_mode} is fixed without
 * {@code NO_BACKSLASH_ESCAPES}, {@link MariaDbAdapter#connectionProperties}), {@code JSON_EXTRACT}
 * and {@code JSON_TABLE}, {@code BINARY(16)} hash keys holding the digest's bytes
 * ({@code UNHEX(MD5(..))}), {@code ON DUPLICATE KEY UPDATE}, {@code <=>}, window functions instead
 * of {@code DISTINCT ON} and an index probe instead of {@code LATERAL}, and a temporary table
 * instead of data-modifying CTEs. Strata's schemas are databases; temporary tables live in the
 * database {@code strata} (a JDBC URL need not name a default database).
 */
final class MariaDbSql extends StandardSql {
    /** Where session-local scratch tables are created: MariaDB needs a database for every table name. */
    static final String TEMP_DATABASE = "strata";
    /** Binary, case- and trailing-space-sensitive comparison, as PostgreSQL compares text. */
    static final String COLLATION = "utf8mb4_nopad_bin";
    /**
     * Key text (a dedup key, a partition name): an InnoDB index entry holds at most 3,072 bytes, 4
     * per utf8mb4 character, and {@code (_partition, _offset)} must fit in one.
     */
    static final int KEY_TEXT_LENGTH = 700;
    /**
     * A text column in a vault table's primary key (a multi-active child key): InnoDB cannot index
     * TEXT without a prefix length (a prefix would make two keys sharing it one), so it is a
     * varchar; 255 characters (1,020 bytes of utf8mb4) keep two of them beside the parent's hash key
     * and load_dt within the index entry's 3,072 bytes.
     */
    static final int KEY_COLUMN_LENGTH = 255;
    private static final String WHITESPACE_CLASS = "[ \\t\\n\\r\\f\\x0B]";
    /** ISO 8601 date-time with a zone (Z, +03, +0300, +03:00): group 1 the local part, group 2 the zone. */
    private static final String ZONED = "^(.*[0-9]:[0-9]{2}(?::[0-9]{2}(?:\\.[0-9]+)?)?)[[:space:]]*(Z|[+-][0-9]{2}(?::?[0-9]{2})?)$";

    @Override
    public String quote(String identifier) {
        return "`" + Identifiers.require(identifier) + "`";
    }

    /** A literal for a session without {@code NO_BACKSLASH_ESCAPES}: backslashes and quotes escaped. */
    @Override
    public String literal(String value) {
        if (value.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("a NUL character cannot appear in an SQL string literal");
        }
        return "'" + value.replace("\\", "\\\\").replace("'", "''") + "'";
    }

    @Override
    public String jsonType() {
        return "json";
    }

    /** UTC wall-clock time: TIMESTAMP(6) would end in 2038 and shift with the session's time zone. */
    @Override
    public String timestampType() {
        return "datetime(6)";
    }

    @Override
    public String hashKeyType() {
        return "binary(16)";
    }

    @Override
    public String bytesType() {
        return "longblob";
    }

    @Override
    public String textType() {
        return "longtext";
    }

    @Override
    public String keyTextType() {
        return "varchar(" + KEY_TEXT_LENGTH + ")";
    }

    @Override
    public String createSchemaIfNotExists(String schema) {
        return "CREATE DATABASE IF NOT EXISTS " + quote(schema) + " CHARACTER SET utf8mb4 COLLATE " + COLLATION;
    }

    @Override
    public String dropSchemaIfExists(String schema) {
        return "DROP DATABASE IF EXISTS " + quote(schema);
    }

    // ---- JSON ----

    /** {@code $."a b"[0]."c"}: each key quoted (with {@code \} and {@code "} escaped), all-digit segments as indexes. */
    String jsonPath(JsonPath path) {
        StringBuilder sb = new StringBuilder("$");
        for (String segment : path.segments()) {
            if (!segment.isEmpty() && segment.chars().allMatch(ch -> ch >= '0' && ch <= '9')) {
                sb.append('[').append(segment).append(']');
            } else {
                sb.append(".\"").append(segment.replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
            }
        }
        return literal(sb.toString());
    }

    /**
     * PostgreSQL's {@code #>>}: a string without its quotes, other scalars as written, objects and
     * arrays as JSON text, NULL for JSON null and for a missing path. (JSON_VALUE would turn
     * {@code true} into 1 and give NULL for objects.)
     */
    @Override
    public String jsonText(String jsonExpr, JsonPath path) {
        if (path.isRoot()) {
            return "(" + jsonExpr + ")";
        }
        return jsonScalarText("JSON_EXTRACT(" + jsonExpr + ", " + jsonPath(path) + ")");
    }

    @Override
    public String jsonValue(String jsonExpr, JsonPath path) {
        return path.isRoot() ? jsonExpr : "JSON_EXTRACT(" + jsonExpr + ", " + jsonPath(path) + ")";
    }

    /** JSON_EXTRACT writes JSON null as the text {@code null} and a string "null" as {@code "null"}: only the first is NULL. */
    @Override
    public String jsonScalarText(String jsonExpr) {
        return "JSON_UNQUOTE(NULLIF(" + jsonExpr + ", 'null'))";
    }

    /** JSON_TABLE reads the tables before it in FROM (MariaDB's LATERAL for JSON) and yields no rows for a non-array. */
    @Override
    public String jsonArrayItemsJoin(String jsonArrayExpr, String alias) {
        return "CROSS JOIN JSON_TABLE(" + jsonArrayExpr + ", '$[*]' COLUMNS (ord FOR ORDINALITY, item JSON PATH '$')) AS "
                + quote(alias);
    }

    /** The text is stored as it is; the JSON column's CHECK (JSON_VALID) refuses what is not JSON. */
    @Override
    public String toJson(String textExpression) {
        return "(" + textExpression + ")";
    }

    @Override
    public boolean jsonAcceptsNulCharacter() {
        return true;
    }

    // ---- dates ----

    @Override
    public String utcDate(String timestampExpr) {
        return "CAST(" + timestampExpr + " AS DATE)";
    }

    @Override
    public String currentTimestamp() {
        return "UTC_TIMESTAMP(6)";
    }

    // ---- types ----

    /** Spelled as information_schema.COLUMNS.COLUMN_TYPE reports it (display widths dropped by {@link MariaDbCatalog}). */
    @Override
    public String sqlType(ColumnType type) {
        return switch (type.kind()) {
            case TEXT -> "longtext";
            case VARCHAR -> "varchar(" + type.precision() + ")";
            case SMALLINT -> "smallint";
            case INTEGER -> "int";
            case BIGINT -> "bigint";
            // without a precision, the widest decimal MariaDB has (PostgreSQL's numeric is unbounded)
            case NUMERIC -> type.precision() > 0 ? "decimal(" + type.precision() + "," + type.scale() + ")" : "decimal(65,30)";
            case DOUBLE -> "double";
            case BOOLEAN -> "tinyint(1)";
            case DATE -> "date";
            case TIMESTAMP, TIMESTAMPTZ -> "datetime(6)";
            case JSON -> "json";
            case HASH_KEY -> "binary(16)";
        };
    }

    /** Text (unbounded: longtext) in a primary key is {@code varchar(255)}: see {@link #KEY_COLUMN_LENGTH}. */
    @Override
    public String keySqlType(ColumnType type) {
        return type.kind() == ColumnType.Kind.TEXT ? "varchar(" + KEY_COLUMN_LENGTH + ")" : sqlType(type);
    }

    /**
     * CAST has its own type names in MariaDB ({@code SIGNED}, {@code CHAR}); text that is not a
     * valid value fails the statement that stores it (strict mode), as PostgreSQL's casts fail.
     * Zoned ISO 8601 text ({@code 2024-01-01T10:00:00+02:00}, {@code ...Z}) becomes UTC.
     */
    @Override
    public String cast(String expr, ColumnType type) {
        return switch (type.kind()) {
            case TEXT, VARCHAR -> "CAST(" + expr + " AS CHAR)";
            case SMALLINT, INTEGER, BIGINT -> "CAST(" + expr + " AS SIGNED)";
            case NUMERIC -> "CAST(" + expr + " AS " + sqlType(type) + ")";
            case DOUBLE -> "CAST(" + expr + " AS DOUBLE)";
            // no boolean cast: the spellings PostgreSQL accepts, anything else an error (a failed
            // integer cast of the text with a prefix no number has)
            case BOOLEAN -> "(CASE LOWER(TRIM(" + expr + ")) WHEN 'true' THEN TRUE WHEN 't' THEN TRUE WHEN 'yes' THEN TRUE"
                    + " WHEN 'y' THEN TRUE WHEN 'on' THEN TRUE WHEN '1' THEN TRUE WHEN 'false' THEN FALSE WHEN 'f' THEN FALSE"
                    + " WHEN 'no' THEN FALSE WHEN 'n' THEN FALSE WHEN 'off' THEN FALSE WHEN '0' THEN FALSE"
                    + " ELSE CAST(CONCAT('not a boolean: ', " + expr + ") AS SIGNED) END)";
            case DATE -> "CAST(" + expr + " AS DATE)";
            case TIMESTAMP -> "CAST(REGEXP_REPLACE(" + expr + ", " + literal(ZONED) + ", " + literal("\\1") + ") AS DATETIME(6))";
            case TIMESTAMPTZ -> utcFromText(expr);
            case JSON -> "(" + expr + ")";
            case HASH_KEY -> "UNHEX(REPLACE(" + expr + ", '-', ''))";
        };
    }

    /** ISO 8601 text with or without a zone as a UTC DATETIME(6); without one it is taken as UTC. */
    private String utcFromText(String t) {
        String zone = "REGEXP_REPLACE(" + t + ", " + literal(ZONED) + ", " + literal("\\2") + ")";
        String digits = "REPLACE(" + zone + ", ':', '')";
        String offset = "CASE WHEN " + zone + " = 'Z' THEN '+00:00' ELSE CONCAT(LEFT(" + digits + ", 3), ':', "
                + "IF(LENGTH(" + digits + ") > 3, RIGHT(" + digits + ", 2), '00')) END";
        String local = "CAST(REGEXP_REPLACE(" + t + ", " + literal(ZONED) + ", " + literal("\\1") + ") AS DATETIME(6))";
        return "(CASE WHEN " + t + " REGEXP " + literal(ZONED) + " THEN CONVERT_TZ(" + local + ", " + offset
                + ", '+00:00') ELSE CAST(" + t + " AS DATETIME(6)) END)";
    }

    /** The hashing standard's canonical text, byte for byte what PostgresSql's gives for the same values. */
    @Override
    public String canonicalText(String expr, ColumnType type) {
        return switch (type.kind()) {
            case TEXT, VARCHAR, JSON -> expr;
            case DATE -> "DATE_FORMAT(" + expr + ", '%Y-%m-%d')";
            case TIMESTAMP -> "DATE_FORMAT(" + expr + ", '%Y-%m-%dT%H:%i:%s.%f')";
            case TIMESTAMPTZ -> "DATE_FORMAT(" + expr + ", '%Y-%m-%dT%H:%i:%s.%fZ')";
            case BOOLEAN -> "(CASE WHEN " + expr + " IS NULL THEN NULL WHEN " + expr + " THEN 'true' ELSE 'false' END)";
            case HASH_KEY -> "LOWER(INSERT(INSERT(INSERT(INSERT(HEX(" + expr + "), 9, 0, '-'), 14, 0, '-'), 19, 0, '-'), 24, 0, '-'))";
            default -> "CAST(" + expr + " AS CHAR)";
        };
    }

    /** A pattern check per type (used only to name the row a failed load tripped over). */
    @Override
    public String isValidInput(String textExpr, ColumnType type) {
        String number = "^[[:space:]]*[+-]?([0-9]+([.][0-9]*)?|[.][0-9]+)([eE][+-]?[0-9]+)?[[:space:]]*$";
        String pattern = switch (type.kind()) {
            case SMALLINT, INTEGER, BIGINT -> "^[[:space:]]*[+-]?[0-9]+[[:space:]]*$";
            case NUMERIC, DOUBLE -> number;
            case DATE -> "^[0-9]{4}-[0-9]{2}-[0-9]{2}$";
            case TIMESTAMP, TIMESTAMPTZ -> "^[0-9]{4}-[0-9]{2}-[0-9]{2}([T ][0-9]{2}:[0-9]{2}(:[0-9]{2}([.][0-9]+)?)?)?"
                    + "[[:space:]]*(Z|[+-][0-9]{2}(:?[0-9]{2})?)?$";
            case BOOLEAN -> "^[[:space:]]*(true|t|yes|y|on|1|false|f|no|n|off|0)[[:space:]]*$";
            default -> null;
        };
        return pattern == null ? "TRUE" : "(" + textExpr + " REGEXP " + literal(pattern) + ")";
    }

    // ---- the hashing standard's primitives ----

    @Override
    public String trimWhitespace(String expr) {
        // TRIM removes spaces only
        return "REGEXP_REPLACE(" + expr + ", " + literal("^" + WHITESPACE_CLASS + "+|" + WHITESPACE_CLASS + "+$") + ", '')";
    }

    /** UPPER() would also map é to É (any collation): a-z one by one; REPLACE is case-sensitive. */
    @Override
    public String asciiUpper(String expr) {
        String out = expr;
        for (char ch = 'a'; ch <= 'z'; ch++) {
            out = "REPLACE(" + out + ", '" + ch + "', '" + Character.toUpperCase(ch) + "')";
        }
        return out;
    }

    @Override
    public String concat(List<String> exprs) {
        return "CONCAT(" + String.join(", ", exprs) + ")";
    }

    /** MD5 of the text's utf8mb4 bytes (UTF-8), as its 16 bytes: the bytes PostgreSQL's uuid holds. */
    @Override
    public String md5HashKey(String textExpr) {
        return "UNHEX(MD5(" + textExpr + "))";
    }

    @Override
    public String hashKeyLiteral(UUID key) {
        return "X'" + HexFormat.of().formatHex(bytes(key)) + "'";
    }

    @Override
    public UUID readHashKey(ResultSet rs, int column) throws SQLException {
        byte[] b = rs.getBytes(column);
        if (b == null) {
            return null;
        }
        if (b.length != 16) {
            throw new SQLException("a hash key has 16 bytes; column " + column + " holds " + b.length);
        }
        ByteBuffer buf = ByteBuffer.wrap(b);
        return new UUID(buf.getLong(), buf.getLong());
    }

    @Override
    public void bindHashKey(PreparedStatement ps, int index, UUID key) throws SQLException {
        ps.setBytes(index, key == null ? null : bytes(key));
    }

    static byte[] bytes(UUID u) {
        return ByteBuffer.allocate(16).putLong(u.getMostSignificantBits()).putLong(u.getLeastSignificantBits()).array();
    }

    // ---- query shapes ----

    /**
     * No LATERAL in MariaDB: the row with the greatest {@code orderColumn} of the key, found with a
     * correlated MAX (a backward probe of the (key, order) index) and joined on both columns. A
     * window over the whole table would read all of it on every load.
     */
    @Override
    public String latestRowJoin(String table, String keyColumn, String orderColumn, List<String> columns,
                                String outerKey, String alias, String guard) {
        return "LEFT JOIN " + table + " " + alias + " ON " + (guard == null ? "" : guard + " AND ")
                + alias + "." + keyColumn + " = " + outerKey + " AND " + alias + "." + orderColumn
                + " = (SELECT MAX(t." + orderColumn + ") FROM " + table + " t WHERE t." + keyColumn + " = " + outerKey + ")";
    }

    @Override
    public String nullSafeEquals(String a, String b) {
        return "(" + a + " <=> " + b + ")";
    }

    @Override
    public String tempTableName(String name) {
        return quote(TEMP_DATABASE) + "." + quote(name);
    }

    /** No ON COMMIT DELETE ROWS in MariaDB: the table is made again, empty (a temporary table's DDL does not commit). */
    @Override
    public String createTempTable(String name, String columnDefinitions) {
        return "CREATE OR REPLACE TEMPORARY TABLE " + tempTableName(name) + " (" + columnDefinitions + ")";
    }

    /** No temporary views: an empty temporary table with the select's columns (LIMIT 0 plans the select without running it). */
    @Override
    public String createCheckView(String view, String select) {
        return "CREATE OR REPLACE TEMPORARY TABLE " + tempTableName(view) + " AS SELECT * FROM (" + select
                + ") strata_checked LIMIT 0";
    }

    /**
     * No ON CONFLICT: the rows (as a CTE, to name their columns) without those whose key is already
     * in the table, then {@code ON DUPLICATE KEY UPDATE} as a no-op for keys repeated within the
     * statement (the first one wins) or inserted meanwhile by another transaction. The update count
     * is the rows inserted — exact when no other transaction inserts the same keys at the same
     * time (Connector/J counts a no-op duplicate as a row "found"; every caller that relies on the
     * count holds a lock that keeps other writers out).
     */
    @Override
    public String insertSkippingConflicts(String qualifiedTarget, List<String> columns, String rows,
                                          List<String> conflictColumns) {
        StringBuilder match = new StringBuilder();
        for (String c : conflictColumns) {
            match.append(match.length() == 0 ? "" : " AND ").append("t.").append(quote(c)).append(" = r.").append(quote(c));
        }
        String first = quote(conflictColumns.get(0));
        return "INSERT INTO " + qualifiedTarget + " (" + quotedList(columns) + ")\n"
                + "WITH r (" + quotedList(columns) + ") AS (" + rows + ")\n"
                + "SELECT * FROM r WHERE NOT EXISTS (SELECT 1 FROM " + qualifiedTarget + " t WHERE " + match + ")\n"
                + "ON DUPLICATE KEY UPDATE " + qualifiedTarget + "." + first + " = " + qualifiedTarget + "." + first;
    }

    /** {@code ON DUPLICATE KEY UPDATE c = VALUES(c)}; the target's columns are qualified (a select may have columns of the same names). */
    @Override
    public String upsert(String qualifiedTarget, List<String> columns, String rows, List<String> conflictColumns,
                         List<String> updateColumns) {
        StringBuilder set = new StringBuilder();
        for (String c : updateColumns) {
            set.append(set.length() == 0 ? "" : ", ").append(qualifiedTarget).append('.').append(quote(c))
                    .append(" = VALUES(").append(quote(c)).append(')');
        }
        return "INSERT INTO " + qualifiedTarget + " (" + quotedList(columns) + ") " + rows + " ON DUPLICATE KEY UPDATE " + set;
    }

    /**
     * The standard's scratch table in {@link #TEMP_DATABASE}; made again when a failed script left
     * it behind (the session is pooled).
     */
    @Override
    protected String createTempTableAs(String table, String select) {
        return "CREATE OR REPLACE TEMPORARY TABLE " + tempTableName(table) + " AS " + select;
    }

    /** {@code DROP TEMPORARY TABLE}: a plain {@code DROP TABLE} would commit the caller's transaction. */
    @Override
    protected String dropTempTable(String table) {
        return "DROP TEMPORARY TABLE " + tempTableName(table);
    }

    /** A joined {@code UPDATE} (one pass over the scratch rows instead of a subquery per column and row). */
    @Override
    protected String updateFrom(UpdateSpec up, String scratch) {
        StringBuilder on = new StringBuilder();
        for (int k = 0; k < up.keyColumns().size(); k++) {
            on.append(" AND t.").append(quote(up.keyColumns().get(k))).append(" = ").append(up.keyValues().get(k));
        }
        StringBuilder set = new StringBuilder();
        for (int c = 0; c < up.setColumns().size(); c++) {
            set.append(c == 0 ? "" : ", ").append("t.").append(quote(up.setColumns().get(c))).append(" = ")
                    .append(up.setValues().get(c));
        }
        return "UPDATE " + up.qualifiedTable() + " t JOIN " + scratch + " o ON (" + up.where() + ")" + on + " SET " + set;
    }

    /** MD5() gives the 32 lowercase hex digits, as PostgreSQL's md5(). */
    @Override
    public String md5Hex(String textExpr) {
        return "MD5(" + textExpr + ")";
    }

    /** utf8mb4's binary collation orders by the UTF-8 bytes, which is code point order. */
    @Override
    public String codePointOrder(String textExpr) {
        return "CAST(" + textExpr + " AS CHAR CHARACTER SET utf8mb4) COLLATE utf8mb4_nopad_bin";
    }

    /** GROUP_CONCAT (up to group_concat_max_len, 1 MiB by default: enough for a set of row hashes). */
    @Override
    public String orderedConcat(String textExpr) {
        return "GROUP_CONCAT(" + textExpr + " ORDER BY " + codePointOrder(textExpr) + " SEPARATOR '')";
    }
}
