package dev.strata.schedule;

import dev.strata.config.ConfigException;
import dev.strata.config.Position;
import dev.strata.config.Problems;
import dev.strata.config.ProjectConfig;
import dev.strata.config.ScheduleSection;
import dev.strata.config.SourceConfig;
import dev.strata.config.Suggestions;
import dev.strata.graph.Edge;
import dev.strata.graph.Node;
import dev.strata.graph.NodeKind;
import dev.strata.graph.PipelineGraph;
import dev.strata.graph.Relation;
import dev.strata.ingest.StgTable;
import dev.strata.marts.Mart;
import dev.strata.marts.MartBuilder;
import dev.strata.marts.MartProject;
import dev.strata.marts.TemplateInterval;
import dev.strata.objects.ProjectObjects;
import dev.strata.quality.ProjectTests;
import dev.strata.quality.TestScope;
import dev.strata.warehouse.Materializer;
import dev.strata.warehouse.WarehouseAdapter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A project ready to schedule: its graph (sources, vault targets, marts, SQL tasks and the edges
 * between them), each node's {@link NodeSchedule} and the {@link TaskAction} of each scheduled
 * node. Built without connecting anywhere, so {@code validate} and {@code plan} use it too; every
 * problem (unknown ref, cycle, schedule for an unknown node) is reported at once with file:line.
 */
public final class Pipeline {
    private final ProjectConfig project;
    private final WarehouseAdapter adapter;
    private final PipelineGraph graph;
    private final MartProject marts;
    private final Map<String, NodeSchedule> schedules;
    private final Map<String, TaskAction> actions;
    private final ProjectTests tests;
    private final ProjectObjects objects;

    private Pipeline(ProjectConfig project, WarehouseAdapter adapter, PipelineGraph graph, MartProject marts,
                     Map<String, NodeSchedule> schedules, Map<String, TaskAction> actions, ProjectTests tests,
                     ProjectObjects objects) {
        this.project = project;
        this.adapter = adapter;
        this.graph = graph;
        this.marts = marts;
        this.schedules = schedules;
        this.actions = actions;
        this.tests = tests;
        this.objects = objects;
    }

    /** The project's sources, vault targets, marts and SQL tasks. */
    public static Pipeline load(ProjectConfig project, WarehouseAdapter adapter) {
        return load(project, adapter, VaultNodes.of(project.name(), project.vault()).and(BackupNodes.of(project)));
    }

    /** Builds the pipeline or throws a {@link ConfigException} listing every problem. */
    public static Pipeline load(ProjectConfig project, WarehouseAdapter adapter, ExternalNodes external) {
        Problems problems = new Problems();
        // a scheduled backup on a warehouse without backups would fail at every run: refuse it at load
        project.operations().backup().filter(b -> b.scheduled() && !adapter.backups().available()).ifPresent(b ->
                problems.add(b.position(), "backup.scheduled", "strata backup is not available for " + adapter.name()
                        + " yet: it is implemented for PostgreSQL only (docs/operations.md#backups)"));
        List<Node> upstream = new ArrayList<>();
        for (SourceConfig s : project.sourcesInOrder()) {
            upstream.add(new Node(s.name(), NodeKind.SOURCE, Optional.of(new Relation(StgTable.SCHEMA, s.name())), s.position()));
        }
        upstream.addAll(external.nodes());
        MartProject marts = MartProject.load(project, adapter.sql(), upstream, problems);
        List<Node> all = new ArrayList<>(upstream);
        all.addAll(marts.nodes());
        List<Edge> edges = new ArrayList<>(external.edges());
        edges.addAll(marts.edges());
        PipelineGraph graph = PipelineGraph.of(all, edges, problems);
        ProjectTests tests = problems.isEmpty() ? loadTests(project, adapter.sql(), graph, marts, problems) : ProjectTests.none();

        ScheduleSection section = project.schedule();
        Map<String, NodeSchedule> schedules = new LinkedHashMap<>();
        Map<String, TaskAction> actions = new LinkedHashMap<>();
        MartBuilder builder = new MartBuilder(adapter);
        for (Node n : graph.nodes()) {
            NodeSchedule schedule = switch (n.kind()) {
                case SOURCE -> NodeSchedule.continuous();
                case VAULT -> schedule(section, n.name(), ScheduleSection.Layer.VAULT, problems);
                case MART, TASK -> schedule(section, n.name(), ScheduleSection.Layer.MARTS, problems);
            };
            schedules.put(n.name(), schedule);
            if (n.kind() == NodeKind.MART || n.kind() == NodeKind.TASK) {
                Mart mart = marts.marts().get(n.name());
                if (mart != null) {
                    actions.put(n.name(), TestedAction.of(project.name(), tests.of(n.name()),
                            ctx -> builder.build(new Materializer.BuildContext(ctx.connection(), ctx.warehouse()), mart,
                                    new TemplateInterval(ctx.interval().data().start(), ctx.interval().data().end(),
                                            ctx.interval().logicalDate()))));
                }
            }
        }
        // a scheduled vault target's load commits on its own; its tests then run and can fail the task
        external.actions().forEach((name, action) ->
                actions.put(name, TestedAction.of(project.name(), tests.of(name), action)));
        section.nodes().forEach((name, settings) -> {
            Position at = section.nodePositions().get(name);
            Optional<Node> node = graph.node(name);
            if (node.isEmpty()) {
                problems.add(at, "schedule.nodes." + name, "no node named '" + name + "'"
                        + Suggestions.didYouMean(name, graph.nodes().stream().map(Node::name).toList()));
            } else if (node.get().kind() == NodeKind.SOURCE && !settings.isContinuous()
                    && (settings.every().isPresent() || settings.cron().isPresent())) {
                problems.add(at, "schedule.nodes." + name, "'" + name + "' is a source; sources land continuously");
            }
        });
        ProjectObjects objects = ProjectObjects.discover(project, adapter.name(), problems);
        problems.throwIfAny();
        return new Pipeline(project, adapter, graph, marts, schedules, actions, tests, objects);
    }

