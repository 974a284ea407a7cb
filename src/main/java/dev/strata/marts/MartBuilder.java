package dev.strata.marts;

import dev.strata.ErrorCode;
import dev.strata.StrataException;
import dev.strata.graph.Relation;
import dev.strata.warehouse.Materializer;
import dev.strata.warehouse.SqlDialect;
import dev.strata.warehouse.TransactionalDdlMaterializer;
import dev.strata.warehouse.WarehouseAdapter;
import java.sql.Connection;
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
import java.util.stream.Collectors;

/**
 * Runs one mart for one interval inside the caller's task attempt (see the task contract at
 * {@link Materializer}): the warehouse's {@link Materializer} builds and publishes the relation,
 * then the {@code unique_key} check runs (the mart's data tests and checks: run next, from the scheduler); any offending row fails the run with
 * {@link ErrorCode#TASK_FAILED} and the caller's rollback leaves the mart as it was.
 * <ul>
 *   <li><b>view</b>: the view is replaced.</li>
 *   <li><b>table</b>: built under a fresh name, its unique key checked, then swapped in; readers see
 *       the old rows until the publish and the new ones after; builds of one table mart are
 *       serialized.</li>
 *   <li><b>incremental</b>: the interval's rows are deleted and the select's inserted, counting in
 *       the same pass those whose {@code time_column} is NULL or outside the interval: any such row
 *       fails the run (re-running would not be idempotent). A select that reads the mart itself
 *       ({@code {{ this }}}) sees the interval's old rows. The first run creates the table from the
 *       select and indexes {@code time_column}. Intervals of one mart may build concurrently.</li>
 *   <li><b>script</b> (an SQL task): the rendered statements, in order, on the task's connection.</li>
 * </ul>
 */
public final class MartBuilder {
    private static final int EXAMPLES = 5;
    private final WarehouseAdapter adapter;
    private final SqlDialect dialect;

    public MartBuilder(WarehouseAdapter adapter) {
        this.adapter = adapter;
        this.dialect = adapter.sql();
    }

    /**
     * Builds {@code mart} for {@code interval}; returns the rows written (0 for a view). An error
     * the warehouse places in the mart's SQL ({@code Position: 479} of a rendered statement) is
     * reported at the file, line and column of the template it came from, with the line shown.
     */
    public long build(Materializer.BuildContext context, Mart mart, TemplateInterval interval) throws SQLException {
        Mart.RenderedMart r = mart.render(dialect, interval);
        Connection c = context.connection();
        Materializer m = adapter.materializer();
        long rows;
        try {
            rows = switch (mart.materialization()) {
                case VIEW -> {
                    Relation v = mart.relation().orElseThrow();
                    yield m.replaceView(context, v.schema(), v.name(), r.sql());
                }
                case TABLE -> {
                    Relation t = mart.relation().orElseThrow();
                    yield m.replaceTable(context, t.schema(), t.name(), r.sql(),
                            (conn, fresh) -> checkUnique(conn, mart, fresh, Optional.empty()));
                }
                case INCREMENTAL -> incremental(context, mart, r.sql(), interval);
                case SCRIPT -> script(c, r.sql());
            };
        } catch (FailedStatement e) {
            throw located(mart, mart.template(), interval, r.sql(), e.statement, e.cause());
        } catch (SQLException e) {
            // the materializer wrapped the select in statements of its own: ask the warehouse where, in the select alone
            throw mart.materialization() == dev.strata.config.MartConfig.Materialization.SCRIPT ? e
                    : locatedInSelect(context, mart, interval, r.sql(), e);
        }
        // the mart's checks: (and its other data tests) run after the build, from the scheduler (dev.strata.quality)
        return rows;
    }

    /**
     * A statement that failed, with its text, so that {@link #build} can place the warehouse's
     * error position in the template. Never leaves this class: {@link #build} unwraps it.
     */
    private static final class FailedStatement extends SQLException {
        private static final long serialVersionUID = 1L;
        private final transient String statement;

        FailedStatement(String statement, SQLException cause) {
            super(cause.getMessage(), cause.getSQLState(), cause.getErrorCode(), cause);
            this.statement = statement;
        }

        SQLException cause() {
            return (SQLException) getCause();
        }
    }

    /** {@code e}, from {@code statement} which contains {@code rendered}, placed in template {@code t}. */
    private SQLException located(Mart mart, Mart.Template t, TemplateInterval interval, String rendered, String statement,
                                 SQLException e) {
        java.util.OptionalInt pos = adapter.errors().position(e);
        int at = statement.indexOf(rendered);
        if (pos.isEmpty() || at < 0) {
            return e;
        }
        int offset = pos.getAsInt() - 1 - at;
        if (offset < 0 || offset > rendered.length()) {
            return e;
        }
        return mart.locate(t, dialect, interval, mart.self(dialect), java.util.Map.of(), rendered, offset)
                .map(spot -> {
                    String message = e.getMessage() == null ? "" : e.getMessage().strip();
                    int nl = message.indexOf('\n');
                    return new SQLException(spot.position() + ": " + (nl < 0 ? message : message.substring(0, nl))
                            + "\n" + spot.excerpt(), e.getSQLState(), e.getErrorCode(), e);
                })
                .orElse(e);
    }

