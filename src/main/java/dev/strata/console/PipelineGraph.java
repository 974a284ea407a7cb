package dev.strata.console;

import java.util.List;
import java.util.Optional;

/**
 * The node graph the console draws (sources → STG → vault → marts). Supplied by whoever owns the
 * graph ({@code strata run} passes the scheduler's); {@link #fromSources} is the fallback that
 * knows only the project's sources. Called on request threads: implementations are thread-safe
 * and cheap (the graph is built once).
 */
@FunctionalInterface
public interface PipelineGraph {
    /** Every node, inputs before the nodes that read them. */
    List<GraphNode> nodes();

    default Optional<GraphNode> node(String name) {
        return nodes().stream().filter(n -> n.name().equals(name)).findFirst();
    }

    /**
     * The layer the graph page draws a node in, left to right: {@code source}, {@code stg},
     * {@code hub}, {@code link}, {@code satellite}, then {@code task} and {@code mart}. By default
     * the node's kind; the scheduler's graph tells a vault target's hub, link or satellite.
     */
    default String layer(GraphNode node) {
        return node.kind();
    }

    /**
     * The scheduler's graph of a loaded pipeline: every source, vault target, mart and SQL task with
     * its table and inputs, in topological order; marts carry their SQL rendered for a sample
     * interval ({@link dev.strata.marts.TemplateInterval#sample()}). Built once.
     */
    static PipelineGraph of(dev.strata.schedule.Pipeline pipeline) {
        dev.strata.graph.PipelineGraph g = pipeline.graph();
        java.util.Map<String, dev.strata.marts.Mart> marts = pipeline.marts().marts();
        List<GraphNode> nodes = new java.util.ArrayList<>();
        for (String name : g.topologicalOrder()) {
            dev.strata.graph.Node n = g.node(name).orElseThrow();
            String sql = null;
            dev.strata.marts.Mart mart = marts.get(name);
            if (mart != null) {
                try {
                    sql = mart.render(pipeline.adapter().sql(), dev.strata.marts.TemplateInterval.sample()).sql();
                } catch (RuntimeException e) {
                    sql = "-- cannot render " + name + ": " + e.getMessage();
                }
            }
            nodes.add(new GraphNode(name, n.kind().word(), n.relation().map(dev.strata.graph.Relation::schema),
                    n.relation().map(dev.strata.graph.Relation::name), g.upstreamOf(name), Optional.ofNullable(sql)));
        }
        List<GraphNode> frozen = List.copyOf(nodes);
        dev.strata.config.VaultSection vault = pipeline.project().vault();
        return new PipelineGraph() {
            @Override
            public List<GraphNode> nodes() {
                return frozen;
            }

            @Override
            public String layer(GraphNode node) {
                String name = node.name();
                return vault.hubs().containsKey(name) ? "hub" : vault.links().containsKey(name) ? "link"
                        : vault.satellites().containsKey(name) ? "satellite" : node.kind();
            }
        };
    }

    /** The graph of a project whose only known nodes are its sources: topic → {@code stg.<source>}. */
    static PipelineGraph fromSources(dev.strata.config.ProjectConfig project) {
        List<GraphNode> nodes = new java.util.ArrayList<>();
        for (dev.strata.config.SourceConfig s : project.sourcesInOrder()) {
            String topic = s.spec() instanceof dev.strata.config.KafkaSourceSpec k ? k.topic() : s.name();
            nodes.add(GraphNode.external("topic:" + topic, "source", List.of()));
            nodes.add(GraphNode.withTable(s.name(), "stg", dev.strata.ingest.StgTable.SCHEMA, s.name(),
                    List.of("topic:" + topic), null));
        }
        List<GraphNode> frozen = List.copyOf(nodes);
        return () -> frozen;
    }
}
