package dev.strata.graph;

import dev.strata.config.Problems;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The nodes of a project and the edges between them, acyclic. Immutable. Built with {@link #of},
 * which reports cycles (and edges to unknown nodes) as config problems naming the file and line of
 * every edge in the cycle.
 */
public final class PipelineGraph {
    private final Map<String, Node> nodes;
    private final List<Edge> edges;
    private final Map<String, List<Edge>> upstream = new HashMap<>();
    private final Map<String, List<Edge>> downstream = new HashMap<>();
    private final List<String> order;

    private PipelineGraph(Map<String, Node> nodes, List<Edge> edges) {
        this.nodes = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(nodes));
        this.edges = List.copyOf(edges);
        for (Edge e : this.edges) {
            upstream.computeIfAbsent(e.downstream(), k -> new ArrayList<>()).add(e);
            downstream.computeIfAbsent(e.upstream(), k -> new ArrayList<>()).add(e);
        }
        this.order = computeOrder();
    }

    /**
     * Builds the graph. Duplicate edges are merged (the first position is kept); edges naming an
     * unknown node and cycles are added to {@code problems}, and left out so the graph stays usable
     * for reporting.
     */
    public static PipelineGraph of(Collection<Node> nodeList, Collection<Edge> edgeList, Problems problems) {
        Map<String, Node> nodes = new LinkedHashMap<>();
        for (Node n : nodeList) {
            Node previous = nodes.putIfAbsent(n.name(), n);
            if (previous != null) {
                problems.add(n.position(), n.name(), "the name '" + n.name() + "' is already used by the "
                        + previous.kind().word() + " declared at " + previous.position()
                        + "; every source, vault target and mart needs its own name");
            }
        }
        Map<String, Edge> unique = new LinkedHashMap<>();
        for (Edge e : edgeList) {
            if (!nodes.containsKey(e.upstream()) || !nodes.containsKey(e.downstream())) {
                String missing = nodes.containsKey(e.upstream()) ? e.downstream() : e.upstream();
                problems.add(e.position(), e.downstream(), "unknown node '" + missing + "'"
                        + dev.strata.config.Suggestions.didYouMean(missing, nodes.keySet()));
                continue;
            }
            if (e.upstream().equals(e.downstream())) {
                problems.add(e.position(), e.downstream(), "'" + e.downstream() + "' refers to itself");
                continue;
            }
            unique.putIfAbsent(e.upstream() + "\u0000" + e.downstream(), e);
        }
        List<Edge> kept = new ArrayList<>(unique.values());
        for (List<Edge> cycle : cycles(nodes.keySet(), kept)) {
            StringBuilder path = new StringBuilder();
            StringBuilder where = new StringBuilder();
            for (Edge e : cycle) {
                path.append(e.upstream()).append(" -> ");
                where.append("\n    ").append(e.position()).append(": ").append(e.downstream())
                        .append(" depends on ").append(e.upstream());
            }
            path.append(cycle.get(0).upstream());
            Edge first = cycle.get(0);
            problems.add(first.position(), first.downstream(), "dependency cycle " + path + where);
            kept.removeAll(cycle.subList(0, 1));
        }
        return new PipelineGraph(nodes, kept);
    }

    /** Every elementary cycle found by a depth-first search, each once. Pure; no problems recorded. */
    static List<List<Edge>> cycles(Set<String> names, List<Edge> edges) {
        Map<String, List<Edge>> out = new HashMap<>();
        for (Edge e : edges) {
            out.computeIfAbsent(e.upstream(), k -> new ArrayList<>()).add(e);
        }
        List<List<Edge>> found = new ArrayList<>();
        Set<Set<String>> seen = new HashSet<>();
        Set<String> done = new HashSet<>();
        for (String start : names) {
            if (!done.contains(start)) {
                dfs(start, out, new ArrayDeque<>(), new LinkedHashSet<>(), done, found, seen);
            }
        }
        return found;
    }

    private static void dfs(String node, Map<String, List<Edge>> out, Deque<Edge> pathEdges, Set<String> onPath,
                            Set<String> done, List<List<Edge>> found, Set<Set<String>> seen) {
        onPath.add(node);
        for (Edge e : out.getOrDefault(node, List.of())) {
            String next = e.downstream();
            if (onPath.contains(next)) {
                List<Edge> cycle = new ArrayList<>();
                boolean in = false;
                for (java.util.Iterator<Edge> it = pathEdges.descendingIterator(); it.hasNext(); ) {
                    Edge p = it.next();
                    if (p.upstream().equals(next)) {
                        in = true;
                    }
                    if (in) {
                        cycle.add(p);
                    }
                }
                cycle.add(e);
                Set<String> key = new HashSet<>();
                cycle.forEach(c -> key.add(c.upstream()));
                if (seen.add(key)) {
                    found.add(cycle);
                }
            } else if (!done.contains(next)) {
                pathEdges.push(e);
                dfs(next, out, pathEdges, onPath, done, found, seen);
                pathEdges.pop();
            }
        }
        onPath.remove(node);
        done.add(node);
    }

    private List<String> computeOrder() {
        Map<String, Integer> indegree = new LinkedHashMap<>();
        nodes.keySet().forEach(n -> indegree.put(n, 0));
        edges.forEach(e -> indegree.merge(e.downstream(), 1, Integer::sum));
        Deque<String> ready = new ArrayDeque<>();
        indegree.forEach((n, d) -> {
            if (d == 0) {
                ready.add(n);
            }
        });
        List<String> out = new ArrayList<>();
        while (!ready.isEmpty()) {
            String n = ready.poll();
            out.add(n);
            for (Edge e : downstream.getOrDefault(n, List.of())) {
                if (indegree.merge(e.downstream(), -1, Integer::sum) == 0) {
                    ready.add(e.downstream());
                }
            }
        }
        return List.copyOf(out);
    }

    public Optional<Node> node(String name) {
        return Optional.ofNullable(nodes.get(name));
    }

    public Collection<Node> nodes() {
        return nodes.values();
    }

    public List<Edge> edges() {
        return edges;
    }

    /** Node names, each after all of its upstreams. */
    public List<String> topologicalOrder() {
        return order;
    }

    public List<String> upstreamOf(String name) {
        return upstream.getOrDefault(name, List.of()).stream().map(Edge::upstream).toList();
    }

    public List<String> downstreamOf(String name) {
        return downstream.getOrDefault(name, List.of()).stream().map(Edge::downstream).toList();
    }

    /** {@code name} and everything that depends on it, directly or not. */
    public Set<String> withDownstream(String name) {
        return closure(name, this::downstreamOf);
    }

    /** {@code name} and everything it depends on, directly or not. */
    public Set<String> withUpstream(String name) {
        return closure(name, this::upstreamOf);
    }

    private Set<String> closure(String name, java.util.function.Function<String, List<String>> step) {
        Set<String> out = new LinkedHashSet<>();
        Deque<String> todo = new ArrayDeque<>(List.of(name));
        while (!todo.isEmpty()) {
            String n = todo.poll();
            if (out.add(n)) {
                todo.addAll(step.apply(n));
            }
        }
        return out;
    }

    /** The nodes picked by a selection expression (see {@link Selection}), in topological order. */
    public List<String> select(String expression) {
        return Selection.parse(expression).apply(this);
    }
}
