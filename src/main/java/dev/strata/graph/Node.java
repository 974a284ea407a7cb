package dev.strata.graph;

import dev.strata.config.Position;
import java.util.Objects;
import java.util.Optional;

/**
 * One node of the pipeline graph.
 *
 * @param relation the table or view the node writes ({@code ref()} resolves to it); empty for tasks
 * @param position where the node is declared (for messages)
 */
public record Node(String name, NodeKind kind, Optional<Relation> relation, Position position) {
    public Node {
        Objects.requireNonNull(name);
        Objects.requireNonNull(kind);
        Objects.requireNonNull(relation);
        Objects.requireNonNull(position);
    }
}