    /** The project's data tests over the graph's nodes; {@code sql} tests are rendered by the marts' templating. */
    private static ProjectTests loadTests(ProjectConfig project, dev.strata.warehouse.SqlDialect dialect, PipelineGraph graph, MartProject marts,
                                          Problems problems) {
        List<ProjectTests.NodeInfo> nodes = new ArrayList<>();
        for (String name : graph.topologicalOrder()) {
            Node n = graph.node(name).orElseThrow();
            Mart mart = marts.marts().get(name);
            Optional<String> timeColumn = mart != null && mart.materialization() == dev.strata.config.MartConfig.Materialization.INCREMENTAL
                    ? mart.timeColumn() : Optional.empty();
            nodes.add(new ProjectTests.NodeInfo(name, n.relation(), timeColumn));
        }
        ProjectTests.Templates templates = new ProjectTests.Templates() {
            @Override
            public Parsed parse(String text, String file, Optional<Position> inline, String owner, Problems p) {
                MartProject.ParsedTemplate t = marts.parseTemplate(text, file, inline, owner, dialect, p);
                return new Parsed(t.refs(), t.header());
            }

            @Override
            public String render(String text, String file, Optional<Position> inline, String node, TestScope scope) {
                TemplateInterval interval = scope.hasInterval()
                        ? new TemplateInterval(scope.start().orElseThrow(), scope.end().orElseThrow(), scope.logicalDate().orElseThrow())
                        : TestedAction.ALL_TIME;
                return marts.renderTemplate(text, file, inline, dialect, interval,
                        marts.relationOf(node).map(r -> r.qualified(dialect)).orElse(""));
            }
        };
        return ProjectTests.build(project, dialect, nodes, templates, problems);
    }

    /** The SQL objects the project deploys on this warehouse before its tasks run (docs/operations.md). */
    public ProjectObjects objects() {
        return objects;
    }

    /** The project's data tests, per node (see docs/tests.md). */
    public ProjectTests tests() {
        return tests;
    }

    private static NodeSchedule schedule(ScheduleSection section, String node, ScheduleSection.Layer layer, Problems problems) {
        try {
            return NodeSchedule.of(section.forNode(node, layer));
        } catch (IllegalArgumentException e) {
            problems.add(section.nodePositions().getOrDefault(node, new Position("strata.yaml", 1, 1)),
                    "schedule", node + ": " + e.getMessage());
            return NodeSchedule.continuous();
        }
    }

    public ProjectConfig project() {
        return project;
    }

    public String name() {
        return project.name();
    }

    /** The warehouse adapter the pipeline's SQL is rendered for. */
    public WarehouseAdapter adapter() {
        return adapter;
    }

    public PipelineGraph graph() {
        return graph;
    }

    public MartProject marts() {
        return marts;
    }

    public NodeSchedule schedule(String node) {
        NodeSchedule s = schedules.get(node);
        if (s == null) {
            throw new IllegalArgumentException("no node named '" + node + "'");
        }
        return s;
    }

    public Optional<TaskAction> action(String node) {
        return Optional.ofNullable(actions.get(node));
    }

    /** The nodes that run on a schedule (not continuously), in topological order. */
    public List<String> scheduledNodes() {
        return graph.topologicalOrder().stream().filter(n -> !schedule(n).isContinuous()).toList();
    }
}
