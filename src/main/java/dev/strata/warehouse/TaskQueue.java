package dev.strata.warehouse;

/**
 * Capability: the scheduler's vendor-specific SQL over {@code strata.task_runs}.
 *
 * <p>Guarantee of {@link #claimOne}: among the rows the query selects, the statement returns (and
 * locks until the transaction ends) the first one in the query's order that no other transaction
 * has locked, without waiting for locked ones — so concurrent workers each get a different run and
 * none blocks behind another's claim. PostgreSQL and MariaDB ≥ 10.6 / MySQL 8 spell it
 * {@code FOR UPDATE SKIP LOCKED}. A warehouse without row locks (an engine without multi-statement
 * transactions) would claim by a compare-and-set {@code UPDATE} of the run's attempt and worker
 * instead; the queue's rules (at most one attempt in flight, leases) are written at
 * {@code TaskRunStore} and hold either way.
 */
public interface TaskQueue {
    /**
     * {@code select} (which ends in {@code ORDER BY … LIMIT 1} over {@code strata.task_runs} as
     * {@code alias}, possibly joined to other tables) made into a claim as described above: only
     * {@code alias}'s row is locked.
     */
    String claimOne(String select, String alias);
}
