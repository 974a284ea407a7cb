package dev.strata.ingest;

import java.util.Set;

/**
 * The compare-and-set of a batch's positions found another value: another process landed those
 * partitions since this one read them (it owns them now, or owned them meanwhile). The batch's
 * transaction is rolled back and its records dropped; the lander re-reads its positions.
 */
final class PositionConflictException extends Exception {
    private static final long serialVersionUID = 1L;
    private final Set<Integer> partitions;

    PositionConflictException(Set<Integer> partitions) {
        super("positions of partition(s) " + partitions + " were advanced by another process");
        this.partitions = Set.copyOf(partitions);
    }

    Set<Integer> partitions() {
        return partitions;
    }
}