    /**
     * Places an error of the materializer's statements: when the warehouse gave a position, the
     * select is analyzed alone ({@code EXPLAIN}, on another connection, rolled back), and if it
     * fails the same way, that position is the one in the select.
     */
    private SQLException locatedInSelect(Materializer.BuildContext context, Mart mart, TemplateInterval interval,
                                         String select, SQLException e) {
        if (adapter.errors().position(e).isEmpty() || context.warehouse() == null) {
            return e;
        }
        String explain = dialect.explain(select);
        try (Connection c = context.warehouse().connection()) {
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                s.execute(explain);
                return e;
            } catch (SQLException again) {
                boolean same = java.util.Objects.equals(firstLine(again.getMessage()), firstLine(e.getMessage()));
                SQLException placed = located(mart, mart.template(), interval, select, explain, again);
                return same && placed != again ? new SQLException(placed.getMessage(), e.getSQLState(), e.getErrorCode(), e) : e;
            } finally {
                c.rollback();
            }
        } catch (SQLException unavailable) {
            return e;
        }
    }

    private static String firstLine(String message) {
        String m = message == null ? "" : message.strip();
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
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
                String fresh = TransactionalDdlMaterializer.newName(t.name());
                String old = TransactionalDdlMaterializer.oldName(t.name());
                out.add(dialect.createTableAs(dialect.qualified(t.schema(), fresh), "\n" + r.sql()));
                out.add("-- then swap: " + t + " -> " + old + ", " + fresh + " -> " + t.name() + ", drop " + old
                        + " (published atomically with the run's success)");
            }
            case INCREMENTAL -> {
                Relation t = rel.orElseThrow();
                String tc = dialect.quote(mart.timeColumn().orElseThrow());
                out.add("-- the first run creates " + t + " from the select, then indexes " + mart.timeColumn().orElseThrow());
                out.add("DELETE FROM " + t.qualified(dialect) + " WHERE " + tc + " >= "
                        + dialect.timestampLiteral(interval.start()) + " AND " + tc + " < " + dialect.timestampLiteral(interval.end()));
                out.add("INSERT INTO " + t.qualified(dialect) + "\n" + r.sql()
                        + "\n-- fails when a row's " + mart.timeColumn().orElseThrow() + " is NULL or outside the interval"
                        + (readsItself(t, r.sql()) ? "; the select reads the mart, so it runs before the DELETE" : ""));
            }
            case SCRIPT -> out.add(r.sql());
        }
        if (!mart.uniqueKey().isEmpty()) {
            out.add("-- check: (" + String.join(", ", mart.uniqueKey()) + ") is unique and not null");
        }
        return out; // its data tests (checks: among them) are listed by strata plan after the marts
    }

    private long incremental(Materializer.BuildContext context, Mart mart, String select, TemplateInterval interval)
            throws SQLException {
        Relation target = mart.relation().orElseThrow();
        String timeColumn = mart.timeColumn().orElseThrow();
        Materializer.IntervalWrite w = adapter.materializer().writeInterval(context, target.schema(), target.name(), select,
                timeColumn, interval.start(), interval.end(), readsItself(target, select),
                columns -> requireColumns(mart, columns));
        failOutside(mart, w.rows(), w.outside(), interval);
        String table = target.qualified(dialect);
        String tc = dialect.quote(timeColumn);
        // every row just written lies in the interval (checked above): the interval's rows are the written ones
        checkUnique(context.connection(), mart, table, Optional.of(new Written(
                "SELECT * FROM " + table + " WHERE " + tc + " >= ? AND " + tc + " < ?", interval)));
        return w.rows();
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

    /** Every column of the select has a plain name, and the time column is one of them. */
    private static void requireColumns(Mart mart, List<String> columns) {
        for (String name : columns) {
            if (!dev.strata.config.Identifiers.isSafe(name)) {
                throw new StrataException(ErrorCode.TASK_FAILED, "the select has a column named '" + name
                        + "'; give every expression a plain name with AS (" + dev.strata.config.Identifiers.RULE + ")");
            }
        }
        String timeColumn = mart.timeColumn().orElseThrow();
        if (!columns.contains(timeColumn)) {
            throw new StrataException(ErrorCode.TASK_FAILED, "mart " + mart.name() + ": time_column '" + timeColumn
                    + "' is not a column of its select (columns: " + String.join(", ", columns) + ")");
        }
    }

    private static void failOutside(Mart mart, long rows, long outside, TemplateInterval interval) {
        if (outside > 0) {
            throw new StrataException(ErrorCode.TASK_FAILED, "mart " + mart.name() + ": " + outside + " of " + rows
                    + " rows have " + mart.timeColumn().orElseThrow() + " outside the interval [" + interval.start() + ", "
                    + interval.end() + ") or NULL; an incremental mart must select only its interval's rows "
                    + "(filter with {{ interval_start }} and {{ interval_end }}), or re-running it would not be idempotent");
        }
    }

    private long script(Connection c, String sql) throws SQLException {
        try {
            return runScript(c, sql);
        } catch (SQLException e) {
            throw new FailedStatement(sql, e);
        }
    }

    private static long runScript(Connection c, String sql) throws SQLException {
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
}
