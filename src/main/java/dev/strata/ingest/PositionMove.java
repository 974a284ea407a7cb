package dev.strata.ingest;

/**
 * One stream's move in a landing transaction: from the position read (compared) to the new one
 * (set). Both are positions of the same stream.
 */
public record PositionMove(SourcePosition from, SourcePosition to) {
    public PositionMove {
        if (!from.stream().equals(to.stream())) {
            throw new IllegalArgumentException("a move stays in its stream: " + from.stream() + " -> " + to.stream());
        }
    }

    public String stream() {
        return from.stream();
    }
}
