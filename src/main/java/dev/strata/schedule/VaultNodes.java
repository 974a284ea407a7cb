package dev.strata.schedule;

import dev.strata.config.BridgeConfig;
import dev.strata.config.HubConfig;
import dev.strata.config.PitConfig;
import dev.strata.config.LinkConfig;
import dev.strata.config.Position;
import dev.strata.config.SatelliteConfig;
import dev.strata.config.VaultMapping;
import dev.strata.config.VaultSection;
import dev.strata.graph.Edge;
import dev.strata.graph.Node;
import dev.strata.graph.NodeKind;
import dev.strata.graph.Relation;
import dev.strata.vault.VaultLoader;
import dev.strata.warehouse.Warehouse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The vault's hubs, links and satellites as graph nodes: each depends on the sources it loads from
 * and on its hubs (a link) or parent (a satellite). Scheduled vault targets run
 * {@link VaultLoader#load}, which commits on its own and is idempotent (watermarks). Point-in-time
 * and bridge tables are nodes of their own kinds that depend on the tables they read and build one
 * snapshot per interval ({@link VaultLoader#buildSnapshot}) in the task's transaction.
 */
final class VaultNodes {
    private VaultNodes() {
    }

    static ExternalNodes of(String pipeline, VaultSection vault) {
        List<Node> nodes = new ArrayList<>();
        List<Edge> edges = new ArrayList<>();
        Map<String, TaskAction> actions = new LinkedHashMap<>();
        Map<Warehouse, VaultLoader> loaders = new ConcurrentHashMap<>();
        for (HubConfig h : vault.hubs().values()) {
            add(nodes, edges, vault, h.name(), h.position(), h.from(), List.of());
        }
        for (LinkConfig l : vault.links().values()) {
            add(nodes, edges, vault, l.name(), l.position(), l.from(), l.roles().values().stream().distinct().toList());
        }
        for (SatelliteConfig s : vault.satellites().values()) {
            add(nodes, edges, vault, s.name(), s.position(), s.from(), List.of(s.parent()));
        }
        for (Node n : nodes) {
            actions.put(n.name(), ctx -> loaders.computeIfAbsent(ctx.warehouse(),
                    w -> new VaultLoader(w, pipeline, vault)).load(n.name()));
        }
        // point-in-time and bridge tables: one snapshot per interval, at its end, in the task's transaction
        for (PitConfig p : vault.pits().values()) {
            snapshotNode(nodes, edges, actions, loaders, pipeline, vault, p.name(), NodeKind.PIT, p.position(),
                    java.util.stream.Stream.concat(java.util.stream.Stream.of(p.hub()), p.satellites().stream()).toList());
        }
        for (BridgeConfig b : vault.bridges().values()) {
            List<String> upstream = new ArrayList<>();
            b.links().forEach(step -> {
                upstream.add(step.link());
                vault.satellites().values().stream().filter(s -> s.effectivity().isPresent() && s.parent().equals(step.link()))
                        .forEach(s -> upstream.add(s.name()));
            });
            snapshotNode(nodes, edges, actions, loaders, pipeline, vault, b.name(), NodeKind.BRIDGE, b.position(), upstream);
        }
        return new ExternalNodes(nodes, edges, actions);
    }

    private static void snapshotNode(List<Node> nodes, List<Edge> edges, Map<String, TaskAction> actions,
                                     Map<Warehouse, VaultLoader> loaders, String pipeline, VaultSection vault, String name,
                                     NodeKind kind, Position at, List<String> upstream) {
        nodes.add(new Node(name, kind, java.util.Optional.of(new Relation(vault.schema(), name)), at));
        upstream.stream().distinct().forEach(u -> edges.add(new Edge(u, name, at)));
        actions.put(name, ctx -> loaders.computeIfAbsent(ctx.warehouse(), w -> new VaultLoader(w, pipeline, vault))
                .buildSnapshot(ctx.connection(), name, ctx.interval().data().end()));
    }

    private static void add(List<Node> nodes, List<Edge> edges, VaultSection vault, String name, Position at,
                            List<VaultMapping> from, List<String> upstream) {
        nodes.add(new Node(name, NodeKind.VAULT, java.util.Optional.of(new Relation(vault.schema(), name)), at));
        from.stream().map(VaultMapping::source).distinct().forEach(s -> edges.add(new Edge(s, name, at)));
        upstream.forEach(u -> edges.add(new Edge(u, name, at)));
    }
}
