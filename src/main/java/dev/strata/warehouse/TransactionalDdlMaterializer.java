package dev.strata.warehouse;

import dev.strata.ErrorCode;
import dev.strata.StrataException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The {@link Materializer} of a warehouse with transactional DDL, shared by such adapters: every
 * step runs on the task's connection inside its transaction, and the commit that records the
 * run's success publishes the result (see the contract at {@link Materializer}). Standard SQL
 * throughout; an adapter overrides the hooks ({@link #stage}, {@link #insertCounting},
 * {@link #tempTableAs}) where its database has something cheaper.
 */
public class TransactionalDdlMaterializer implements Materializer {
    /** The scratch relation an incremental write reads its select through. */
    protected static final String BUILD_TABLE = "strata_build";
    protected final SqlDialect sql;
    protected final Locks locks;
    protected final Catalog catalog;

    public TransactionalDdlMaterializer(SqlDialect sql, Locks locks, Catalog catalog) {
        this.sql = sql;
        this.locks = locks;
        this.catalog = catalog;
    }

    @Override
    public long replaceView(BuildContext context, String schema, String name, String select) throws SQLException {
        Connection c = context.connection();
        ensureSchema(c, schema);
        locks.lockForTransaction(c, LockKeys.mart(schema, name));
        keepingDependentViews(c, schema, name, () -> {
            Optional<Catalog.RelationKind> kind = catalog.relationKind(c, schema, name);
            if (kind.isPresent()) {
                exec(c, (kind.get() == Catalog.RelationKind.VIEW ? "DROP VIEW " : "DROP TABLE ") + sql.qualified(schema, name));
            }
            exec(c, "CREATE VIEW " + sql.qualified(schema, name) + " AS " + select);
        });
        return 0;
    }

    @Override
    public long replaceTable(BuildContext context, String schema, String name, String select, Verification verification)
            throws SQLException {
        Connection c = context.connection();
        ensureSchema(c, schema);
        locks.lockForTransaction(c, LockKeys.mart(schema, name));
        String fresh = newName(name);
        String old = oldName(name);
        exec(c, "DROP TABLE IF EXISTS " + sql.qualified(schema, fresh));
        long rows = exec(c, sql.createTableAs(sql.qualified(schema, fresh), select));
        verification.verify(c, sql.qualified(schema, fresh));
        Optional<Catalog.RelationKind> kind = catalog.relationKind(c, schema, name);
        // Views reading the mart would follow the old table through the rename and keep it from
        // being dropped: they are re-created on the new table.
        keepingDependentViews(c, schema, name, () -> {
            if (kind.filter(k -> k == Catalog.RelationKind.VIEW).isPresent()) {
                exec(c, "DROP VIEW " + sql.qualified(schema, name));
            } else if (kind.isPresent()) {
                exec(c, "DROP TABLE IF EXISTS " + sql.qualified(schema, old));
                exec(c, renameTable(schema, name, old));
            }
            exec(c, renameTable(schema, fresh, name));
        });
        if (kind.filter(k -> k == Catalog.RelationKind.TABLE).isPresent()) {
            try {
                exec(c, "DROP TABLE " + sql.qualified(schema, old));
            } catch (SQLException e) {
                throw new StrataException(ErrorCode.TASK_FAILED, "cannot replace table " + schema + "." + name + ": "
                        + e.getMessage() + "\n  (an object other than a view depends on it, such as a materialized view "
                        + "or a foreign key; make it read a mart materialized as incremental, or drop it)", e);
            }
        }
        return rows;
    }

    @Override
    public IntervalWrite writeInterval(BuildContext context, String schema, String name, String select, String timeColumn,
                                       Instant start, Instant end, boolean readsItself, ColumnsCheck columnsCheck)
            throws SQLException {
        Connection c = context.connection();
        if (catalog.relationKind(c, schema, name).isEmpty()) {
            ensureSchema(c, schema);
            // Two first runs at once would both try to create the table; the second waits here and finds it.
            locks.lockForTransaction(c, LockKeys.mart(schema, name));
            if (catalog.relationKind(c, schema, name).isEmpty()) {
                return createIncremental(c, schema, name, select, timeColumn, start, end, columnsCheck);
            }
        }
        String table = sql.qualified(schema, name);
        String tc = sql.quote(timeColumn);
        if (readsItself) {
            // the select must see the interval's rows as they were: run it before the delete
            String build = sql.quote(BUILD_TABLE);
            long rows = exec(c, tempTableAs(BUILD_TABLE, select));
            List<String> columns = columns(c, build);
            columnsCheck.check(columns);
            long outside = count(c, "SELECT count(*) FROM " + build + " WHERE " + outside(tc), start, end);
            deleteInterval(c, table, tc, start, end);
            String cols = columns.stream().map(sql::quote).collect(Collectors.joining(", "));
            exec(c, "INSERT INTO " + table + " (" + cols + ") SELECT " + cols + " FROM " + build);
            exec(c, "DROP TABLE " + build);
            return new IntervalWrite(rows, outside);
        }
        String source = stage(c, select);
        List<String> columns = columns(c, source);
        columnsCheck.check(columns);
        deleteInterval(c, table, tc, start, end);
        IntervalWrite written = insertCounting(c, table, columns.stream().map(sql::quote).toList(), source, tc, start, end);
        unstage(c, source);
        return written;
    }

    /** First run: the table is the select's result; then the index every later run deletes and reads by. */
    private IntervalWrite createIncremental(Connection c, String schema, String name, String select, String timeColumn,
                                            Instant start, Instant end, ColumnsCheck columnsCheck) throws SQLException {
        String table = sql.qualified(schema, name);
        long rows = exec(c, sql.createTableAs(table, select));
        columnsCheck.check(columns(c, table));
        String tc = sql.quote(timeColumn);
        long outside = count(c, "SELECT count(*) FROM " + table + " WHERE " + outside(tc), start, end);
        // every run deletes and reads by interval: without this index each run scans the whole mart
        exec(c, "CREATE INDEX " + sql.quote(truncate(name) + "__strata_time") + " ON " + table + " (" + tc + ")");
        return new IntervalWrite(rows, outside);
    }

    /**
     * Makes {@code select} readable as a relation for the in-place write, and returns that
     * relation's SQL (a name, or a derived table). This default reads it as a derived table.
     */
    protected String stage(Connection c, String select) throws SQLException {
        return "(" + select + ") " + sql.quote(BUILD_TABLE);
    }

    /** Undoes {@link #stage} (this default has nothing to undo). */
    protected void unstage(Connection c, String source) throws SQLException {
    }

    /**
     * Inserts {@code source}'s rows into {@code table} and counts those outside {@code [start, end)}.
     * This default inserts, then counts in a second pass over the source.
     */
    protected IntervalWrite insertCounting(Connection c, String table, List<String> quotedColumns, String source,
                                           String quotedTimeColumn, Instant start, Instant end) throws SQLException {
        String cols = String.join(", ", quotedColumns);
        long rows = exec(c, "INSERT INTO " + table + " (" + cols + ") SELECT " + cols + " FROM " + source);
        long outside = count(c, "SELECT count(*) FROM " + source + " WHERE " + outside(quotedTimeColumn), start, end);
        return new IntervalWrite(rows, outside);
    }

    /** A temporary table holding {@code select}'s rows for the rest of the transaction (the caller drops it). */
    protected String tempTableAs(String table, String select) {
        return "CREATE TEMPORARY TABLE " + sql.quote(table) + " AS " + select;
    }

    /** Renames a table within its schema. */
    protected String renameTable(String schema, String from, String to) {
        return "ALTER TABLE " + sql.qualified(schema, from) + " RENAME TO " + sql.quote(to);
    }

    /** The condition a row breaks by lying outside the interval; parameters: start, end. */
    protected static String outside(String quotedTimeColumn) {
        return quotedTimeColumn + " IS NULL OR NOT (" + quotedTimeColumn + " >= ? AND " + quotedTimeColumn + " < ?)";
    }

    private void ensureSchema(Connection c, String schema) throws SQLException {
        if (!catalog.schemaExists(c, schema)) {
            catalog.ensureSchema(c, schema);
        }
    }

    /** A replacement of a relation, run by {@link #keepingDependentViews}. */
    @FunctionalInterface
    private interface Replacement {
        void run() throws SQLException;
    }

    /**
     * Runs {@code replace} on {@code schema.name} while keeping the views that read it working:
     * they are dropped first (readers-of-readers before readers) and created again afterwards from
     * their saved definitions, all in the caller's transaction, so nobody ever sees them missing.
     */
    private void keepingDependentViews(Connection c, String schema, String name, Replacement replace) throws SQLException {
        List<DependentView> views = catalog.relationKind(c, schema, name).isPresent()
                ? catalog.dependentViews(c, schema, name) : List.of();
        for (int i = views.size() - 1; i >= 0; i--) {
            exec(c, "DROP VIEW " + sql.qualified(views.get(i).schema(), views.get(i).name()));
        }
        replace.run();
        for (DependentView v : views) {
            exec(c, "CREATE VIEW " + sql.qualified(v.schema(), v.name()) + " AS " + v.definition());
        }
    }

    protected List<String> columns(Connection c, String relation) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT * FROM " + relation + " WHERE 1 = 0")) {
            ResultSetMetaData md = rs.getMetaData();
            for (int i = 1; i <= md.getColumnCount(); i++) {
                out.add(md.getColumnName(i));
            }
        }
        return out;
    }

    private static void deleteInterval(Connection c, String table, String tc, Instant start, Instant end) throws SQLException {
        try (PreparedStatement del = c.prepareStatement("DELETE FROM " + table + " WHERE " + tc + " >= ? AND " + tc + " < ?")) {
            bindInterval(del, start, end, 1);
            del.executeUpdate();
        }
    }

    protected static long count(Connection c, String sqlText, Instant start, Instant end) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sqlText)) {
            bindInterval(ps, start, end, 1);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    protected static void bindInterval(PreparedStatement ps, Instant start, Instant end, int first) throws SQLException {
        ps.setObject(first, OffsetDateTime.ofInstant(start, ZoneOffset.UTC));
        ps.setObject(first + 1, OffsetDateTime.ofInstant(end, ZoneOffset.UTC));
    }

    protected static long exec(Connection c, String sqlText) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(sqlText);
            return Math.max(0, s.getUpdateCount());
        }
    }

    /** The name a table mart is built under before it is swapped in. */
    public static String newName(String name) {
        return truncate(name) + "__strata_new";
    }

    /** The name the replaced table has between the swap and its drop. */
    public static String oldName(String name) {
        return truncate(name) + "__strata_old";
    }

    private static String truncate(String name) {
        return name.length() > 50 ? name.substring(0, 50) : name;
    }
}
