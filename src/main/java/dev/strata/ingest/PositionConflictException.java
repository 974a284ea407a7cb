package dev.strata.ingest;

import java.util.Set;

/**
 * The compare-and-set of a batch's positions found another value: another process landed those
 * streams (Kafka partitions) since this one read them (it owns them now, or owned them meanwhile).
 * The batch's transaction is rolled back and its records dropped; the lander re-reads its positions.
 */
public final class PositionConflictException extends Exception {
    private static final long serialVersionUID = 1L;
    private final Set<String> streams;

    PositionConflictException(Set<String> streams) {
        super("positions of partition(s) " + new java.util.TreeSet<>(streams) + " were advanced by another process");
        this.streams = Set.copyOf(streams);
    }

    public Set<String> streams() {
        return streams;
    }
}
