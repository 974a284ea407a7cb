package dev.strata.warehouse;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;

/**
 * Capability: building and publishing the relation of a mart — the operations whose <i>meaning</i>
 * differs between warehouses, so the adapter performs them instead of returning SQL.
 *
 * <h2>The task contract</h2>
 * A scheduled mart runs as one task attempt ({@code TaskRunner}): the attempt's transaction on
 * {@link BuildContext#connection()} first <i>fences</i> the run (locks its {@code task_runs} row,
 * checking the attempt is still this worker's), then calls one of these operations, then the
 * caller's checks, then records success, then commits. What every implementation guarantees:
 * <ol>
 *   <li><b>All or nothing for readers.</b> Readers of the mart see either the old relation or the
 *       complete new one — never an empty, half-built or unchecked one.</li>
 *   <li><b>Failure leaves the mart as it was.</b> If the operation, the {@link Verification}, a
 *       caller's check or the commit fails, nothing is published.</li>
 *   <li><b>Success is recorded with the result, or the result is idempotent.</b> Either the new
 *       relation becomes visible in the same commit that records the run's success, or it is
 *       published just before that commit by an operation that a retry of the same run repeats
 *       with the same outcome (rebuild from the same inputs, publish again).</li>
 *   <li><b>One build of a relation at a time</b> across processes ({@link LockKeys#mart}).</li>
 * </ol>
 *
 * <h2>Two ways to keep it</h2>
 * <b>With transactional DDL</b> (PostgreSQL; {@link TransactionalDdlMaterializer}): every step runs
 * on the task's connection inside its transaction — build into {@code <name>__strata_new}, verify,
 * rename the old relation away and the new one in, drop the old — and the commit that records
 * success publishes it. Point 3 holds in its strong form.
 *
 * <p><b>Without transactional DDL</b> (MySQL/MariaDB commit every DDL statement on its own): DDL must
 * never run on the task's connection, whose transaction holds the fence and would be committed
 * half-way. The adapter instead (a) builds the new relation under a fresh name on a <i>second</i>
 * connection from {@link BuildContext#warehouse()}, outside the task transaction — invisible to
 * readers, since nothing reads that name; (b) runs the {@link Verification} on it; (c) publishes it
 * with one atomic statement ({@code RENAME TABLE mart TO old, fresh TO mart}); (d) returns, and the
 * task transaction records success and commits. The argument that this keeps the contract:
 * readers see one relation or the other (RENAME TABLE is atomic), so 1 holds; a failure in (a) or
 * (b) leaves only a stray fresh table that the next attempt drops first, so 2 holds; a crash
 * between (c) and the commit leaves a published, verified result with the run not yet recorded —
 * the lease expires, the run is claimed again and rebuilds the same relation from the same inputs
 * and publishes it again, so the only effect of the crash is work done twice, which is 3's weak
 * form; and the fence's row lock, held by the task transaction throughout (DDL ran elsewhere),
 * keeps a second attempt from building at the same time, with the mart lock as a second line, so 4
 * holds. Incremental marts there need DDL only on their first run (create the table, index the
 * time column), which is idempotent and creates no rows, so it can run outside the task
 * transaction; each interval's {@code DELETE}+{@code INSERT} is ordinary DML inside it. The
 * caller's own data checks ({@code checks:} of a mart) run after the operation on the task's
 * connection; on PostgreSQL they see the new rows inside the transaction and a failure rolls the
 * publish back. A publish-outside adapter must run them in its {@link Verification} instead,
 * before step (c) — the open point of phase 2 (today {@code MartBuilder} passes only the
 * {@code unique_key} check there). An engine
 * without multi-statement transactions (Trino over Iceberg) keeps the same contract with an atomic
 * table commit in (c).
 */
public interface Materializer {
    /**
     * Where an operation runs: the task's connection (auto-commit off, inside the attempt's
     * transaction) and the warehouse, for work that must not run inside that transaction.
     */
    record BuildContext(Connection connection, Warehouse warehouse) {
    }

    /**
     * Checks of new rows that run before anyone else can see them; throwing fails the build and
     * nothing is published. {@code qualifiedRelation} is where the new rows are at that moment.
     */
    @FunctionalInterface
    interface Verification {
        void verify(Connection connection, String qualifiedRelation) throws SQLException;
    }

    /** Checks the columns of a select before an incremental write (e.g. that its time column exists). */
    @FunctionalInterface
    interface ColumnsCheck {
        void check(List<String> columns);
    }

    /** What an interval write did: rows written, and how many of them lie outside the interval (or have a NULL time). */
    record IntervalWrite(long rows, long outside) {
    }

    /**
     * Replaces (or creates) view {@code schema.name} as {@code select}, keeping views that read it
     * working (they are re-created on the new view). Returns 0.
     */
    long replaceView(BuildContext context, String schema, String name, String select) throws SQLException;

    /**
     * Replaces (or creates) table {@code schema.name} with the rows of {@code select}, running
     * {@code verification} on the new rows before they are published; a view of that name is
     * replaced by the table. Views that read the table keep working (re-created on the new one).
     * Other dependent objects (a materialized view, a foreign key) make it fail and say so. Returns
     * the rows written.
     */
    long replaceTable(BuildContext context, String schema, String name, String select, Verification verification)
            throws SQLException;

    /**
     * Writes one interval of incremental table {@code schema.name}: deletes its rows with
     * {@code timeColumn} in {@code [start, end)} and inserts the rows of {@code select}, counting
     * those whose time lies outside (the caller fails the run on any). The first write creates the
     * table from the select and indexes {@code timeColumn}. {@code readsItself}: the select reads
     * the table, so it must see the interval's old rows (computed before the delete).
     * {@code columnsCheck} sees the select's column names before anything is written. Intervals of
     * one table may be written concurrently: they touch disjoint rows.
     */
    IntervalWrite writeInterval(BuildContext context, String schema, String name, String select, String timeColumn,
                                Instant start, Instant end, boolean readsItself, ColumnsCheck columnsCheck)
            throws SQLException;
}
