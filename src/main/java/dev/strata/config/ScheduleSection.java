package dev.strata.config;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The {@code schedule:} section: settings for every scheduled node ({@code defaults}), per layer
 * ({@code marts}, {@code vault}) and per node ({@code nodes.<name>}). {@link #forNode} merges them;
 * {@code dev.strata.schedule} turns the result into a {@code NodeSchedule}.
 */
public record ScheduleSection(ScheduleSettings defaults, ScheduleSettings marts, ScheduleSettings vault,
                              Map<String, ScheduleSettings> nodes, Map<String, Position> nodePositions) {
    public ScheduleSection {
        nodes = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(nodes));
        nodePositions = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(nodePositions));
    }

    public static ScheduleSection none() {
        return new ScheduleSection(ScheduleSettings.empty(), ScheduleSettings.empty(),
                ScheduleSettings.continuousOnly(), Map.of(), Map.of());
    }

    /** Layers whose defaults apply to a node. */
    public enum Layer { MARTS, VAULT }

    /** The merged settings for a node of {@code layer}: node over layer over defaults. */
    public ScheduleSettings forNode(String node, Layer layer) {
        ScheduleSettings layerSettings = layer == Layer.MARTS ? marts : vault;
        return nodes.getOrDefault(node, ScheduleSettings.empty()).over(layerSettings.over(defaults));
    }
}
