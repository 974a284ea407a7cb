package dev.strata.marts;

import dev.strata.ErrorCode;
import dev.strata.StrataException;
import dev.strata.config.MartConfig.Materialization;
import dev.strata.config.Position;
import dev.strata.graph.NodeKind;
import dev.strata.graph.Relation;
import dev.strata.warehouse.SqlDialect;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * One mart or SQL task with its settings resolved ({@code strata.yaml} merged with the file's
 * {@code config()} header) and its template loaded. Immutable; {@link #render} is thread-safe.
 */
public final class Mart {
    private final String name;
    private final Materialization materialization;
    private final Optional<Relation> relation;
    private final Optional<String> timeColumn;
    private final List<String> uniqueKey;
    private final Template sql;
    private final List<Template> checks;
    private final Position position;
    private final MartProject project;

    /** A template and where it comes from, for messages. */
    record Template(String name, String text, String file) {
    }

    Mart(String name, Materialization materialization, Optional<Relation> relation, Optional<String> timeColumn,
         List<String> uniqueKey, Template sql, List<Template> checks, Position position, MartProject project) {
        this.name = name;
        this.materialization = materialization;
        this.relation = relation;
        this.timeColumn = timeColumn;
        this.uniqueKey = List.copyOf(uniqueKey);
        this.sql = sql;
        this.checks = List.copyOf(checks);
        this.position = position;
        this.project = project;
    }

    public String name() {
        return name;
    }

    public Materialization materialization() {
        return materialization;
    }

    public NodeKind kind() {
        return materialization == Materialization.SCRIPT ? NodeKind.TASK : NodeKind.MART;
    }

    /** The relation the mart builds; empty for an SQL task. */
    public Optional<Relation> relation() {
        return relation;
    }

    public Optional<String> timeColumn() {
        return timeColumn;
    }

    public List<String> uniqueKey() {
        return uniqueKey;
    }

    public Position position() {
        return position;
    }

    public String file() {
        return sql.file();
    }

    /** The mart's SQL and its checks rendered for one interval. */
    public record RenderedMart(String sql, List<RenderedCheck> checks) {
    }

    /** A check query rendered for one interval. */
    public record RenderedCheck(String name, String sql) {
    }

    /**
     * Renders the SQL and the checks for {@code interval}. A template problem (which validation
     * reports before anything runs) becomes a {@link ErrorCode#TASK_FAILED} error here.
     */
    public RenderedMart render(SqlDialect dialect, TemplateInterval interval) {
        String self = relation.map(r -> r.qualified(dialect)).orElse("");
        String main = renderOne(sql, dialect, interval, self);
        List<RenderedCheck> rendered = new ArrayList<>();
        for (Template c : checks) {
            rendered.add(new RenderedCheck(c.name(), renderOne(c, dialect, interval, self)));
        }
        return new RenderedMart(main, rendered);
    }

    private String renderOne(Template t, SqlDialect dialect, TemplateInterval interval, String self) {
        SqlTemplates.Rendered r = project.templates().render(t.text(), project.newScope(dialect), dialect, interval, self);
        if (!r.ok()) {
            throw new StrataException(ErrorCode.TASK_FAILED, r.scope().problems.stream()
                    .map(p -> t.file() + ":" + p.line() + ": " + p.message()).collect(Collectors.joining("\n")));
        }
        return r.sql().strip();
    }

    @Override
    public String toString() {
        return name + " (" + materialization.word() + relation.map(r -> " " + r).orElse("") + ")";
    }
}
