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
import java.util.Map;
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
    record Template(String name, TemplateSource source) {
        String text() {
            return source.text();
        }

        String file() {
            return source.file();
        }
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
        String main = renderOne(sql, dialect, interval, self, Map.of());
        List<RenderedCheck> rendered = new ArrayList<>();
        for (Template c : checks) {
            rendered.add(new RenderedCheck(c.name(), renderOne(c, dialect, interval, self, Map.of())));
        }
        return new RenderedMart(main, rendered);
    }

    /** The mart's template. */
    Template template() {
        return sql;
    }

    List<Template> checkTemplates() {
        return checks;
    }

    /**
     * Renders one of this mart's templates with {@code ref()}s to the names of {@code relations}
     * (and {@code {{ this }}}, to {@code self}) drawn as the given relations: how the SQL check
     * points downstream marts at the temporary views it built from their upstream marts.
     */
    String render(Template t, SqlDialect dialect, TemplateInterval interval, String self, Map<String, String> relations) {
        return renderOne(t, dialect, interval, self, relations);
    }

    /**
     * Where character {@code offset} (0-based) of {@code rendered} — one of this mart's templates
     * rendered by {@link #render(Template, Dialect, TemplateInterval, String, Map)} with the same
     * arguments — comes from in the template: its position, and the line with a caret.
     */
    Optional<Spot> locate(Template t, SqlDialect dialect, TemplateInterval interval, String self,
                          Map<String, String> relations, String rendered, int offset) {
        return project.templates().map(t.source(), project.newScope(dialect, relations), dialect, interval, self, rendered)
                .map(m -> m.templateOffset(offset))
                .map(o -> new Spot(t.source().position(o), t.source().excerpt(o)));
    }

    /** Where the relation of the mart itself renders, for {@code {{ this }}}. */
    String self(SqlDialect dialect) {
        return relation.map(r -> r.qualified(dialect)).orElse("");
    }

    /** A place in a template: {@code file:line:column} and the line with a caret under the column. */
    public record Spot(Position position, String excerpt) {
    }

    private String renderOne(Template t, SqlDialect dialect, TemplateInterval interval, String self, Map<String, String> relations) {
        SqlTemplates.Rendered r = project.templates().render(t.source(), project.newScope(dialect, relations), dialect,
                interval, self);
        if (!r.ok()) {
            throw new StrataException(ErrorCode.TASK_FAILED, r.scope().problems.stream()
                    .map(p -> t.source().position(p.offset()) + ": " + p.message() + "\n" + t.source().excerpt(p.offset()))
                    .collect(Collectors.joining("\n")));
        }
        return r.sql().strip();
    }

    @Override
    public String toString() {
        return name + " (" + materialization.word() + relation.map(r -> " " + r).orElse("") + ")";
    }
}
