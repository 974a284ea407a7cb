package dev.strata.warehouse;

import dev.strata.config.ColumnType;
import dev.strata.config.JsonPath;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.UUID;

/**
 * Capability: how a warehouse spells SQL — quoting, literals, types, JSON extraction, casts, the
 * primitives of the vault's hashing standard, and the few query shapes that have no portable
 * spelling (first row per group, insert skipping conflicts, upsert, latest row per key, a
 * null-safe comparison). Code outside {@code dev.strata.warehouse} builds SQL only from what this
 * interface returns plus ANSI-standard SQL that every supported warehouse accepts
 * ({@code SELECT/INSERT/UPDATE/DELETE}, {@code JOIN}, {@code CASE}, {@code COALESCE}, {@code NULLIF},
 * window functions, {@code LIMIT}); the leak check ({@code VendorSqlLeakTest}) holds it to that.
 *
 * <p>Guarantees every implementation gives:
 * <ul>
 *   <li>identifiers reach SQL only through {@link #quote}, which rejects an unsafe name (so config can
 *       never inject SQL) and preserves case and reserved words;</li>
 *   <li>{@link #literal} is only for places where a bind parameter is not allowed (DDL, JSON paths);</li>
 *   <li>each method returns a fragment, never runs anything: safe to call without a connection
 *       ({@code strata plan}), thread-safe, and the same input gives the same text.</li>
 * </ul>
 * Shared standard-SQL spellings live in {@link StandardSql} (dbt's {@code default__}); an adapter
 * overrides only where its database differs.
 */
public interface SqlDialect {
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

    /** {@code CREATE SCHEMA IF NOT EXISTS ...} (a database, where the warehouse has no schemas). */
    String createSchemaIfNotExists(String schema);

    /** Drops {@code schema} (a database, where the warehouse has no schemas) with everything in it, if it exists. */
    String dropSchemaIfExists(String schema);

    /** SQL extracting the value at {@code path} of a JSON column as text (NULL when absent). */
    String jsonText(String jsonExpr, JsonPath path);

    /** SQL extracting the JSON value at {@code path} (an object or array), for iterating arrays. */
    String jsonValue(String jsonExpr, JsonPath path);

