package dev.strata.ingest;

/**
 * One stream's move in a landing transaction: from the position read (compared) to the new one
 * (set). Both are positions of the same stream.
 */
record PositionMove(SourcePosition from, SourcePosition to) {
    PositionMove {
        if (!from.stream().equals(to.stream())) {
            throw new IllegalArgumentException("a move stays in its stream: " + from.stream() + " -> " + to.stream());
        }
    }

    String stream() {
        return from.stream();
    }
}
