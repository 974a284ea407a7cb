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

    /** These nodes and {@code other}'s together. */
    public ExternalNodes and(ExternalNodes other) {
        java.util.List<Node> n = new java.util.ArrayList<>(nodes);
        n.addAll(other.nodes);
        java.util.List<Edge> e = new java.util.ArrayList<>(edges);
        e.addAll(other.edges);
        java.util.Map<String, TaskAction> a = new java.util.LinkedHashMap<>(actions);
        a.putAll(other.actions);
        return new ExternalNodes(n, e, a);
    }

    public static ExternalNodes none() {
        return new ExternalNodes(List.of(), List.of(), Map.of());
    }
}
