package dev.strata.marts;

import dev.strata.config.MartConfig;
import dev.strata.config.MartConfig.Materialization;
import dev.strata.config.Position;
import dev.strata.config.Problems;
import dev.strata.config.ProjectConfig;
import dev.strata.config.ProjectFiles;
import dev.strata.config.ProjectVar;
import dev.strata.config.Suggestions;
import dev.strata.graph.Edge;
import dev.strata.graph.Node;
import dev.strata.graph.NodeKind;
import dev.strata.graph.Relation;
import dev.strata.warehouse.SqlDialect;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The marts of a project, loaded: each template read, its {@code config()} header merged with
 * {@code strata.yaml}, its {@code ref()}s resolved against every node of the project (sources,
 * vault targets, other marts) into graph edges. Every problem — unreadable file, template error,
 * unknown ref, conflicting setting — is reported with file and line.
 */
public final class MartProject {
    private final SqlTemplates templates = new SqlTemplates();
    private final Map<String, Node> catalog = new LinkedHashMap<>();
    private final Map<String, Mart> marts = new LinkedHashMap<>();
    private final List<Edge> edges = new ArrayList<>();
    private final Map<String, ProjectVar> vars;

    private MartProject(Map<String, ProjectVar> vars) {
        this.vars = vars;
    }

    /**
     * Loads the marts of {@code project}. {@code upstreamNodes} are the other nodes {@code ref()}
     * may name (sources, vault targets). Problems are added to {@code problems}; marts with problems
     * are still returned where possible so that all problems are found in one pass.
     */
    public static MartProject load(ProjectConfig project, SqlDialect dialect, List<Node> upstreamNodes, Problems problems) {
        MartProject mp = new MartProject(project.vars());
        upstreamNodes.forEach(n -> mp.catalog.put(n.name(), n));
        Map<String, Loaded> loaded = new LinkedHashMap<>();
        // First pass: read files and headers, so every mart's relation is known before refs resolve.
        for (MartConfig mc : project.marts().all()) {
            TemplateSource source;
            Settings s;
            if (mc.call().isPresent()) {
                // call: name(args) is an SQL task of one CALL statement, templated like any task's SQL
                source = TemplateSource.inline(mc.call().get().position(), dialect.callStatement(mc.call().get().text()));
                s = new Settings(Materialization.SCRIPT, MartConfig.DEFAULT_SCHEMA, Optional.empty(), List.of());
            } else {
                String display = project.directory().resolve(mc.file()).normalize().toString();
                // confined to the project, bounded, strict UTF-8 (a missing file was reported by the config reader)
                Optional<String> read = ProjectFiles.read(project.directory(), mc.file(), display, mc.position(),
                        "marts." + mc.name(), problems);
                if (read.isEmpty()) {
                    continue;
                }
                source = new TemplateSource(display, read.get());
                TemplateScope headerScope = mp.discoveryScope(dialect);
                mp.templates.render(source, headerScope, dialect, TemplateInterval.sample(), "");
                s = Settings.merge(mc, headerScope, source, problems);
            }
            Optional<Relation> relation = s.materialization == Materialization.SCRIPT ? Optional.empty()
                    : Optional.of(new Relation(s.schema, mc.name()));
            NodeKind kind = s.materialization == Materialization.SCRIPT ? NodeKind.TASK : NodeKind.MART;
            if (mp.catalog.containsKey(mc.name())) {
                Node other = mp.catalog.get(mc.name());
                problems.add(mc.position(), "marts." + mc.name(), "the name '" + mc.name() + "' is already used by the "
                        + other.kind().word() + " declared at " + other.position());
                continue;
            }
            mp.catalog.put(mc.name(), new Node(mc.name(), kind, relation, mc.position()));
            loaded.put(mc.name(), new Loaded(mc, source, s, relation));
        }
        // Second pass: render for real, collecting refs as edges and every problem with its line.
        for (Loaded l : loaded.values()) {
            List<Mart.Template> checks = new ArrayList<>();
            for (MartConfig.Check c : l.config.checks()) {
                TemplateSource checkSource;
                if (c.sql().isPresent()) {
                    checkSource = TemplateSource.inline(c.position(), c.sql().get());
                } else {
                    Path f = c.file().orElseThrow();
                    String checkFile = project.directory().resolve(f).normalize().toString();
                    Optional<String> read = ProjectFiles.read(project.directory(), f, checkFile, c.position(),
                            "marts." + l.config.name() + ".checks." + c.name(), problems);
                    if (read.isEmpty()) {
                        continue;
                    }
                    checkSource = new TemplateSource(checkFile, read.get());
                }
                checks.add(new Mart.Template(c.name(), checkSource));
                mp.collect(l.config.name(), checkSource, dialect, problems);
            }
            // tests: of kind sql (dev.strata.quality runs them after the build): what they ref() runs before the
            // mart; their problems are reported when the tests are built. (checks: are collected above.)
            java.util.Set<String> checkNames = new java.util.HashSet<>();
            l.config.checks().forEach(c -> checkNames.add(c.name()));
            for (dev.strata.config.DataTestConfig t : project.tests().of(l.config.name())) {
                if (t.kind() != dev.strata.config.DataTestConfig.Kind.SQL || checkNames.contains(t.name())) {
                    continue;
                }
                TemplateSource testSource;
                if (t.sql().isPresent()) {
                    testSource = TemplateSource.inline(t.position(), t.sql().get());
                } else {
                    Path f = t.file().orElseThrow();
                    String display = project.directory().resolve(f).normalize().toString();
                    Optional<String> read = ProjectFiles.read(project.directory(), f, display, t.position(),
                            "marts." + l.config.name() + ".tests." + t.name(), new Problems());
                    if (read.isEmpty()) {
                        continue;
                    }
                    testSource = new TemplateSource(display, read.get());
                }
                mp.collectEdges(l.config.name(), testSource, dialect);
            }
            mp.collect(l.config.name(), l.source, dialect, problems);
            for (MartConfig.NamedRef d : l.config.dependsOn()) {
                if (!mp.catalog.containsKey(d.name())) {
                    problems.add(d.position(), "marts." + l.config.name() + ".depends_on", "no node named '" + d.name() + "'"
                            + Suggestions.didYouMean(d.name(), mp.catalog.keySet()));
                    continue;
                }
                mp.edges.add(new Edge(d.name(), l.config.name(), d.position()));
            }
            mp.marts.put(l.config.name(), new Mart(l.config.name(), l.settings.materialization, l.relation,
                    l.settings.timeColumn, l.settings.uniqueKey, new Mart.Template(l.config.name(), l.source),
                    checks, l.config.position(), mp));
        }
        mp.checkDashboards(project.dashboards(), problems);
        for (dev.strata.config.DashboardsSection.Dashboard d : project.dashboards().dashboards()) {
            for (String unknown : dev.strata.config.DashboardTitles.unknownVars(d.title(), mp.vars)) {
                problems.add(d.position(), "dashboards." + d.name() + ".title", "var('" + unknown
                        + "'): not defined under 'vars:'" + Suggestions.didYouMean(unknown, mp.vars.keySet()));
            }
        }
        return mp;
    }

