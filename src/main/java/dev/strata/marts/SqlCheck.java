package dev.strata.marts;

import dev.strata.config.ConfigException;
import dev.strata.config.ConfigProblem;
import dev.strata.config.MartConfig.Materialization;
import dev.strata.config.Position;
import dev.strata.graph.Node;
import dev.strata.warehouse.SqlDialect;
import dev.strata.warehouse.WarehouseAdapter;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import dev.strata.config.Suggestions;
import net.sf.jsqlparser.statement.create.schema.CreateSchema;
import net.sf.jsqlparser.statement.create.table.CreateTable;
import net.sf.jsqlparser.statement.select.Select;
import net.sf.jsqlparser.util.TablesNamesFinder;

/**
 * Checks the SQL of every mart, SQL task and check before anything runs, and reports each problem
 * at {@code file:line:column} of the template (not of the rendered SQL), with the line shown.
 *
 * <p><b>Offline</b> ({@link #parse}): every rendered statement is parsed ({@link SqlParser}). A
 * syntax error is an error; a statement of a kind the parser does not know at all (its first
 * word is where it fails, e.g. PostgreSQL's {@code DO $$ ... $$}) is a warning, "not checked":
 * the parser's gaps must not stop valid SQL. A mart that is not one {@code select} is an error
 * (statements belong in {@code materialized: script}).
 *
 * <p><b>Against the warehouse</b> ({@link #withWarehouse}), additionally, in one transaction that
 * is always rolled back: the marts in dependency order, each created as a temporary view from
 * its select — which makes the warehouse parse and analyze it, catching unknown tables and
 * columns, without running it — with its downstream marts' {@code ref()}s pointed at that view,
 * so a chain of marts is checked even when none is built yet. Script statements are checked with
 * {@code EXPLAIN} (DML) or run inside the rolled-back transaction ({@code CREATE TABLE} /
 * {@code CREATE SCHEMA} without a query, so later statements see the tables an {@code init} task
 * creates); other statements are not checked. A statement that reads a relation the pipeline has
 * not built yet (a source's STG table before the first landing, a vault table) is not checked,
 * with a warning that says so, instead of a false "does not exist". The warehouse's verdict
 * overrides the parser's: a statement it accepts is never an error.
 */
public final class SqlCheck {
    private static final Duration STATEMENT_TIMEOUT = Duration.ofSeconds(30);

    /** One thing found, printed as {@code marts/x.sql:4:33: x: syntax error at 'sum'} plus the line. */
    public record Finding(boolean error, Position position, String node, String message) {
        @Override
        public String toString() {
            return position + ": " + node + ": " + (error ? "" : "warning: ") + message;
        }
    }

    /** The findings, errors first in file order. */
    public record Report(List<Finding> findings) {
        public List<Finding> errors() {
            return findings.stream().filter(Finding::error).toList();
        }

        public List<Finding> warnings() {
            return findings.stream().filter(f -> !f.error()).toList();
        }

        /** Throws a {@link ConfigException} (exit code 2) listing the errors, if there is any. */
        public void throwIfErrors() {
            List<ConfigProblem> problems = errors().stream()
                    .map(f -> new ConfigProblem(f.position(), f.node(), f.message())).toList();
            if (!problems.isEmpty()) {
                throw new ConfigException(problems);
            }
        }
    }

    /** Statements whose SQL the parser knows well: its verdict on them is trusted. */
    private static final Set<String> QUERIES = Set.of("select", "with", "insert", "update", "delete", "merge", "values",
            "table", "(");
    /** Other statements of the supported warehouses: the parser's grammar for them is partial. */
    private static final Set<String> OTHER_STATEMENTS = Set.of("abort", "alter", "analyze", "begin", "call", "checkpoint",
            "close", "cluster", "comment", "commit", "copy", "create", "deallocate", "declare", "describe", "discard", "do",
            "drop", "end", "execute", "explain", "fetch", "flush", "grant", "import", "listen", "load", "lock", "move",
            "notify", "optimize", "prepare", "refresh", "reindex", "release", "rename", "replace", "reset", "revoke",
            "rollback", "savepoint", "security", "set", "show", "start", "truncate", "unlisten", "use", "vacuum");

