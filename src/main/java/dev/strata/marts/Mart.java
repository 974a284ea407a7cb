package dev.strata.marts;

import dev.strata.ErrorCode;
import dev.strata.StrataException;
import dev.strata.config.MartConfig.Materialization;
import dev.strata.config.Position;
import dev.strata.graph.NodeKind;
import dev.strata.graph.Relation;
import dev.strata.warehouse.SqlDialect;
import java.util.List;
import java.util.Optional;

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
    private final Position position;
    private final MartProject project;

    /** A template and where it comes from, for messages. */
    record Template(String name, String text, String file) {
    }

    Mart(String name, Materialization materialization, Optional<Relation> relation, Optional<String> timeColumn,
         List<String> uniqueKey, Template sql, Position position, MartProject project) {
        this.name = name;
        this.materialization = materialization;
        this.relation = relation;
        this.timeColumn = timeColumn;
        this.uniqueKey = List.copyOf(uniqueKey);
        this.sql = sql;
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

    /**
     * The mart's SQL rendered for one interval. Its data tests (and {@code checks:}) are run by the
     * scheduler after the build, see {@code dev.strata.quality}.
     */
    public record RenderedMart(String sql) {
    }

    /**
     * Renders the SQL for {@code interval}. A template problem (which validation reports before
     * anything runs) becomes a {@link ErrorCode#TASK_FAILED} error here.
     */
    public RenderedMart render(SqlDialect dialect, TemplateInterval interval) {
        String self = relation.map(r -> r.qualified(dialect)).orElse("");
        return new RenderedMart(project.renderTemplate(sql.text(), sql.file(), dialect, interval, self));
    }

    @Override
    public String toString() {
        return name + " (" + materialization.word() + relation.map(r -> " " + r).orElse("") + ")";
    }
}
