package dev.strata.warehouse.mariadb;

import dev.strata.warehouse.TaskQueue;

/**
 * {@code FOR UPDATE SKIP LOCKED} (MariaDB 10.6+). MariaDB has no {@code FOR UPDATE OF t}: a locking
 * read locks the rows it reads of every table in its FROM clause, but not the rows its WHERE
 * clause's subqueries read (MariaDbSkipLockedIT), so a claim whose other tables appear only in
 * {@code EXISTS}/{@code NOT EXISTS} subqueries, as {@code TaskRunStore}'s does, locks the run's row
 * alone, as PostgreSQL's {@code FOR UPDATE OF t} does.
 */
final class MariaDbTaskQueue implements TaskQueue {
    @Override
    public String claimOne(String select, String alias) {
        return select + " FOR UPDATE SKIP LOCKED";
    }
}