    private final MartProject project;
    private final WarehouseAdapter adapter;
    private final SqlDialect dialect;
    private final TemplateInterval interval = TemplateInterval.sample();
    private final List<Finding> findings = new ArrayList<>();
    /** Relations the project's scripts create (CREATE TABLE): they may not exist yet, and that is fine. */
    private final Set<String> createdByScripts = new HashSet<>();

    private SqlCheck(MartProject project, WarehouseAdapter adapter) {
        this.project = project;
        this.adapter = adapter;
        this.dialect = adapter.sql();
    }

    /** Parses every mart, task and check offline. */
    public static Report parse(MartProject project, WarehouseAdapter adapter) {
        SqlCheck check = new SqlCheck(project, adapter);
        for (Mart m : project.marts().values()) {
            for (Unit u : check.units(m, Map.of())) {
                for (SqlStatements.Statement s : check.statements(u)) {
                    check.findings.addAll(check.parseStatement(u, s).findings());
                }
            }
        }
        return check.report();
    }

    /**
     * Parses every mart and checks it against the warehouse on {@code connection}, marts in
     * {@code order} (a topological order of the graph; other names are ignored). The connection's
     * transaction is rolled back: nothing is left behind.
     */
    public static Report withWarehouse(MartProject project, WarehouseAdapter adapter, Connection connection,
                                       List<String> order) throws SQLException {
        SqlCheck check = new SqlCheck(project, adapter);
        for (Mart m : project.marts().values()) {
            for (Unit u : check.units(m, Map.of())) {
                check.statements(u).forEach(s -> check.parseStatement(u, s)); // learns the tables scripts create
            }
        }
        boolean autoCommit = connection.getAutoCommit();
        connection.setAutoCommit(false);
        try {
            adapter.settings().beginTask(connection, Optional.of(STATEMENT_TIMEOUT));
            new WarehousePass(check, connection).run(order);
        } finally {
            connection.rollback();
            connection.setAutoCommit(autoCommit);
        }
        return check.report();
    }

    private Report report() {
        List<Finding> sorted = new ArrayList<>(findings);
        sorted.sort((a, b) -> a.error() != b.error() ? (a.error() ? -1 : 1)
                : !a.position().file().equals(b.position().file()) ? a.position().file().compareTo(b.position().file())
                : a.position().line() != b.position().line() ? Integer.compare(a.position().line(), b.position().line())
                : Integer.compare(a.position().column(), b.position().column()));
        return new Report(List.copyOf(sorted));
    }

    // ------------------------------------------------------------------ offline

    /** A rendered template and how to find its characters in the file. */
    private final class Unit {
        final Mart mart;
        final Mart.Template template;
        final String self;
        final Map<String, String> relations;
        final String sql;

        Unit(Mart mart, Mart.Template template, String self, Map<String, String> relations) {
            this.mart = mart;
            this.template = template;
            this.self = self;
            this.relations = relations;
            this.sql = mart.render(template, dialect, interval, self, relations);
        }

        boolean isMain() {
            return template == mart.template();
        }

        boolean mustBeSelect() {
            return !isMain() || mart.materialization() != Materialization.SCRIPT;
        }

        String what() {
            return isMain() ? mart.name() : mart.name() + " (check " + template.name() + ")";
        }

        Finding at(boolean error, int offset, String message) {
            Optional<Mart.Spot> spot = mart.locate(template, dialect, interval, self, relations, sql, offset);
            if (spot.isPresent()) {
                return new Finding(error, spot.get().position(), what(), message + "\n" + spot.get().excerpt());
            }
            // the marked rendering did not reproduce the SQL: the rendered line is still a clue
            int line = 1 + (int) sql.substring(0, Math.max(0, Math.min(offset, sql.length()))).chars()
                    .filter(ch -> ch == '\n').count();
            return new Finding(error, template.source().position(0), what(), message + " (line " + line + " of the rendered SQL)");
        }
    }

    /** The mart's own template and its checks, rendered with {@code ref()}s to {@code relations} redirected. */
    private List<Unit> units(Mart m, Map<String, String> relations) {
        List<Unit> out = new ArrayList<>();
        out.add(new Unit(m, m.template(), m.self(dialect), relations));
        for (Mart.Template c : m.checkTemplates()) {
            out.add(new Unit(m, c, m.self(dialect), relations));
        }
        return out;
    }