    /** Every dashboard reads a mart of this project that builds a relation in the schema the console reads. */
    private void checkDashboards(dev.strata.config.DashboardsSection dashboards, Problems problems) {
        for (dev.strata.config.DashboardsSection.Dashboard d : dashboards.dashboards()) {
            if (d.mart() == null) {
                continue; // reported by the reader
            }
            String path = "dashboards." + d.name() + ".mart";
            Node node = catalog.get(d.mart());
            Mart mart = marts.get(d.mart());
            if (node == null) {
                problems.add(d.martPosition(), path, "no mart named '" + d.mart() + "'" + Suggestions.didYouMean(d.mart(),
                        marts.keySet()) + (marts.isEmpty() ? "; the project has no marts" : "; marts: "
                        + String.join(", ", marts.keySet())));
            } else if (mart == null) {
                problems.add(d.martPosition(), path, "'" + d.mart() + "' is a " + node.kind().word()
                        + ", not a mart; a dashboard reads a mart (a table or view of schema " + MartConfig.DEFAULT_SCHEMA + ")");
            } else if (mart.relation().isEmpty()) {
                problems.add(d.martPosition(), path, "'" + d.mart() + "' is an SQL task and builds no table to chart");
            } else if (!mart.relation().get().schema().equals(MartConfig.DEFAULT_SCHEMA)) {
                problems.add(d.martPosition(), path, "mart '" + d.mart() + "' is built in schema "
                        + mart.relation().get().schema() + "; dashboards read schema " + MartConfig.DEFAULT_SCHEMA);
            }
        }
    }

