package dev.strata.schedule;

import dev.strata.graph.Edge;
import dev.strata.graph.Node;
import java.util.List;
import java.util.Map;

/**
 * Nodes contributed by another part of Strata (the vault's targets), with their edges and the
 * actions that run them when they are scheduled. Marts may {@code ref()} them.
 */
public record ExternalNodes(List<Node> nodes, List<Edge> edges, Map<String, TaskAction> actions) {
    public ExternalNodes {
        nodes = List.copyOf(nodes);
        edges = List.copyOf(edges);
        actions = Map.copyOf(actions);
    }

    public static ExternalNodes none() {
        return new ExternalNodes(List.of(), List.of(), Map.of());
    }
}