    /** A timestamp literal for a UTC instant, as a wall-clock time without zone: {@code TIMESTAMP '2022-10-01 00:00:00'}. */
    default String timestampLiteral(java.time.Instant instant) {
        java.time.LocalDateTime t = java.time.LocalDateTime.ofInstant(instant, java.time.ZoneOffset.UTC);
        return "TIMESTAMP " + literal(t.format(java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss")));
    }

    /** The UTC calendar date of a timestamp-with-zone expression, as a {@code date}. */
    String utcDate(String timestampExpr);

    /** A {@code date} of a timestamp (without zone) or date expression. */
    default String toDate(String expr) {
        return "CAST(" + expr + " AS DATE)";
    }

    /**
     * The statement that shows how {@code statement} would run without running it ({@code EXPLAIN}):
     * the warehouse parses and analyzes it, so unknown tables and columns are reported. Used to
     * check a mart's SQL before it runs.
     */
    default String explain(String statement) {
        return "EXPLAIN " + statement;
    }

    /**
     * A statement that makes the warehouse analyze {@code select} without running it and keeps its
     * columns readable as {@link #tempTableName}{@code (view)} until the transaction ends (a temporary
     * view, which a rollback removes; where there are no temporary views, an empty temporary table
     * of the select's columns, which the session drops): the SQL check builds a chain of marts that
     * are not built yet this way. Running it again with the same name replaces the object.
     */
    default String createCheckView(String view, String select) {
        return "CREATE TEMPORARY VIEW " + quote(view) + " AS " + select;
    }

    /**
     * An index on a column whose values arrive in runs that follow the order rows are loaded in —
     * a {@code jdbc} snapshot's {@code _snapshot_date}: every row a run loads has the run's date —
     * for the deletes and reads by that column. Idempotent. The standard's is a plain index;
     * PostgreSQL's is a BRIN index, which costs next to nothing per loaded row where a B-tree
     * costs about a third of a bulk load ({@code strata bench jdbc}, docs/performance.md).
     */
    default String createLoadOrderIndex(String indexName, String schema, String table, String column) {
        return "CREATE INDEX IF NOT EXISTS " + quote(indexName) + " ON " + qualified(schema, table) + " (" + quote(column) + ")";
    }

    /**
     * {@code ALTER TABLE} adding a nullable column (a {@code jdbc} source whose table gained one):
     * existing rows read NULL in it.
     */
    default String addColumn(String qualifiedTable, String column, String sqlType) {
        return "ALTER TABLE " + qualifiedTable + " ADD COLUMN " + quote(column) + " " + sqlType;
    }

    /**
     * {@code ALTER TABLE} changing a column to a type that holds every value it holds now (a longer
     * {@code varchar}, a larger integer or decimal): the values stay as they are. The standard's
     * {@code ALTER COLUMN … SET DATA TYPE}; MySQL and MariaDB spell it {@code MODIFY COLUMN}.
     */
    default String alterColumnType(String qualifiedTable, String column, String sqlType) {
        return "ALTER TABLE " + qualifiedTable + " ALTER COLUMN " + quote(column) + " SET DATA TYPE " + sqlType;
    }

    /** {@code CREATE TABLE qualified AS select}. */
    default String createTableAs(String qualifiedTable, String select) {
        return "CREATE TABLE " + qualifiedTable + " AS " + select;
    }

    /**
     * The statement that calls a stored procedure, {@code call} being its name and arguments as a
     * user wrote them ({@code insert_procedure_info()}): standard SQL's {@code CALL}.
     */
    default String callStatement(String call) {
        return "CALL " + call;
    }

    // ---- Data Vault: types, canonical text and the primitives of the hashing standard ----

    /**
     * The SQL type of a portable column type, spelled the way {@link Catalog#columnTypes} reports
     * it, so that declared and existing columns can be compared as strings.
     */
    String sqlType(ColumnType type);

    /**
     * The SQL type of a portable column type when the column is part of a table's primary key (a
     * multi-active satellite's child key): {@link #sqlType} where the warehouse can index any value
     * of it, else the bounded type it can index (spelled as {@link Catalog#columnTypes} reports
     * it). A value that does not fit fails its statement as a data error, as a failed cast does,
     * so the vault load sets its row aside instead of cutting it.
     */
    default String keySqlType(ColumnType type) {
        return sqlType(type);
    }

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

    /** Removes leading and trailing ASCII whitespace (space, \t, \n, \r, \f, \v). */
    String trimWhitespace(String expr);

    /** Upper-cases ASCII letters only, whatever the database's locale. */
    String asciiUpper(String expr);

    /** Concatenation of text expressions (NULL if any is NULL). */
    String concat(List<String> exprs);

    /** MD5 over the UTF-8 bytes of a text expression, as a hash key ({@link #hashKeyType()}); NULL stays NULL. */
    String md5HashKey(String textExpr);

    /**
     * MD5 over the UTF-8 bytes of a text expression as text: its 32 hexadecimal digits, lower
     * case, in the digest's order (the text form of {@link #md5HashKey}'s 16 bytes); NULL stays NULL.
     */
    String md5Hex(String textExpr);

    /**
     * An aggregate concatenating the text {@code textExpr} of a group's rows, without a separator,
     * in {@link #codePointOrder code point order} of the values: the same text whatever the order
     * the rows come in. For text of bounded length (a multi-active satellite's set of row hashes).
     */
    String orderedConcat(String textExpr);

    /** A hash key constant. */
    String hashKeyLiteral(UUID key);

    /**
     * Reads a hash key column: the same 16 bytes as {@link dev.strata.vault.HashStandard}'s digest,
     * whatever the column's storage ({@code uuid}, {@code BINARY(16)}, ...). Null for SQL NULL.
     */
    UUID readHashKey(ResultSet rs, int column) throws SQLException;

    /** Binds a hash key parameter, stored as {@link #hashKeyType()} with the key's 16 bytes in order. */
    void bindHashKey(PreparedStatement ps, int index, UUID key) throws SQLException;

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
     * {@code groupBy} only the first by {@code orderBy}. The result may carry extra columns
     * (a rank) and comes in no particular order.
     */
    String firstPerGroup(String from, String alias, List<String> groupBy, List<String> orderBy);

    /**
     * A join clause, to follow a FROM item, giving per row of the outer query the row of
     * {@code table} with the greatest {@code orderColumn} among those whose {@code keyColumn}
     * equals {@code outerKey} — its {@code columns} as {@code alias.<column>} — or NULLs when there
     * is none. {@code guard} (SQL, may be null) is a condition that, when false, makes the lookup
     * yield NULLs without probing (used to skip probes into an empty table). Names come quoted.
     */
    String latestRowJoin(String table, String keyColumn, String orderColumn, List<String> columns,
                         String outerKey, String alias, String guard);

    /**
     * An expression to {@code ORDER BY} that sorts the text {@code textExpr} by Unicode code point,
     * whatever the database's or column's collation: for tie-breaks that must give the same row on
     * every warehouse and in the Java reference ({@code String.compareTo} over BMP text). Never used
     * for output, only for ordering.
     */
    String codePointOrder(String textExpr);

    /** True when {@code a} and {@code b} are equal or both NULL. */
    String nullSafeEquals(String a, String b);

    /**
     * DDL run at the start of each transaction that stages rows in a session-local scratch table
     * (landing stages each batch in one): afterwards {@link #tempTableName}{@code (name)} exists, no
     * other session sees it, and it holds no rows of an earlier transaction. It never commits the
     * caller's transaction. {@code columnDefinitions} is {@code "a" text, ...}.
     */
    String createTempTable(String name, String columnDefinitions);

    /**
     * How SQL names the session-local table (or view) {@code name} made by {@link #createTempTable}
     * or {@link #createCheckView}: {@code quote(name)} where temporary objects have a namespace of
     * their own; qualified where the warehouse needs a database for every name.
     */
    default String tempTableName(String name) {
        return quote(name);
    }

    /**
     * One bind parameter (exactly one {@code ?}) holding a timestamp with zone, bound as an
     * {@code OffsetDateTime}, typed so that it can stand anywhere: in a select list, a comparison.
     * Not {@link #cast} of {@code "?"}: a warehouse whose text-to-timestamp cast parses zones
     * repeats its operand (and its patterns may hold {@code ?} characters).
     */
    default String timestampParameter() {
        return "CAST(? AS " + timestampType() + ")";
    }

    /** The current time as a value of {@link #timestampType()}, at the warehouse's finest precision. */
    default String currentTimestamp() {
        return "CURRENT_TIMESTAMP";
    }

    /**
     * {@code INSERT INTO target (columns) <rows>} that silently skips every row whose values in
     * {@code conflictColumns} (a unique key of {@code target}) already exist, in the table or
     * earlier in the same statement. {@code rows} is a {@code SELECT ...} or {@code VALUES (...)}.
     * Its update count is the number of rows inserted.
     */
    String insertSkippingConflicts(String qualifiedTarget, List<String> columns, String rows,
                                   List<String> conflictColumns);

    /**
     * Like {@link #insertSkippingConflicts} but a conflicting row overwrites {@code updateColumns}
     * of the existing one with the new row's values.
     */
    String upsert(String qualifiedTarget, List<String> columns, String rows, List<String> conflictColumns,
                  List<String> updateColumns);

    /**
     * A script that computes {@code select} once and writes its rows into two tables: into
     * {@code first} the rows for which {@code firstWhere} holds, and into {@code second} (upserting
     * on its key {@code secondConflict}, overwriting {@code secondUpdate}) the rows for which
     * {@code secondWhere} holds. The bind parameters are those of {@code select}; the script's
     * result is the number of rows written into {@code first}. Both writes are in the caller's
     * transaction. {@code columns} are unquoted names; {@code values} are expressions over the
     * select's alias {@code o}, one per column; {@code conflictColumns}/{@code updateColumns} are only
     * read for {@code second}. The same as {@link #writeFromSelect} with the two writes, counting the first.
     */
    default SqlScript insertIntoTwo(String select, InsertSpec first, InsertSpec second) {
        return writeFromSelect(select, List.of(first, second), java.util.Set.of(0));
    }

    /**
     * A script that computes {@code select} once and applies each of {@code writes} to the rows it
     * selects (as alias {@code o}): inserts, upserts and updates of several tables from one pass over
     * the input. Guarantees: the select runs once, with the script's bind parameters; every write
     * sees the tables as they were before the script (callers make sure no write changes a row
     * another write reads or matches, and that at most one selected row matches each updated row);
     * all of it happens in the caller's transaction; the script's count is the sum of the rows
     * written by the writes whose index is in {@code counted}.
     */
    SqlScript writeFromSelect(String select, List<Write> writes, java.util.Set<Integer> counted);

    /** One write of {@link #writeFromSelect}. */
    sealed interface Write permits InsertSpec, UpdateSpec {
    }

    /**
     * Insert into {@code qualifiedTable} the {@code values} (expressions over {@code o}, one per
     * unquoted column of {@code columns}) of the selected rows for which {@code where} holds. With
     * {@code conflictColumns} (a unique key) it is an upsert overwriting {@code updateColumns}.
     */
    record InsertSpec(String qualifiedTable, List<String> columns, List<String> values, String where,
                      List<String> conflictColumns, List<String> updateColumns) implements Write {
    }

    /**
     * Update the rows of {@code qualifiedTable} whose {@code keyColumns} equal {@code keyValues}
     * (over {@code o}) of a selected row for which {@code where} holds, setting {@code setColumns}
     * to {@code setValues} (over {@code o}). Columns are unquoted names.
     */
    record UpdateSpec(String qualifiedTable, List<String> keyColumns, List<String> keyValues, List<String> setColumns,
                      List<String> setValues, String where) implements Write {
    }

    /** An expression converting JSON text to the {@link #jsonType()} (fails on invalid JSON). */
    String toJson(String textExpression);

    /**
     * True when the JSON type can store the escaped NUL character (U+0000); PostgreSQL's
     * {@code jsonb} cannot, so such records are dead-lettered before they reach it.
     */
    boolean jsonAcceptsNulCharacter();
}
