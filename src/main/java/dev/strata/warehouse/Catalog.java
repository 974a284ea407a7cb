package dev.strata.warehouse;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Capability: reading the warehouse's catalog. Names are Strata's {@code schema} and {@code name}
 * as in config; an adapter maps them to what its database calls them (MySQL/MariaDB have databases
 * instead of schemas and report them as {@code TABLE_CAT}, not {@code TABLE_SCHEM}). All reads see
 * the caller's transaction, including its own uncommitted DDL where the database has transactional DDL.
 */
public interface Catalog {
    /** What a relation is. */
    enum RelationKind { TABLE, VIEW }

    /**
     * Fails with a clear {@link dev.strata.StrataException} of kind {@code CONFIG}, naming the
     * server's version and the oldest supported one, when the server is too old for Strata (checked
     * once when a {@link Warehouse} first connects).
     */
    void requireSupportedServer(Connection connection) throws SQLException;

    /** Whether schema {@code schema} exists. */
    boolean schemaExists(Connection connection, String schema) throws SQLException;

    /**
     * Creates {@code schema} unless it exists, safely when several transactions try at once (two
     * concurrent {@code CREATE SCHEMA IF NOT EXISTS} can both decide to create it). On a warehouse
     * without transactional DDL this commits the caller's transaction: call it first, before the
     * transaction has done anything else.
     */
    void ensureSchema(Connection connection, String schema) throws SQLException;

    /** Whether {@code schema.name} is a table, a view, or absent. */
    Optional<RelationKind> relationKind(Connection connection, String schema, String name) throws SQLException;

    /**
     * The columns of {@code schema.table} in order, name → type spelled as {@link SqlDialect#sqlType}
     * spells it; empty when the table does not exist.
     */
    Map<String, String> columnTypes(Connection connection, String schema, String table) throws SQLException;

    /**
     * The views that read {@code schema.table}, directly or through other views, ordered so that
     * each comes after the views it reads (create in this order, drop in reverse). Used to keep
     * such views working when a table mart is swapped for its rebuilt copy.
     */
    List<DependentView> dependentViews(Connection connection, String schema, String table) throws SQLException;

    /**
     * Maintenance for benchmarks and tests that must not inherit one run's background work in the
     * next: refreshes the planner's statistics of {@code qualifiedTable} (on PostgreSQL also vacuums
     * it). Run with auto-commit on.
     */
    void refreshStatistics(Connection connection, String qualifiedTable) throws SQLException;

    /** Writes dirty buffers out now (a checkpoint), where the database has such a command; else nothing. */
    void flush(Connection connection) throws SQLException;

    /** The plan of {@code statement} with its measured run (for {@code bench --explain}), as text lines. */
    String explainAnalyze(String statement);

    /** The server's durability settings in one line, for benchmark reports (e.g. {@code fsync=on synchronous_commit=on}). */
    String describeDurability(Connection connection) throws SQLException;
}