    /** The statements of a unit; a select-only unit with several, or none, is a finding of its own. */
    private List<SqlStatements.Statement> statements(Unit u) {
        List<SqlStatements.Statement> statements = SqlStatements.split(u.sql);
        if (statements.isEmpty()) {
            findings.add(u.at(true, 0, "the SQL is empty" + (u.mustBeSelect() ? "; write one select" : "")));
        } else if (u.mustBeSelect() && statements.size() > 1) {
            findings.add(u.at(true, statements.get(1).start(), u.isMain()
                    ? "a " + u.mart.materialization().word() + " mart is one select, and this is a second statement; "
                    + "to run several statements, make it materialized: script"
                    : "a check is one select, and this is a second statement"));
        }
        return statements;
    }

    /** What the parser said about one statement. */
    private record Parsed(Optional<net.sf.jsqlparser.statement.Statement> statement, List<Finding> findings,
                          boolean query) {
    }

    private Parsed parseStatement(Unit u, SqlStatements.Statement s) {
        int first = Math.max(0, SqlStatements.firstToken(s.text()));
        String word = firstWord(s.text().substring(first));
        boolean query = QUERIES.contains(word);
        String shown = word.toUpperCase(Locale.ROOT);
        List<Finding> out = new ArrayList<>();
        if (u.mustBeSelect() && !query) {
            out.add(u.at(true, s.start() + first, (u.isMain()
                    ? "a " + u.mart.materialization().word() + " mart must be a select (or with ... select), not "
                    + shown + "; to run other statements, make it materialized: script"
                    : "a check must be a select that returns the offending rows, not " + shown)
                    + Suggestions.didYouMean(shown, List.of("SELECT", "WITH"))));
            return new Parsed(Optional.empty(), out, false);
        }
        if (!query && !OTHER_STATEMENTS.contains(word)) {
            List<String> known = new ArrayList<>();
            QUERIES.forEach(q -> known.add(q.toUpperCase(Locale.ROOT)));
            OTHER_STATEMENTS.forEach(q -> known.add(q.toUpperCase(Locale.ROOT)));
            out.add(u.at(true, s.start() + first, "'" + shown + "' does not start a statement"
                    + Suggestions.didYouMean(shown, known)));
            return new Parsed(Optional.empty(), out, false);
        }
        SqlParser.Result r = SqlParser.parse(s.text());
        if (r instanceof SqlParser.Parsed p) {
            if (p.statement() instanceof CreateTable ct && ct.getSelect() == null) {
                createdByScripts.add(key(ct.getTable().getSchemaName(), ct.getTable().getName()));
            }
            if (u.mustBeSelect() && !(p.statement() instanceof Select)) {
                out.add(u.at(true, s.start() + first, u.isMain()
                        ? "a " + u.mart.materialization().word() + " mart must be a select, not " + shown
                        + "; to run other statements, make it materialized: script"
                        : "a check must be a select that returns the offending rows, not " + shown));
            }
            return new Parsed(Optional.of(p.statement()), out, query);
        }
        if (r instanceof SqlParser.Failed f) {
            if (query) {
                out.add(u.at(true, s.start() + f.offset(), describe(f)));
            } else {
                // the parser's grammar for DDL and vendor commands is partial: never a false error
                out.add(u.at(false, s.start() + Math.max(first, f.offset()), f.offset() <= first
                        ? "not checked: the SQL parser does not know " + shown + " statements"
                        : "not checked: the SQL parser knows " + shown + " statements only in part and stops here ("
                        + describe(f) + ")"));
            }
        } else {
            out.add(u.at(false, s.start() + first, "not checked: the SQL parser gave up after "
                    + SqlParser.TIMEOUT_MS / 1000 + " s"));
        }
        return new Parsed(Optional.empty(), out, query);
    }

    private static String describe(SqlParser.Failed f) {
        String at = f.token() == null ? "syntax error at the end of the statement" : "syntax error at '" + f.token() + "'";
        return f.expected().isEmpty() ? at : at + " (expected " + String.join(", ", f.expected().stream()
                .map(e -> "'" + e + "'").toList()) + ")";
    }

    private static String firstWord(String text) {
        int end = 0;
        while (end < text.length() && (Character.isLetterOrDigit(text.charAt(end)) || text.charAt(end) == '_')) {
            end++;
        }
        return end == 0 ? text.substring(0, Math.min(1, text.length())) : text.substring(0, end).toLowerCase(Locale.ROOT);
    }