    private void collect(String mart, TemplateSource source, SqlDialect dialect, Problems problems) {
        TemplateScope scope = newScope(dialect);
        Relation self = catalog.get(mart).relation().orElse(null);
        templates.render(source, scope, dialect, TemplateInterval.sample(), self == null ? "" : self.qualified(dialect));
        for (TemplateScope.Problem p : scope.problems) {
            String message = p.message();
            if (message.startsWith("ref('")) {
                String name = message.substring(5, message.indexOf('\'', 5));
                message = message + Suggestions.didYouMean(name, catalog.keySet());
            } else if (message.startsWith("var('")) {
                String name = message.substring(5, message.indexOf('\'', 5));
                message = message + Suggestions.didYouMean(name, vars.keySet());
            }
            problems.add(source.position(p.offset()), mart, message + "\n" + source.excerpt(p.offset()));
        }
        for (TemplateScope.RefCall r : scope.refs) {
            if (catalog.containsKey(r.name())) {
                edges.add(new Edge(r.name(), mart, source.position(r.offset())));
            }
        }
    }

    /** Records the edges of a template's {@code ref()}s into {@code mart}, reporting nothing (its problems are reported elsewhere). */
    private void collectEdges(String mart, TemplateSource source, SqlDialect dialect) {
        TemplateScope scope = newScope(dialect);
        templates.render(source, scope, dialect, TemplateInterval.sample(), "");
        for (TemplateScope.RefCall r : scope.refs) {
            if (catalog.containsKey(r.name()) && !r.name().equals(mart)) {
                edges.add(new Edge(r.name(), mart, source.position(r.offset())));
            }
        }
    }

    /** What {@link #parseTemplate} found in a template: the nodes it {@code ref()}s, in order, and its {@code config()} settings. */
    public record ParsedTemplate(List<String> refs, Map<String, Object> header) {
    }

    private static TemplateSource source(String text, String display, Optional<Position> inline) {
        return inline.map(at -> TemplateSource.inline(at, text)).orElseGet(() -> new TemplateSource(display, text));
    }

    /**
     * Reads a template that is not a mart (a data test's SQL): renders it once for a sample
     * interval, reporting template errors and unknown {@code ref()}s at their file:line:column
     * under {@code owner} ({@code inline}: written in strata.yaml at that place), and returns what it refs.
     */
    public ParsedTemplate parseTemplate(String text, String display, Optional<Position> inline, String owner, SqlDialect dialect,
                                        Problems problems) {
        TemplateSource source = source(text, display, inline);
        TemplateScope scope = newScope(dialect);
        templates.render(source, scope, dialect, TemplateInterval.sample(), "");
        for (TemplateScope.Problem p : scope.problems) {
            String message = p.message();
            if (message.startsWith("ref('")) {
                String name = message.substring(5, message.indexOf('\'', 5));
                message = message + Suggestions.didYouMean(name, catalog.keySet());
            }
            problems.add(source.position(p.offset()), owner, message + "\n" + source.excerpt(p.offset()));
        }
        return new ParsedTemplate(scope.refs.stream().map(TemplateScope.RefCall::name).distinct().toList(),
                Map.copyOf(scope.header));
    }

    /**
     * Renders a data test's template for {@code interval}, {@code {{ this }}} being {@code self}. A
     * template problem becomes a {@link dev.strata.ErrorCode#TASK_FAILED} error naming its place.
     */
    public String renderTemplate(String text, String display, Optional<Position> inline, SqlDialect dialect,
                                 TemplateInterval interval, String self) {
        TemplateSource source = source(text, display, inline);
        SqlTemplates.Rendered r = templates.render(source, newScope(dialect), dialect, interval, self);
        if (!r.ok()) {
            throw new dev.strata.StrataException(dev.strata.ErrorCode.TASK_FAILED, r.scope().problems.stream()
                    .map(p -> source.position(p.offset()) + ": " + p.message()).collect(java.util.stream.Collectors.joining("\n")));
        }
        return r.sql().strip();
    }

    /** The relation {@code ref(name)} resolves to, if any. */
    public Optional<Relation> relationOf(String name) {
        return Optional.ofNullable(catalog.get(name)).flatMap(Node::relation);
    }

    /** A scope that resolves names but reports nothing about them (used to read headers). */
    private TemplateScope discoveryScope(SqlDialect dialect) {
        return new TemplateScope(n -> Optional.of(dialect.quote(n)), n -> Optional.empty(), vars, dialect);
    }

    TemplateScope newScope(SqlDialect dialect) {
        return newScope(dialect, Map.of());
    }

    /** A scope whose {@code ref()}s to the names in {@code relations} render as the given relations instead. */
    TemplateScope newScope(SqlDialect dialect, Map<String, String> relations) {
        return new TemplateScope(
                n -> Optional.ofNullable(relations.get(n)).or(() ->
                        Optional.ofNullable(catalog.get(n)).flatMap(Node::relation).map(r -> r.qualified(dialect))),
                n -> Optional.ofNullable(catalog.get(n)).filter(node -> node.kind() == NodeKind.TASK)
                        .map(node -> "ref('" + n + "'): '" + n + "' is an SQL task and builds no table; "
                                + "to run after it, list it under depends_on"),
                vars, dialect);
    }

