package dev.strata.schedule;

import dev.strata.config.HubConfig;
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
 * {@link VaultLoader#load}, which commits on its own and is idempotent (watermarks).
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
        return new ExternalNodes(nodes, edges, actions);
    }

    private static void add(List<Node> nodes, List<Edge> edges, VaultSection vault, String name, Position at,
                            List<VaultMapping> from, List<String> upstream) {
        nodes.add(new Node(name, NodeKind.VAULT, java.util.Optional.of(new Relation(vault.schema(), name)), at));
        from.stream().map(VaultMapping::source).distinct().forEach(s -> edges.add(new Edge(s, name, at)));
        upstream.forEach(u -> edges.add(new Edge(u, name, at)));
    }
}
