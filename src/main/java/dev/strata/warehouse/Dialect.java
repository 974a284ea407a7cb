package dev.strata.warehouse;

import dev.strata.config.ColumnType;
import dev.strata.config.JsonPath;
import java.io.InputStream;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Everything that differs between warehouse databases. Code outside this package never asks which
 * database it talks to; it asks the dialect for the SQL or the operation. Identifiers from config
 * reach SQL only through {@link #quote}; values are bind parameters, or {@link #literal} for the
 * few places (DDL, JSON paths) where a database does not accept parameters.
 */
public interface Dialect {
    /** A short name for messages: {@code postgresql}. */
    String name();

    /** True when this dialect serves the given JDBC URL. */
    boolean handles(String jdbcUrl);

    /** Quotes a validated identifier; throws {@link IllegalArgumentException} for an unsafe one. */
    String quote(String identifier);

    /** {@code "schema"."table"}. */
    default String qualified(String schema, String table) {
        return quote(schema) + "." + quote(table);
    }

    /** A string literal, for the places where bind parameters are not allowed (DDL, JSON path operators). */
    String literal(String value);

    /** Type names: JSON documents, timestamps with zone, 16-byte hash keys, byte arrays, long text. */
    String jsonType();

    String timestampType();

    String hashKeyType();

    String bytesType();

    String textType();

    /**
     * Text compared byte by byte, for key columns: equality is the same as {@link #textType()}'s,
     * but an index on it needs no locale-aware comparisons (cheaper to maintain on every insert).
     */
    default String keyTextType() {
        return textType();
    }

    /** {@code CREATE SCHEMA IF NOT EXISTS ...}. */
    String createSchemaIfNotExists(String schema);

    /**
     * Creates {@code schema} unless it exists, safely when several transactions try at once (two
     * concurrent {@code CREATE SCHEMA IF NOT EXISTS} can both decide to create it). Call it inside
     * a transaction: the lock it takes is released at commit.
     */
    default void ensureSchema(Connection connection, String schema) throws SQLException {
        lockForTransaction(connection, LockKeys.schema(schema));
        try (java.sql.Statement s = connection.createStatement()) {
            s.execute(createSchemaIfNotExists(schema));
        }
    }

    /** SQL extracting the value at {@code path} of a JSON column as text (NULL when absent). */
    String jsonText(String jsonExpr, JsonPath path);

    /** SQL extracting the JSON value at {@code path} (an object or array), for iterating arrays. */
    String jsonValue(String jsonExpr, JsonPath path);

    /** The Flyway location of Strata's metadata migrations for this database. */
    String migrationsLocation();

    /**
     * Bulk-loads CSV (RFC 4180, header-less, UTF-8) into {@code table(columns)} on the given
     * connection, inside its current transaction. Returns the number of rows loaded.
     */
    long copyCsv(Connection connection, String qualifiedTable, List<String> columns, InputStream csv)
            throws SQLException;

    /**
     * Takes a lock on {@code key} held until the current transaction ends, waiting for it. Used to
     * keep each vault target and each STG table's sequence single-writer across processes.
     */
    void lockForTransaction(Connection connection, long key) throws SQLException;

    /** Like {@link #lockForTransaction} but does not wait; returns false when another session holds it. */
    boolean tryLockForTransaction(Connection connection, long key) throws SQLException;

    /** Takes a session-level lock (held until {@link #unlockSession}); used around metadata migrations. */
    void lockSession(Connection connection, long key) throws SQLException;

    void unlockSession(Connection connection, long key) throws SQLException;

    /** True when the SQL state means the connection or server is gone and a retry may succeed. */
    boolean isTransient(SQLException e);

    // --- marts and the scheduler ---

    /** A timestamp literal for a UTC instant, as a wall-clock time without zone: {@code TIMESTAMP '2022-10-01 00:00:00'}. */
    default String timestampLiteral(java.time.Instant instant) {
        java.time.LocalDateTime t = java.time.LocalDateTime.ofInstant(instant, java.time.ZoneOffset.UTC);
        return "TIMESTAMP " + literal(t.format(java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss")));
    }

    /**
     * Prepares a task's transaction: session time zone UTC (so interval bounds mean the same for
     * {@code date}, {@code timestamp} and {@code timestamptz} columns) and, when given, a timeout
     * after which the running statement is cancelled. Both last until the transaction ends.
     */
    void beginTask(Connection connection, java.util.Optional<java.time.Duration> timeout) throws SQLException;

    /**
     * The statement that shows how {@code statement} would run without running it ({@code EXPLAIN}):
     * the warehouse parses and analyzes it, so unknown tables and columns are reported.
     */
    default String explain(String statement) {
        return "EXPLAIN " + statement;
    }

    /**
     * Where in the statement the warehouse placed an error: the 1-based character position it
     * reports ({@code Position: 479}), or empty when it gives none.
     */
    default java.util.OptionalInt errorPosition(SQLException e) {
        return java.util.OptionalInt.empty();
    }

    /** True when the statement was cancelled by the timeout set in {@link #beginTask}. */
    boolean isTimeout(SQLException e);

    /** Creates a temporary table from a query, dropped when the transaction ends. */
    String createTempTableAs(String table, String select);

    /**
     * Creates a temporary view of a query, for the rest of the session: drop it before the
     * transaction commits (a rollback removes it anyway). Creating it runs nothing.
     */
    String createTempView(String view, String select);

    /**
     * An {@code INSERT INTO target (columns) SELECT columns FROM source} that returns one row with
     * two numbers: the rows inserted, and how many of them have {@code timeColumn} NULL or outside
     * {@code [?, ?)} — the statement's two bind parameters, an interval's start and end. Lets an
     * incremental mart check its rows in the pass that writes them. Names come quoted.
     */
    String insertCountingOutside(String qualifiedTarget, List<String> quotedColumns, String source, String quotedTimeColumn);

    /** {@code CREATE TABLE qualified AS select}. */
    default String createTableAs(String qualifiedTable, String select) {
        return "CREATE TABLE " + qualifiedTable + " AS " + select;
    }

    /** Renames a table within its schema. */
    default String renameTable(String schema, String from, String to) {
        return "ALTER TABLE " + qualified(schema, from) + " RENAME TO " + quote(to);
    }

    // ---- Data Vault: types, canonical text and the primitives of the hashing standard ----

    /**
     * The SQL type of a portable column type, spelled the way {@link #columnTypes} reports it, so
     * that declared and existing columns can be compared as strings.
     */
    String sqlType(ColumnType type);

    /** {@code CAST(expr AS type)}. */
    default String cast(String expr, ColumnType type) {
        return "CAST(" + expr + " AS " + sqlType(type) + ")";
    }

    /**
     * The canonical text of a typed value, as the vault hashing standard defines it: independent of
     * session settings (time zone, date style). NULL stays NULL.
     */
    String canonicalText(String expr, ColumnType type);

    /** SQL that is true when {@code textExpr} can be cast to {@code type} (used to name a bad row after a failed load). */
    String isValidInput(String textExpr, ColumnType type);

    /** Statements that make casts deterministic for the rest of the transaction (UTC, ISO dates). */
    List<String> deterministicTransactionSettings();

    /**
     * A statement giving each sort and hash of the current transaction up to {@code bytes} of
     * memory before it spills to disk, or null where the database has no such setting.
     */
    String sortMemoryForTransaction(long bytes);

    /** Removes leading and trailing ASCII whitespace (space, \t, \n, \r, \f, \v). */
    String trimWhitespace(String expr);

    /** Upper-cases ASCII letters only, whatever the database's locale. */
    String asciiUpper(String expr);

    /** Concatenation of text expressions (NULL if any is NULL). */
    String concat(List<String> exprs);

    /** MD5 over the UTF-8 bytes of a text expression, as a hash key ({@link #hashKeyType()}); NULL stays NULL. */
    String md5HashKey(String textExpr);

    /** A hash key constant. */
    String hashKeyLiteral(UUID key);

    /** The text of a JSON scalar (a string without its quotes), or the JSON text of an object or array. */
    String jsonScalarText(String jsonExpr);

    /**
     * A join clause, to follow a FROM item, that yields one row per element of the JSON array
     * {@code jsonArrayExpr} as {@code alias.item} (JSON) and {@code alias.ord} (1-based position).
     * A missing value, JSON null or a non-array yields no rows rather than an error.
     */
    String jsonArrayItemsJoin(String jsonArrayExpr, String alias);

    /**
     * A clause ending a subquery that keeps the planner from merging it into the query around it,
     * so that the subquery's expressions are computed once per row, below any sort above it (an
     * empty string where the database never merges subqueries).
     */
    String subqueryFence();

    /**
     * {@code SELECT alias.* FROM (from) alias}, keeping of each group of rows equal on
     * {@code groupBy} only the first by {@code orderBy}; the result comes sorted by {@code groupBy}.
     * This default ranks the rows with {@code row_number()} and filters on the rank (the rank
     * column {@code _rn} is part of the result).
     */
    default String firstPerGroup(String from, String alias, List<String> groupBy, List<String> orderBy) {
        return "SELECT " + alias + ".* FROM (\n"
                + "    SELECT " + alias + ".*, row_number() OVER (PARTITION BY " + String.join(", ", groupBy)
                + " ORDER BY " + String.join(", ", orderBy) + ") AS _rn\n"
                + "    FROM (\n" + from + "    ) " + alias + "\n"
                + "  ) " + alias + " WHERE " + alias + "._rn = 1";
    }

    /**
     * The columns of {@code schema.table} in order, name → type spelled as {@link #sqlType} spells
     * it; empty when the table does not exist.
     */
    Map<String, String> columnTypes(Connection connection, String schema, String table) throws SQLException;

    /**
     * DDL creating, unless it exists, a session-local scratch table whose rows disappear at each
     * commit (landing stages each batch in one). {@code columnDefinitions} is {@code "a" text, ...}.
     */
    String createTempTable(String name, String columnDefinitions);

    /**
     * {@code INSERT INTO target (columns) <rows>} that silently skips every row whose values in
     * {@code conflictColumns} (a unique key of {@code target}) already exist, in the table or
     * earlier in the same statement. {@code rows} is a {@code SELECT ...} or {@code VALUES (...)}.
     */
    String insertSkippingConflicts(String qualifiedTarget, List<String> columns, String rows,
                                   List<String> conflictColumns);

    /**
     * Like {@link #insertSkippingConflicts} but a conflicting row overwrites {@code updateColumns}
     * of the existing one when {@code condition} (SQL over the existing row, referenced by the
     * target's table name, may be null) holds.
     */
    String upsert(String qualifiedTarget, List<String> columns, String rows, List<String> conflictColumns,
                  List<String> updateColumns, String condition);

    /** An expression drawing the next value of a sequence. */
    String nextValue(String qualifiedSequence);

    /**
     * Draws {@code count} consecutive values of a sequence in one call and returns the first. The
     * caller must be the sequence's only user meanwhile (landing holds the STG table's lock).
     */
    long reserveSequenceBlock(Connection connection, String qualifiedSequence, int count) throws SQLException;

    /** True when the error is a unique-key violation. */
    boolean isUniqueViolation(SQLException e);

    /** An expression converting JSON text to the {@link #jsonType()} (fails on invalid JSON). */
    String toJson(String textExpression);

    /**
     * True when the JSON type can store the escaped NUL character (U+0000); PostgreSQL's
     * {@code jsonb} cannot, so such records are dead-lettered before they reach it.
     */
    boolean jsonAcceptsNulCharacter();

    /**
     * True when the error is caused by the values of some row (a bad value, a violated
     * constraint), so that landing the other rows without it can succeed.
     */
    boolean isDataError(SQLException e);

    /**
     * The views that read {@code schema.table}, directly or through other views, ordered so that
     * each comes after the views it reads (create in this order, drop in reverse). Used to keep
     * such views working when a table mart is swapped for its rebuilt copy.
     */
    java.util.List<DependentView> dependentViews(Connection connection, String schema, String table) throws SQLException;
}
