package dev.strata.marts;

import dev.strata.config.MartConfig;
import dev.strata.config.MartConfig.Materialization;
import dev.strata.config.Position;
import dev.strata.config.Problems;
import dev.strata.config.ProjectConfig;
import dev.strata.config.Suggestions;
import dev.strata.graph.Edge;
import dev.strata.graph.Node;
import dev.strata.graph.NodeKind;
import dev.strata.graph.Relation;
import dev.strata.warehouse.SqlDialect;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
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
    private final Map<String, String> vars;

    private MartProject(Map<String, String> vars) {
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
            Path file = project.directory().resolve(mc.file()).normalize();
            String display = file.toString();
            String text;
            try {
                text = Files.readString(file, StandardCharsets.UTF_8);
            } catch (IOException e) {
                continue; // reported by the config reader (missing file) or below
            }
            TemplateScope headerScope = mp.discoveryScope(dialect);
            mp.templates.render(text, headerScope, dialect, TemplateInterval.sample(), "");
            Settings s = Settings.merge(mc, headerScope, display, problems);
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
            loaded.put(mc.name(), new Loaded(mc, text, display, s, relation));
        }
        // Second pass: render for real, collecting refs as edges and every problem with its line.
        for (Loaded l : loaded.values()) {
            // a mart's checks: and sql tests are data tests (dev.strata.quality), built with the project's other
            // tests once the graph is known; what they ref() must still run before the mart
            for (dev.strata.config.DataTestConfig t : project.tests().of(l.config.name())) {
                if (t.kind() != dev.strata.config.DataTestConfig.Kind.SQL) {
                    continue;
                }
                String testText = t.sql().orElse(null);
                String testFile = t.position().file() + ":" + t.position().line();
                if (testText == null) {
                    Path f = project.directory().resolve(t.file().orElseThrow()).normalize();
                    testFile = f.toString();
                    try {
                        testText = Files.readString(f, StandardCharsets.UTF_8);
                    } catch (IOException e) {
                        continue; // reported when the tests are built
                    }
                }
                mp.collectEdges(l.config.name(), testText, testFile, dialect);
            }
            mp.collect(l.config.name(), l.text, l.display, dialect, problems);
            for (MartConfig.NamedRef d : l.config.dependsOn()) {
                if (!mp.catalog.containsKey(d.name())) {
                    problems.add(d.position(), "marts." + l.config.name() + ".depends_on", "no node named '" + d.name() + "'"
                            + Suggestions.didYouMean(d.name(), mp.catalog.keySet()));
                    continue;
                }
                mp.edges.add(new Edge(d.name(), l.config.name(), d.position()));
            }
            mp.marts.put(l.config.name(), new Mart(l.config.name(), l.settings.materialization, l.relation,
                    l.settings.timeColumn, l.settings.uniqueKey, new Mart.Template(l.config.name(), l.text, l.display),
                    l.config.position(), mp));
        }
        return mp;
    }

    private void collect(String mart, String text, String display, SqlDialect dialect, Problems problems) {
        TemplateScope scope = newScope(dialect);
        Relation self = catalog.get(mart).relation().orElse(null);
        templates.render(text, scope, dialect, TemplateInterval.sample(), self == null ? "" : self.qualified(dialect));
        for (TemplateScope.LineProblem p : scope.problems) {
            String message = p.message();
            if (message.startsWith("ref('")) {
                String name = message.substring(5, message.indexOf('\'', 5));
                message = message + Suggestions.didYouMean(name, catalog.keySet());
            }
            problems.add(new Position(display, p.line(), 1), mart, message);
        }
        for (TemplateScope.RefCall r : scope.refs) {
            if (catalog.containsKey(r.name())) {
                edges.add(new Edge(r.name(), mart, new Position(display, r.line(), 1)));
            }
        }
    }

    /** Records the edges of a template's {@code ref()}s into {@code mart}, reporting nothing (its problems are reported elsewhere). */
    private void collectEdges(String mart, String text, String display, SqlDialect dialect) {
        TemplateScope scope = newScope(dialect);
        templates.render(text, scope, dialect, TemplateInterval.sample(), "");
        for (TemplateScope.RefCall r : scope.refs) {
            if (catalog.containsKey(r.name()) && !r.name().equals(mart)) {
                edges.add(new Edge(r.name(), mart, new Position(display, r.line(), 1)));
            }
        }
    }

    /** What {@link #parseTemplate} found in a template: the nodes it {@code ref()}s, in order, and its {@code config()} settings. */
    public record ParsedTemplate(List<String> refs, Map<String, Object> header) {
    }

    /**
     * Reads a template that is not a mart (a data test's SQL): renders it once for a sample
     * interval, reporting template errors and unknown {@code ref()}s at {@code display}'s lines
     * under {@code owner}, and returns what it refs.
     */
    public ParsedTemplate parseTemplate(String text, String display, String owner, SqlDialect dialect, Problems problems) {
        TemplateScope scope = newScope(dialect);
        templates.render(text, scope, dialect, TemplateInterval.sample(), "");
        for (TemplateScope.LineProblem p : scope.problems) {
            String message = p.message();
            if (message.startsWith("ref('")) {
                String name = message.substring(5, message.indexOf('\'', 5));
                message = message + Suggestions.didYouMean(name, catalog.keySet());
            }
            problems.add(new Position(display, p.line(), 1), owner, message);
        }
        return new ParsedTemplate(scope.refs.stream().map(TemplateScope.RefCall::name).distinct().toList(),
                Map.copyOf(scope.header));
    }

    /**
     * Renders a template (a mart's SQL, a data test's) for {@code interval}, {@code {{ this }}}
     * being {@code self}. A template problem becomes a {@link dev.strata.ErrorCode#TASK_FAILED} error
     * naming {@code display} and the line.
     */
    public String renderTemplate(String text, String display, SqlDialect dialect, TemplateInterval interval, String self) {
        SqlTemplates.Rendered r = templates.render(text, newScope(dialect), dialect, interval, self);
        if (!r.ok()) {
            throw new dev.strata.StrataException(dev.strata.ErrorCode.TASK_FAILED, r.scope().problems.stream()
                    .map(p -> display + ":" + p.line() + ": " + p.message()).collect(java.util.stream.Collectors.joining("\n")));
        }
        return r.sql().strip();
    }

    /** The relation {@code ref(name)} resolves to, if any. */
    public Optional<Relation> relationOf(String name) {
        return Optional.ofNullable(catalog.get(name)).flatMap(Node::relation);
    }

    /** A scope that resolves names but reports nothing about them (used to read headers). */
    private TemplateScope discoveryScope(SqlDialect dialect) {
        return new TemplateScope(n -> Optional.of(dialect.quote(n)), n -> Optional.empty(), vars);
    }

    TemplateScope newScope(SqlDialect dialect) {
        return new TemplateScope(
                n -> Optional.ofNullable(catalog.get(n)).flatMap(Node::relation).map(r -> r.qualified(dialect)),
                n -> Optional.ofNullable(catalog.get(n)).filter(node -> node.kind() == NodeKind.TASK)
                        .map(node -> "ref('" + n + "'): '" + n + "' is an SQL task and builds no table; "
                                + "to run after it, list it under depends_on"),
                vars);
    }

    SqlTemplates templates() {
        return templates;
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

    private record Loaded(MartConfig config, String text, String display, Settings settings,
                          Optional<Relation> relation) {
    }

    /** Settings after merging {@code strata.yaml} with the file's {@code config()} header. */
    private record Settings(Materialization materialization, String schema, Optional<String> timeColumn,
                            List<String> uniqueKey) {
        static Settings merge(MartConfig mc, TemplateScope header, String display, Problems problems) {
            Position at = new Position(display, Math.max(1, header.headerLine), 1);
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
