package dev.strata.marts;

import dev.strata.ErrorCode;
import dev.strata.StrataException;
import dev.strata.graph.Relation;
import dev.strata.warehouse.DependentView;
import dev.strata.warehouse.Dialect;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * Runs one mart for one interval on a connection, inside the caller's transaction; the caller
 * commits or rolls back. Nothing is ever visible half-built, because every materialization is
 * that one transaction:
 * <ul>
 *   <li><b>view</b>: drop and create the view.</li>
 *   <li><b>table</b>: {@code CREATE TABLE <name>__strata_new AS <select>}, check it, then rename the
 *       old table away, the new one in, and drop the old. Readers see the old rows until commit
 *       and the new ones after; builds of one table mart are serialized by a transaction lock.</li>
 *   <li><b>incremental</b>: {@code DELETE} the interval's rows, then {@code INSERT} the select's
 *       rows, counting in the same pass those whose {@code time_column} is NULL or outside the
 *       interval: any such row fails the run (re-running would not be idempotent). The select is
 *       read through a temporary view, which costs nothing to create and gives the column names;
 *       the rows are written once, straight into the mart. A select that reads the mart itself
 *       ({@code {{ this }}}) instead goes into a temporary table first, so that it sees the
 *       interval's old rows as it always did. The first run creates the table from the select and
 *       then indexes {@code time_column}. Intervals of one mart may build concurrently: they touch
 *       disjoint rows.</li>
 *   <li><b>script</b> (an SQL task): the rendered statements, in order.</li>
 * </ul>
 * Then the {@code unique_key} check runs; any offending row fails the run with
 * {@link ErrorCode#TASK_FAILED} and the caller's rollback leaves the mart as it was. The mart's
 * data tests (and {@code checks:}) run after {@link #build}, in the same transaction, from the
 * scheduler ({@code dev.strata.quality}).
 */
public final class MartBuilder {
    static final String BUILD_TABLE = "strata_build";
    static final String BUILD_VIEW = "strata_build_view";
    private static final int EXAMPLES = 5;
    private final Dialect dialect;

    public MartBuilder(Dialect dialect) {
        this.dialect = dialect;
    }

    /** Builds {@code mart} for {@code interval}; returns the rows written (0 for a view). */
    public long build(Connection c, Mart mart, TemplateInterval interval) throws SQLException {
        Mart.RenderedMart r = mart.render(dialect, interval);
        long rows = switch (mart.materialization()) {
            case VIEW -> view(c, mart.relation().orElseThrow(), r.sql());
            case TABLE -> table(c, mart, r.sql());
            case INCREMENTAL -> incremental(c, mart, r.sql(), interval);
            case SCRIPT -> script(c, r.sql());
        };
        return rows;
    }

    /** What {@link #build} would run for {@code interval}, as readable SQL (for {@code strata plan}). */
    public List<String> plan(Mart mart, TemplateInterval interval) {
        Mart.RenderedMart r = mart.render(dialect, interval);
        List<String> out = new ArrayList<>();
        Optional<Relation> rel = mart.relation();
        switch (mart.materialization()) {
            case VIEW -> out.add("CREATE VIEW " + rel.orElseThrow().qualified(dialect) + " AS\n" + r.sql());
            case TABLE -> {
                Relation t = rel.orElseThrow();
                out.add(dialect.createTableAs(dialect.qualified(t.schema(), newName(t.name())), "\n" + r.sql()));
                out.add("-- then swap: " + t + " -> " + oldName(t.name()) + ", " + newName(t.name()) + " -> " + t.name()
                        + ", drop " + oldName(t.name()) + " (one transaction)");
            }
            case INCREMENTAL -> {
                Relation t = rel.orElseThrow();
                String tc = dialect.quote(mart.timeColumn().orElseThrow());
                boolean readsItself = readsItself(t, r.sql());
                String source = readsItself ? BUILD_TABLE : BUILD_VIEW;
                out.add("-- the first run creates " + t + " from the select, then indexes " + mart.timeColumn().orElseThrow());
                out.add(readsItself ? dialect.createTempTableAs(BUILD_TABLE, "\n" + r.sql())
                        : dialect.createTempView(BUILD_VIEW, "\n" + r.sql()));
                out.add("DELETE FROM " + t.qualified(dialect) + " WHERE " + tc + " >= "
                        + dialect.timestampLiteral(interval.start()) + " AND " + tc + " < " + dialect.timestampLiteral(interval.end()));
                out.add("INSERT INTO " + t.qualified(dialect) + " SELECT * FROM " + dialect.quote(source)
                        + "\n-- fails when a row's " + mart.timeColumn().orElseThrow() + " is NULL or outside the interval");
            }
            case SCRIPT -> out.add(r.sql());
        }
        if (!mart.uniqueKey().isEmpty()) {
            out.add("-- check: (" + String.join(", ", mart.uniqueKey()) + ") is unique and not null");
        }
        return out;
    }

    private long view(Connection c, Relation view, String select) throws SQLException {
        ensureSchema(c, view.schema());
        lock(c, view);
        keepingDependentViews(c, view, () -> {
            dropExisting(c, view);
            exec(c, "CREATE VIEW " + view.qualified(dialect) + " AS " + select);
        });
        return 0;
    }

    /** A replacement of a relation, run by {@link #keepingDependentViews}. */
    @FunctionalInterface
    private interface Replacement {
        void run() throws SQLException;
    }

    /**
     * Runs {@code replace} on relation {@code r} while keeping the views that read it working:
     * they are dropped first (readers-of-readers before readers) and created again afterwards from
     * their saved definitions, all in the caller's transaction, so nobody ever sees them missing.
     * Without this, dropping or renaming {@code r} fails, or a renamed {@code r} keeps them.
     */
    private void keepingDependentViews(Connection c, Relation r, Replacement replace) throws SQLException {
        List<DependentView> views = relationKind(c, r).isPresent()
                ? dialect.dependentViews(c, r.schema(), r.name()) : List.of();
        for (int i = views.size() - 1; i >= 0; i--) {
            exec(c, "DROP VIEW " + dialect.qualified(views.get(i).schema(), views.get(i).name()));
        }
        replace.run();
        for (DependentView v : views) {
            exec(c, "CREATE VIEW " + dialect.qualified(v.schema(), v.name()) + " AS " + v.definition());
        }
    }

    private long table(Connection c, Mart mart, String select) throws SQLException {
        Relation target = mart.relation().orElseThrow();
        ensureSchema(c, target.schema());
        lock(c, target);
        String fresh = newName(target.name());
        String old = oldName(target.name());
        exec(c, "DROP TABLE IF EXISTS " + dialect.qualified(target.schema(), fresh));
        long rows = exec(c, dialect.createTableAs(dialect.qualified(target.schema(), fresh), select));
        checkUnique(c, mart, dialect.qualified(target.schema(), fresh), Optional.empty());
        Optional<String> kind = relationKind(c, target);
        // Views reading the mart would follow the old table through the rename and keep it from
        // being dropped: they are re-created on the new table.
        keepingDependentViews(c, target, () -> {
            if (kind.filter(k -> k.contains("VIEW")).isPresent()) {
                exec(c, "DROP VIEW " + target.qualified(dialect));
            } else if (kind.isPresent()) {
                exec(c, "DROP TABLE IF EXISTS " + dialect.qualified(target.schema(), old));
                exec(c, dialect.renameTable(target.schema(), target.name(), old));
            }
            exec(c, dialect.renameTable(target.schema(), fresh, target.name()));
        });
        if (kind.filter(k -> !k.contains("VIEW")).isPresent()) {
            try {
                exec(c, "DROP TABLE " + dialect.qualified(target.schema(), old));
            } catch (SQLException e) {
                throw new StrataException(ErrorCode.TASK_FAILED, "cannot replace table " + target + ": " + e.getMessage()
                        + "\n  (an object other than a view depends on it, such as a materialized view or a foreign key; "
                        + "make it read a mart materialized as incremental, or drop it)", e);
            }
        }
        return rows;
    }

    private long incremental(Connection c, Mart mart, String select, TemplateInterval interval) throws SQLException {
        Relation target = mart.relation().orElseThrow();
        if (relationKind(c, target).isEmpty()) {
            ensureSchema(c, target.schema());
            // Two first runs at once would both try to create the table; the second waits here and finds it.
            lock(c, target);
            if (relationKind(c, target).isEmpty()) {
                return createIncremental(c, mart, select, interval);
            }
        }
        return readsItself(target, select)
                ? replaceThroughTempTable(c, mart, select, interval)
                : replaceInPlace(c, mart, select, interval);
    }

    /** First run: the table is the select's result; then the index every later run deletes and reads by. */
    private long createIncremental(Connection c, Mart mart, String select, TemplateInterval interval) throws SQLException {
        Relation target = mart.relation().orElseThrow();
        String table = target.qualified(dialect);
        long rows = exec(c, dialect.createTableAs(table, select));
        String tc = dialect.quote(requireTimeColumn(mart, columns(c, table)));
        failOutside(mart, rows, count(c, "SELECT count(*) FROM " + table + " WHERE " + outside(tc), interval), interval);
        // every run deletes and reads by interval: without this index each run scans the whole mart
        exec(c, "CREATE INDEX " + dialect.quote(truncate(target.name()) + "__strata_time") + " ON " + table + " (" + tc + ")");
        checkUnique(c, mart, table, Optional.empty());
        return rows;
    }

    /** Later runs: delete the interval's rows and insert the select's, checked in the same pass. */
    private long replaceInPlace(Connection c, Mart mart, String select, TemplateInterval interval) throws SQLException {
        String table = mart.relation().orElseThrow().qualified(dialect);
        String view = dialect.quote(BUILD_VIEW);
        exec(c, dialect.createTempView(BUILD_VIEW, select));
        List<String> columns = columns(c, view);
        String tc = dialect.quote(requireTimeColumn(mart, columns));
        deleteInterval(c, table, tc, interval);
        List<String> quoted = columns.stream().map(dialect::quote).toList();
        long rows;
        long outside;
        try (PreparedStatement ins = c.prepareStatement(dialect.insertCountingOutside(table, quoted, view, tc))) {
            bindInterval(ins, interval, 1);
            try (ResultSet rs = ins.executeQuery()) {
                rs.next();
                rows = rs.getLong(1);
                outside = rs.getLong(2);
            }
        }
        failOutside(mart, rows, outside, interval);
        checkUnique(c, mart, table, Optional.of(new Written(
                "SELECT * FROM " + table + " WHERE " + tc + " >= ? AND " + tc + " < ?", interval)));
        exec(c, "DROP VIEW " + view);
        return rows;
    }

    /**
     * For a select that reads the mart itself: it must see the interval's rows as they were, so it
     * runs into a temporary table before the delete.
     */
    private long replaceThroughTempTable(Connection c, Mart mart, String select, TemplateInterval interval) throws SQLException {
        String table = mart.relation().orElseThrow().qualified(dialect);
        String build = dialect.quote(BUILD_TABLE);
        long rows = exec(c, dialect.createTempTableAs(BUILD_TABLE, select));
        List<String> columns = columns(c, build);
        String tc = dialect.quote(requireTimeColumn(mart, columns));
        failOutside(mart, rows, count(c, "SELECT count(*) FROM " + build + " WHERE " + outside(tc), interval), interval);
        deleteInterval(c, table, tc, interval);
        String cols = columns.stream().map(dialect::quote).collect(Collectors.joining(", "));
        exec(c, "INSERT INTO " + table + " (" + cols + ") SELECT " + cols + " FROM " + build);
        checkUnique(c, mart, table, Optional.of(new Written("SELECT * FROM " + build, null)));
        return rows;
    }

    /**
     * Whether the select reads the mart's own table ({@code {{ this }}}, or its name written out).
     * A false positive only costs the slower temporary-table path.
     */
    static boolean readsItself(Relation target, String select) {
        String part = "\"?%s\"?";
        java.util.regex.Pattern self = java.util.regex.Pattern.compile("(?<![A-Za-z0-9_$])"
                + String.format(part, java.util.regex.Pattern.quote(target.schema())) + "\\s*\\.\\s*"
                + String.format(part, java.util.regex.Pattern.quote(target.name())) + "(?![A-Za-z0-9_$])",
                java.util.regex.Pattern.CASE_INSENSITIVE);
        return self.matcher(select).find();
    }

    private static String requireTimeColumn(Mart mart, List<String> columns) {
        String timeColumn = mart.timeColumn().orElseThrow();
        if (!columns.contains(timeColumn)) {
            throw new StrataException(ErrorCode.TASK_FAILED, "mart " + mart.name() + ": time_column '" + timeColumn
                    + "' is not a column of its select (columns: " + String.join(", ", columns) + ")");
        }
        return timeColumn;
    }

    /** The condition a row breaks by lying outside the interval; parameters: start, end. */
    private static String outside(String quotedTimeColumn) {
        return quotedTimeColumn + " IS NULL OR NOT (" + quotedTimeColumn + " >= ? AND " + quotedTimeColumn + " < ?)";
    }

    private static void failOutside(Mart mart, long rows, long outside, TemplateInterval interval) {
        if (outside > 0) {
            throw new StrataException(ErrorCode.TASK_FAILED, "mart " + mart.name() + ": " + outside + " of " + rows
                    + " rows have " + mart.timeColumn().orElseThrow() + " outside the interval [" + interval.start() + ", "
                    + interval.end() + ") or NULL; an incremental mart must select only its interval's rows "
                    + "(filter with {{ interval_start }} and {{ interval_end }}), or re-running it would not be idempotent");
        }
    }

    private void deleteInterval(Connection c, String table, String tc, TemplateInterval interval) throws SQLException {
        try (PreparedStatement del = c.prepareStatement("DELETE FROM " + table + " WHERE " + tc + " >= ? AND " + tc + " < ?")) {
            bindInterval(del, interval, 1);
            del.executeUpdate();
        }
    }

    private long script(Connection c, String sql) throws SQLException {
        long rows = 0;
        try (Statement s = c.createStatement()) {
            boolean isResult = s.execute(sql);
            while (true) {
                if (!isResult) {
                    int n = s.getUpdateCount();
                    if (n == -1) {
                        break;
                    }
                    rows += n;
                }
                isResult = s.getMoreResults();
            }
        }
        return rows;
    }

    /** The rows a build just wrote: a query over them, with the interval to bind to its two parameters (or none). */
    private record Written(String select, TemplateInterval interval) {
    }

    /** Fails when a key column is NULL or a key occurs twice (for incremental: among the keys just written). */
    private void checkUnique(Connection c, Mart mart, String table, Optional<Written> written) throws SQLException {
        List<String> key = mart.uniqueKey();
        if (key.isEmpty()) {
            return;
        }
        String cols = key.stream().map(dialect::quote).collect(Collectors.joining(", "));
        String source = written.map(w -> "(" + w.select() + ") strata_written").orElse(table);
        TemplateInterval binds = written.map(Written::interval).orElse(null);
        String nullTest = key.stream().map(k -> dialect.quote(k) + " IS NULL").collect(Collectors.joining(" OR "));
        long nulls = count(c, "SELECT count(*) FROM " + source + " WHERE " + nullTest, binds);
        if (nulls > 0) {
            throw new StrataException(ErrorCode.TASK_FAILED, "mart " + mart.name() + ": unique_key (" + String.join(", ", key)
                    + ") is NULL in " + nulls + " rows");
        }
        String sql = "SELECT " + cols + ", count(*) FROM " + table
                + written.map(w -> " WHERE (" + cols + ") IN (SELECT " + cols + " FROM " + source + ")").orElse("")
                + " GROUP BY " + cols + " HAVING count(*) > 1";
        List<String> dupes = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            if (binds != null) {
                bindInterval(ps, binds, 1);
            }
            ps.setMaxRows(EXAMPLES + 1);
            try (ResultSet rs = ps.executeQuery()) {
                dupes.addAll(describeRows(rs));
            }
        }
        if (!dupes.isEmpty()) {
            throw new StrataException(ErrorCode.TASK_FAILED, "mart " + mart.name() + ": unique_key (" + String.join(", ", key)
                    + ") is not unique; duplicated keys (with their count): " + String.join("; ", dupes));
        }
    }

    private static List<String> describeRows(ResultSet rs) throws SQLException {
        List<String> out = new ArrayList<>();
        ResultSetMetaData md = rs.getMetaData();
        while (rs.next()) {
            StringBuilder row = new StringBuilder();
            for (int i = 1; i <= md.getColumnCount(); i++) {
                row.append(i > 1 ? ", " : "").append(md.getColumnLabel(i)).append('=').append(rs.getString(i));
            }
            out.add(row.toString());
        }
        return out;
    }

    private void ensureSchema(Connection c, String schema) throws SQLException {
        DatabaseMetaData md = c.getMetaData();
        try (ResultSet rs = md.getSchemas(null, escape(md, schema))) {
            while (rs.next()) {
                if (schema.equals(rs.getString("TABLE_SCHEM"))) {
                    return;
                }
            }
        }
        // Two first builds at once would race on CREATE SCHEMA; the lock makes the second wait and find it.
        dialect.ensureSchema(c, schema);
    }

    private Optional<String> relationKind(Connection c, Relation r) throws SQLException {
        DatabaseMetaData md = c.getMetaData();
        try (ResultSet rs = md.getTables(null, escape(md, r.schema()), escape(md, r.name()), null)) {
            while (rs.next()) {
                if (r.schema().equals(rs.getString("TABLE_SCHEM")) && r.name().equals(rs.getString("TABLE_NAME"))) {
                    return Optional.ofNullable(rs.getString("TABLE_TYPE")).map(String::toUpperCase);
                }
            }
        }
        return Optional.empty();
    }

    private void dropExisting(Connection c, Relation r) throws SQLException {
        Optional<String> kind = relationKind(c, r);
        if (kind.isPresent()) {
            exec(c, (kind.get().contains("VIEW") ? "DROP VIEW " : "DROP TABLE ") + r.qualified(dialect));
        }
    }

    private static String escape(DatabaseMetaData md, String name) throws SQLException {
        String esc = md.getSearchStringEscape();
        return name.replace(esc, esc + esc).replace("_", esc + "_").replace("%", esc + "%");
    }

    private void lock(Connection c, Relation r) throws SQLException {
        dialect.lockForTransaction(c, lockKey("mart:" + r.schema() + "." + r.name()));
    }

    static long lockKey(String name) {
        return UUID.nameUUIDFromBytes(name.getBytes(StandardCharsets.UTF_8)).getMostSignificantBits();
    }

    private List<String> columns(Connection c, String table) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT * FROM " + table + " WHERE 1 = 0")) {
            ResultSetMetaData md = rs.getMetaData();
            for (int i = 1; i <= md.getColumnCount(); i++) {
                String name = md.getColumnName(i);
                if (!dev.strata.config.Identifiers.isSafe(name)) {
                    throw new StrataException(ErrorCode.TASK_FAILED, "the select has a column named '" + name
                            + "'; give every expression a plain name with AS (" + dev.strata.config.Identifiers.RULE + ")");
                }
                out.add(name);
            }
        }
        return out;
    }

    private long count(Connection c, String sql, TemplateInterval interval) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            if (interval != null) {
                bindInterval(ps, interval, 1);
            }
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private static void bindInterval(PreparedStatement ps, TemplateInterval interval, int first) throws SQLException {
        ps.setObject(first, OffsetDateTime.ofInstant(interval.start(), ZoneOffset.UTC));
        ps.setObject(first + 1, OffsetDateTime.ofInstant(interval.end(), ZoneOffset.UTC));
    }

    private static long exec(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(sql);
            return Math.max(0, s.getUpdateCount());
        }
    }

    static String newName(String name) {
        return truncate(name) + "__strata_new";
    }

    static String oldName(String name) {
        return truncate(name) + "__strata_old";
    }

    private static String truncate(String name) {
        return name.length() > 50 ? name.substring(0, 50) : name;
    }
}