    SqlTemplates templates() {
        return templates;
    }

    /** Every node {@code ref()} may name, marts included, by name. */
    Map<String, Node> catalog() {
        return java.util.Collections.unmodifiableMap(catalog);
    }

    public Map<String, Mart> marts() {
        return java.util.Collections.unmodifiableMap(marts);
    }

    /** The mart and task nodes (not the upstream nodes given to {@link #load}). */
    public List<Node> nodes() {
        return marts.keySet().stream().map(catalog::get).toList();
    }

    /** Edges from {@code ref()} calls and {@code depends_on}, with the file and line of each. */
    public List<Edge> edges() {
        return List.copyOf(edges);
    }

    private record Loaded(MartConfig config, TemplateSource source, Settings settings,
                          Optional<Relation> relation) {
    }

    /** Settings after merging {@code strata.yaml} with the file's {@code config()} header. */
    private record Settings(Materialization materialization, String schema, Optional<String> timeColumn,
                            List<String> uniqueKey) {
        static Settings merge(MartConfig mc, TemplateScope header, TemplateSource source, Problems problems) {
            Position at = source.position(header.headerOffset);
            String path = "marts." + mc.name();
            for (String key : header.header.keySet()) {
                if (!List.of("materialized", "schema", "time_column", "unique_key").contains(key)) {
                    problems.add(at, path, "config(): unknown setting '" + key + "'" + Suggestions.didYouMean(key,
                            List.of("materialized", "schema", "time_column", "unique_key")));
                }
            }
            Optional<Materialization> fileMat = text(header, "materialized").flatMap(w -> {
                if (List.of(Materialization.WORDS).contains(w)) {
                    return Optional.of(Materialization.of(w));
                }
                problems.add(at, path, "config(): materialized '" + w + "' is not one of " + String.join(", ", Materialization.WORDS));
                return Optional.empty();
            });
            Materialization m = pick(mc.materialized(), fileMat, "materialized", at, path, problems).orElse(Materialization.VIEW);
            Optional<String> fileSchema = identifier(header, "schema", at, path, problems);
            String schema = pick(mc.schema(), fileSchema, "schema", at, path, problems).orElse(MartConfig.DEFAULT_SCHEMA);
            Optional<String> fileTime = identifier(header, "time_column", at, path, problems);
            Optional<String> timeColumn = pick(mc.timeColumn(), fileTime, "time_column", at, path, problems);
            Optional<List<String>> fileKey = Optional.ofNullable(header.header.get("unique_key")).map(v ->
                    v instanceof List<?> l ? l.stream().map(String::valueOf).toList() : List.of(String.valueOf(v)));
            fileKey.ifPresent(k -> k.stream().filter(c -> !dev.strata.config.Identifiers.isSafe(c)).forEach(c ->
                    problems.add(at, path, "config(): unique_key column '" + c + "' is not a safe SQL name")));
            List<String> key = pick(mc.uniqueKey().isEmpty() ? Optional.empty() : Optional.of(mc.uniqueKey()), fileKey,
                    "unique_key", at, path, problems).orElse(List.of());
            if (m == Materialization.INCREMENTAL && timeColumn.isEmpty()) {
                problems.add(at, path, "an incremental mart needs time_column: the column that places each row in an "
                        + "interval, so re-running an interval replaces exactly its rows");
            }
            return new Settings(m, schema, timeColumn, key);
        }

        private static Optional<String> text(TemplateScope header, String key) {
            return Optional.ofNullable(header.header.get(key)).map(String::valueOf);
        }

        private static Optional<String> identifier(TemplateScope header, String key, Position at, String path, Problems problems) {
            return text(header, key).filter(v -> {
                if (dev.strata.config.Identifiers.isSafe(v)) {
                    return true;
                }
                problems.add(at, path, "config(): " + key + " '" + v + "' is not a safe SQL name");
                return false;
            });
        }

        private static <T> Optional<T> pick(Optional<T> yaml, Optional<T> file, String key, Position at, String path,
                                            Problems problems) {
            if (yaml.isPresent() && file.isPresent() && !yaml.get().equals(file.get())) {
                problems.add(at, path, "config(): " + key + " is set to '" + file.get() + "' here and to '" + yaml.get()
                        + "' in strata.yaml; keep one");
            }
            return yaml.or(() -> file);
        }
    }
}