    static String key(String schema, String name) {
        return ((schema == null ? "" : schema) + "." + (name == null ? "" : name)).toLowerCase(Locale.ROOT).replace("\"", "");
    }

    // ------------------------------------------------------------------ against the warehouse

    /** One pass over the marts in dependency order, on one connection, in one transaction. */
    private static final class WarehousePass {
        private final SqlCheck check;
        private final Connection c;
        /** Marts checked and built as temporary views: the ref()s of their downstream point there. */
        private final Map<String, String> views = new HashMap<>();
        private int next;

        WarehousePass(SqlCheck check, Connection c) {
            this.check = check;
            this.c = c;
        }

        void run(List<String> order) throws SQLException {
            for (String name : order) {
                Mart m = check.project.marts().get(name);
                if (m != null) {
                    checkMart(m);
                }
            }
        }

        private void checkMart(Mart m) throws SQLException {
            List<Unit> units = check.units(m, Map.copyOf(views));
            Unit main = units.get(0);
            boolean ok = main.mustBeSelect() ? checkSelect(main, true) : checkScript(main);
            if (!ok) {
                return; // its checks read it: the error above is what to fix first
            }
            // checks read the mart as just checked: {{ this }} and ref() to it point at its view
            String self = views.getOrDefault(m.name(), m.self(check.dialect));
            for (Mart.Template t : m.checkTemplates()) {
                checkSelect(check.new Unit(m, t, self, Map.copyOf(views)), false);
            }
        }

        /** Creates the mart's select as a temporary view, or explains a check: the warehouse analyzes it. */
        private boolean checkSelect(Unit u, boolean asView) throws SQLException {
            List<SqlStatements.Statement> statements = check.statements(u);
            if (statements.size() != 1) {
                return false;
            }
            SqlStatements.Statement s = statements.get(0);
            Parsed parsed = check.parseStatement(u, s);
            if (!parsed.query()) {
                check.findings.addAll(parsed.findings());
                return false;
            }
            Optional<String> missing = missingUpstream(s.text());
            if (missing.isPresent()) {
                check.findings.addAll(parsed.findings());
                check.findings.add(u.at(false, s.start() + Math.max(0, SqlStatements.firstToken(s.text())),
                        "not checked against the warehouse: it reads " + missing.get() + ", which does not exist there yet"));
                return false;
            }
            String view = "strata_check_" + (next++);
            String statement = asView ? check.dialect.createCheckView(view, s.text()) : check.dialect.explain(s.text());
            Optional<SQLException> failed = attempt(statement);
            if (failed.isPresent()) {
                check.findings.add(warehouseError(u, statement, s, failed.get()));
                return false;
            }
            trustWarehouse(parsed);
            if (asView) {
                views.put(u.mart.name(), check.dialect.quote(view));
                checkColumns(u, check.dialect.quote(view));
            }
            return true;
        }

        /** The warehouse accepted what the parser rejected: the parser has a gap there, the SQL is fine. */
        private void trustWarehouse(Parsed parsed) {
            for (Finding f : parsed.findings()) {
                check.findings.add(f.error() ? new Finding(false, f.position(), f.node(),
                        "the SQL parser rejects this but the warehouse accepts it: " + f.message()) : f);
            }
        }

        /** time_column and unique_key must be columns of the select, or every run fails. */
        private void checkColumns(Unit u, String view) throws SQLException {
            List<String> columns = new ArrayList<>();
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT * FROM " + view + " WHERE 1 = 0")) {
                ResultSetMetaData md = rs.getMetaData();
                for (int i = 1; i <= md.getColumnCount(); i++) {
                    columns.add(md.getColumnName(i));
                }
            }
            Map<String, String> wanted = new LinkedHashMap<>();
            u.mart.timeColumn().ifPresent(t -> wanted.put(t, "time_column"));
            u.mart.uniqueKey().forEach(k -> wanted.putIfAbsent(k, "unique_key column"));
            wanted.forEach((col, what) -> {
                if (!columns.contains(col)) {
                    check.findings.add(new Finding(true, u.mart.position(), u.mart.name(), what + " '" + col
                            + "' is not a column of the select (its columns: " + String.join(", ", columns) + ")"
                            + Suggestions.didYouMean(col, columns)));
                }
            });
        }

