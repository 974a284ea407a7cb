package dev.strata.warehouse.postgres;

import dev.strata.warehouse.TaskQueue;

/** {@code FOR UPDATE OF alias SKIP LOCKED}: locks only the run's row, skipping rows other workers hold. */
final class PostgresTaskQueue implements TaskQueue {
    @Override
    public String claimOne(String select, String alias) {
        return select + " FOR UPDATE OF " + alias + " SKIP LOCKED";
    }
}
