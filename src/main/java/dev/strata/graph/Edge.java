package dev.strata.graph;

import dev.strata.config.Position;

/**
 * {@code downstream} reads or waits for {@code upstream}. {@code position} is where the edge is
 * written: the {@code ref('upstream')} in the downstream's SQL file, or its {@code depends_on}.
 */
public record Edge(String upstream, String downstream, Position position) {
}