        private boolean checkScript(Unit u) throws SQLException {
            boolean ok = true;
            for (SqlStatements.Statement s : check.statements(u)) {
                Parsed parsed = check.parseStatement(u, s);
                String statement;
                if (parsed.query()) {
                    Optional<String> missing = missingUpstream(s.text());
                    if (missing.isPresent()) {
                        check.findings.addAll(parsed.findings());
                        check.findings.add(u.at(false, s.start() + Math.max(0, SqlStatements.firstToken(s.text())), "not checked against the warehouse: it reads "
                                + missing.get() + ", which does not exist there yet"));
                        continue;
                    }
                    statement = check.dialect.explain(s.text());
                } else if (parsed.statement().filter(st -> (st instanceof CreateTable ct && ct.getSelect() == null)
                        || st instanceof CreateSchema).isPresent()) {
                    statement = s.text(); // rolled back with the rest; the statements after it see the table
                    relations = null;
                } else {
                    check.findings.addAll(parsed.findings()); // not something the warehouse checks without running it
                    continue;
                }
                Optional<SQLException> failed = attempt(statement);
                if (failed.isPresent()) {
                    check.findings.add(warehouseError(u, statement, s, failed.get()));
                    ok = false;
                } else {
                    trustWarehouse(parsed);
                }
            }
            return ok;
        }

        /** Runs one statement under a savepoint: after a failure the transaction goes on as before it. */
        private Optional<SQLException> attempt(String statement) throws SQLException {
            Savepoint sp = c.setSavepoint();
            try (Statement s = c.createStatement()) {
                s.execute(statement);
                c.releaseSavepoint(sp);
                return Optional.empty();
            } catch (SQLException e) {
                c.rollback(sp);
                return Optional.of(e);
            }
        }

        /** The warehouse's error, at the template position of the character it points at. */
        private Finding warehouseError(Unit u, String statement, SqlStatements.Statement s, SQLException e) {
            String message = firstLine(e.getMessage());
            OptionalInt pos = check.adapter.errors().position(e);
            int inStatement = statement.indexOf(s.text());
            if (pos.isPresent() && inStatement >= 0) {
                int offset = pos.getAsInt() - 1 - inStatement;
                if (offset >= 0 && offset <= s.text().length()) {
                    return u.at(true, s.start() + offset, message);
                }
            }
            return u.at(true, s.start(), message);
        }

        /** A relation the pipeline builds (or a task creates), read by {@code sql}, that is not in the warehouse yet. */
        private Optional<String> missingUpstream(String sql) throws SQLException {
            Set<String> tables;
            try {
                tables = TablesNamesFinder.findTables(sql.replace('\t', ' '));
            } catch (Exception e) {
                return Optional.empty(); // the parser cannot say; the warehouse will
            }
            Map<String, String> pipeline = new HashMap<>();
            for (Node n : check.project.catalog().values()) {
                n.relation().ifPresent(r -> pipeline.put(key(r.schema(), r.name()), r.toString()));
            }
            for (String t : tables) {
                String[] parts = t.replace("\"", "").replace("`", "").split("\\.");
                if (parts.length != 2) {
                    continue; // unqualified: a CTE, a view of this check, or found through the search path
                }
                String k = key(parts[0], parts[1]);
                if ((pipeline.containsKey(k) || check.createdByScripts.contains(k)) && !exists(parts[0], parts[1])) {
                    return Optional.of(pipeline.getOrDefault(k, parts[0] + "." + parts[1]));
                }
            }
            return Optional.empty();
        }

        /** The warehouse's relations as {@code schema.table}, lower case; read again after each DDL statement. */
        private Set<String> relations;

        private boolean exists(String schema, String table) throws SQLException {
            if (relations == null) {
                relations = new HashSet<>();
                try (ResultSet rs = c.getMetaData().getTables(null, null, null, null)) {
                    while (rs.next()) {
                        relations.add(key(rs.getString("TABLE_SCHEM"), rs.getString("TABLE_NAME")));
                    }
                }
            }
            return relations.contains(key(schema, table));
        }

        private static String firstLine(String message) {
            String m = message == null ? "error" : message.strip();
            int nl = m.indexOf('\n');
            return nl < 0 ? m : m.substring(0, nl);
        }
    }
}
