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
