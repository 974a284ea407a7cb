package dev.strata.quality;

import dev.strata.config.DataTestConfig;
import dev.strata.config.DataTestConfig.Kind;
import dev.strata.config.DataTestConfig.Severity;
import dev.strata.config.Position;
import dev.strata.config.Problems;
import dev.strata.config.ProjectConfig;
import dev.strata.graph.Relation;
import dev.strata.vault.IntegrityChecks;
import dev.strata.warehouse.SqlDialect;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Every test of a project, ready to run, per node in graph order: the declared ones, a mart's
 * {@code checks:}, the files {@code tests/*.sql} (each attached to the most downstream node it
 * {@code ref()}s, so it runs when that node is built) and the generated integrity checks of every
 * vault table ({@link IntegrityChecks}). Built without connecting anywhere; problems (a template
 * error, a built-in test on an SQL task, a test file that refs nothing) are reported at once.
 */
public final class ProjectTests {
    /**
     * What a test needs to know of the node it checks.
     *
     * @param ghostKeyColumn for a vault table with ghost records, the hash key column whose ghost
     *                       value marks the ghost row, which built-in tests leave out (it is no data)
     */
    public record NodeInfo(String name, Optional<Relation> relation, Optional<String> timeColumn,
                           Optional<String> ghostKeyColumn) {
        public NodeInfo(String name, Optional<Relation> relation, Optional<String> timeColumn) {
            this(name, relation, timeColumn, Optional.empty());
        }
    }

    /** Renders {@code sql} tests' templates; implemented by the marts' templating (ref(), var(), interval variables). */
    public interface Templates {
        /** The nodes the template {@code ref()}s, in order, and its {@code config()} settings; problems go to {@code problems}. */
        Parsed parse(String text, String file, Optional<Position> inline, String owner, Problems problems);

        /**
         * The template rendered for {@code scope}; {@code {{ this }}} is {@code node}'s relation.
         * {@code inline}: the SQL is written in strata.yaml at that place (else it is {@code file}).
         */
        String render(String text, String file, Optional<Position> inline, String node, TestScope scope);

        /** What {@link #parse} found. */
        record Parsed(List<String> refs, Map<String, Object> header) {
        }
    }

    private final Map<String, List<DataTest>> byNode;

    private ProjectTests(Map<String, List<DataTest>> byNode) {
        this.byNode = byNode;
    }

    public static ProjectTests none() {
        return new ProjectTests(Map.of());
    }

    /**
     * @param nodes every node of the graph, in topological order
     */
    public static ProjectTests build(ProjectConfig project, SqlDialect dialect, List<NodeInfo> nodes, Templates templates,
                                     Problems problems) {
        Map<String, NodeInfo> info = new LinkedHashMap<>();
        nodes.forEach(n -> info.put(n.name(), n));
        Map<String, List<DataTest>> out = new LinkedHashMap<>();
        nodes.forEach(n -> out.put(n.name(), new ArrayList<>()));
        TestQueries queries = new TestQueries(dialect);
        IntegrityChecks integrity = new IntegrityChecks(dialect, project.vault());
        for (NodeInfo n : nodes) {
            for (IntegrityChecks.Check c : integrity.of(n.name())) {
                String sql = c.sql();
                out.get(n.name()).add(new DataTest(n.name(), c.name(), Kind.VAULT_INTEGRITY, Severity.ERROR,
                        project.vault().hubs().containsKey(n.name()) ? project.vault().hubs().get(n.name()).position()
                                : position(project, n.name()), c.description(), scope -> new BoundSql(sql, List.of(), false)));
            }
            for (DataTestConfig t : project.tests().of(n.name())) {
                declared(project, t, n, info, queries, templates, problems).ifPresent(out.get(n.name())::add);
            }
        }
        List<String> order = nodes.stream().map(NodeInfo::name).toList();
        for (DataTestConfig f : project.tests().files()) {
            Optional<String> text = read(project.directory(), f, problems);
            if (text.isEmpty()) {
                continue;
            }
            Templates.Parsed parsed = templates.parse(text.get(), display(project.directory(), f), Optional.empty(), f.name(), problems);
            Optional<String> node = parsed.refs().stream().filter(info::containsKey)
                    .max(java.util.Comparator.comparingInt(order::indexOf));
            if (node.isEmpty()) {
                if (parsed.refs().isEmpty()) {
                    problems.add(f.position(), "tests." + f.name(), "a test file must ref() what it tests "
                            + "(e.g. select ... from {{ ref('global_metrics') }} where ...); it runs after that node is built");
                }
                continue;
            }
            Severity severity = severity(parsed.header(), f, problems);
            out.get(node.get()).add(sqlTest(f, node.get(), severity, text.get(), display(project.directory(), f),
                    Optional.empty(), templates));
        }
        Map<String, List<DataTest>> frozen = new LinkedHashMap<>();
        out.forEach((k, v) -> {
            if (!v.isEmpty()) {
                frozen.put(k, List.copyOf(v));
            }
        });
        return new ProjectTests(Collections.unmodifiableMap(frozen));
    }

    private static Optional<DataTest> declared(ProjectConfig project, DataTestConfig t, NodeInfo n, Map<String, NodeInfo> info,
                                               TestQueries queries, Templates templates, Problems problems) {
        String path = n.name() + ".tests." + t.name();
        if (t.kind() == Kind.SQL) {
            String text;
            String file;
            Optional<Position> inline = t.sql().map(q -> t.position());
            if (t.sql().isPresent()) {
                text = t.sql().get();
                file = t.position().file() + ":" + t.position().line() + " (test " + t.name() + ")";
            } else {
                Optional<String> read = read(project.directory(), t, problems);
                if (read.isEmpty()) {
                    return Optional.empty();
                }
                text = read.get();
                file = display(project.directory(), t);
            }
            boolean isCheck = project.marts().get(n.name()).map(mc -> mc.checks().stream()
                    .anyMatch(c -> c.name().equals(t.name()) && c.position().equals(t.position()))).orElse(false);
            if (!isCheck) {
                templates.parse(text, file, inline, n.name(), problems); // a mart's checks: are reported by the marts
            }
            return Optional.of(sqlTest(t, n.name(), t.severity(), text, file, inline, templates));
        }
        if (n.relation().isEmpty()) {
            problems.add(t.position(), path, n.name() + " is an SQL task and builds no table; only sql tests apply to it");
            return Optional.empty();
        }
        Optional<Relation> other = Optional.empty();
        if (t.to().isPresent()) {
            NodeInfo target = info.get(t.to().get().name());
            if (target == null) {
                return Optional.empty(); // reported by the config reader
            }
            if (target.relation().isEmpty()) {
                problems.add(t.to().get().position(), path, t.to().get().name() + " is an SQL task and builds no table");
                return Optional.empty();
            }
            other = target.relation();
        }
        return Optional.of(new DataTest(n.name(), t.name(), t.kind(), t.severity(), t.position(), describe(t),
                queries.query(t, n.relation().get(), n.timeColumn(), other, n.ghostKeyColumn())));
    }

    private static DataTest sqlTest(DataTestConfig t, String node, Severity severity, String text, String file,
                                    Optional<Position> inline, Templates templates) {
        return new DataTest(node, t.name(), Kind.SQL, severity, t.position(), "returns no rows: " + file,
                scope -> BoundSql.user(templates.render(text, file, inline, node, scope)));
    }

    private static Severity severity(Map<String, Object> header, DataTestConfig f, Problems problems) {
        for (String key : header.keySet()) {
            if (!key.equals("severity")) {
                problems.add(f.position(), "tests." + f.name(), "config(): unknown setting '" + key + "' (a test file takes severity)");
            }
        }
        Object s = header.get("severity");
        if (s == null) {
            return Severity.ERROR;
        }
        if (!List.of(Severity.WORDS).contains(String.valueOf(s))) {
            problems.add(f.position(), "tests." + f.name(), "config(): severity '" + s + "' is not one of error, warn");
            return Severity.ERROR;
        }
        return Severity.of(String.valueOf(s));
    }

    private static String describe(DataTestConfig t) {
        String cols = String.join(", ", t.columns().stream().map(DataTestConfig.Column::name).toList());
        String base = switch (t.kind()) {
            case NOT_NULL -> cols + " is never NULL";
            case UNIQUE -> "(" + cols + ") is unique";
            case ACCEPTED_VALUES -> cols + " is one of " + String.join(", ", t.values());
            case RELATIONSHIPS -> "every " + cols + " is a " + t.field().orElse("") + " of " + t.to().map(DataTestConfig.NodeRef::name).orElse("");
            case ROW_COUNT -> t.to().map(o -> "as many rows as " + o.name()).orElseGet(() -> "between "
                    + t.min().map(String::valueOf).orElse("0") + " and " + t.max().map(String::valueOf).orElse("any number of") + " rows");
            case FRESHNESS -> "the newest " + cols + " is at most " + dev.strata.config.Durations.format(t.maxAge().orElseThrow()) + " old";
            case EXPRESSION -> t.expression().orElse("") + " holds for every row";
            default -> t.kind().word();
        };
        return base + t.where().map(w -> " (where " + w + ")").orElse("");
    }

    private static Optional<String> read(Path dir, DataTestConfig t, Problems problems) {
        Path f = t.file().orElseThrow();
        // inside the project folder, UTF-8, size-limited, like every file a project names
        return dev.strata.config.ProjectFiles.read(dir, f, dir.resolve(f).normalize().toString(), t.position(),
                t.node().orElse("tests") + ".tests." + t.name(), problems);
    }

    private static String display(Path dir, DataTestConfig t) {
        return dir.resolve(t.file().orElseThrow()).normalize().toString();
    }

    private static Position position(ProjectConfig project, String node) {
        var v = project.vault();
        if (v.links().containsKey(node)) {
            return v.links().get(node).position();
        }
        if (v.satellites().containsKey(node)) {
            return v.satellites().get(node).position();
        }
        return new Position("strata.yaml", 1, 1);
    }

    /** The tests of {@code node}, in order (generated integrity checks first). */
    public List<DataTest> of(String node) {
        return byNode.getOrDefault(node, List.of());
    }

    /** Every test, node by node in graph order. */
    public List<DataTest> all() {
        List<DataTest> out = new ArrayList<>();
        byNode.values().forEach(out::addAll);
        return out;
    }

    /** The nodes that have tests, in graph order. */
    public List<String> nodes() {
        return List.copyOf(byNode.keySet());
    }
}
