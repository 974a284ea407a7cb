package dev.strata.schedule;

import dev.strata.graph.Edge;
import dev.strata.warehouse.LockKeys;
import dev.strata.warehouse.Warehouse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code strata.task_runs} as the scheduler's queue and log. The claim and lease rules:
 * <ol>
 *   <li><b>Claim</b> (one short transaction): {@code SELECT … FOR UPDATE SKIP LOCKED LIMIT 1} over
 *       the runs that are claimable — queued, or up for retry after their {@code not_before}, or
 *       running with an expired lease (a dead worker) — and runnable: every upstream run overlapping
 *       the interval succeeded, every continuous upstream covers it, and with
 *       {@code depends_on_past} the node's previous interval succeeded (with
 *       {@code wait_for_downstream}, also that interval's direct downstream runs). The row becomes
 *       {@code running} with this worker, {@code attempt + 1} and a lease; an attempt row is logged.</li>
 *   <li><b>Run</b> (the task's transaction): {@link #fence} locks the row again, checking the attempt
 *       is still ours, and keeps it locked while the action runs; {@link #succeed} records success in
 *       that same transaction. While the lock is held no other worker can claim the row (SKIP LOCKED),
 *       however long the task takes: at most one attempt of a run is ever in flight.</li>
 *   <li><b>Worker death</b>: its connection closes, the database rolls its transaction back and
 *       releases the lock; once the lease expires another worker's claim takes the row (the dead
 *       attempt is logged as {@code lost}). After {@value #MAX_LOST_ATTEMPTS} lost attempts the run
 *       fails, so a task that kills its worker cannot loop forever.</li>
 *   <li><b>Failure</b>: after rollback, {@link #fail} makes the run {@code up_for_retry} (not before
 *       {@code retry_delay}) while attempts remain, else {@code failed}.</li>
 * </ol>
 * Times come from the given clock; workers' clocks should agree to well within a lease.
 */
final class TaskRunStore {
    static final int MAX_LOST_ATTEMPTS = 3;
    private final Warehouse warehouse;
    private final String pipeline;
    private final Clock clock;

    TaskRunStore(Warehouse warehouse, String pipeline, Clock clock) {
        this.warehouse = warehouse;
        this.pipeline = pipeline;
        this.clock = clock;
    }

    String pipeline() {
        return pipeline;
    }

    /** A run to enqueue: a node's interval with the policies copied from its schedule. */
    record NewRun(String node, ScheduledInterval interval, NodeSchedule schedule) {
    }

    /** A run this worker has claimed. */
    record ClaimedRun(long id, String node, ScheduledInterval interval, int attempt, String worker,
                      Optional<Duration> timeout) {
    }

    /** Which runs a worker may claim: all of the pipeline, or a backfill's nodes and date range. */
    record Filter(Optional<List<String>> nodes, Optional<Instant> fromLogical, Optional<Instant> toLogical) {
        static Filter all() {
            return new Filter(Optional.empty(), Optional.empty(), Optional.empty());
        }

        String sql(String alias) {
            StringBuilder sb = new StringBuilder();
            nodes.ifPresent(list -> sb.append(" AND ").append(alias).append(".node IN (")
                    .append(String.join(", ", java.util.Collections.nCopies(list.size(), "?"))).append(')'));
            fromLogical.ifPresent(f -> sb.append(" AND ").append(alias).append(".logical_date >= ?"));
            toLogical.ifPresent(t -> sb.append(" AND ").append(alias).append(".logical_date <= ?"));
            return sb.toString();
        }

        int bind(PreparedStatement ps, int i) throws SQLException {
            if (nodes.isPresent()) {
                for (String n : nodes.get()) {
                    ps.setString(i++, n);
                }
            }
            if (fromLogical.isPresent()) {
                ps.setObject(i++, ts(fromLogical.get()));
            }
            if (toLogical.isPresent()) {
                ps.setObject(i++, ts(toLogical.get()));
            }
            return i;
        }
    }

    static OffsetDateTime ts(Instant i) {
        return OffsetDateTime.ofInstant(i, ZoneOffset.UTC);
    }

    static Instant instant(ResultSet rs, String column) throws SQLException {
        Timestamp t = rs.getTimestamp(column);
        return t == null ? null : t.toInstant();
    }

    private Instant now() {
        return clock.instant();
    }

    /** Replaces the pipeline's edges with the graph's (each running process does this at start). */
    void syncEdges(Collection<Edge> edges) throws SQLException {
        warehouse.inTransaction(c -> {
            warehouse.locks().lockForTransaction(c, LockKeys.scheduler("edges", pipeline));
            try (PreparedStatement del = c.prepareStatement("DELETE FROM strata.task_edges WHERE pipeline = ?")) {
                del.setString(1, pipeline);
                del.executeUpdate();
            }
            try (PreparedStatement ins = c.prepareStatement(
                    "INSERT INTO strata.task_edges (pipeline, node, upstream) VALUES (?, ?, ?)")) {
                for (Edge e : new java.util.LinkedHashSet<>(edges.stream().map(x -> new Edge(x.upstream(), x.downstream(), null)).toList())) {
                    ins.setString(1, pipeline);
                    ins.setString(2, e.downstream());
                    ins.setString(3, e.upstream());
                    ins.addBatch();
                }
                ins.executeBatch();
            }
            return null;
        });
    }

    /**
     * Makes each of {@code nodes} (continuous nodes that report coverage) gate its downstream
     * intervals from now on: a node without a coverage row yet gets one covering nothing, so no
     * downstream interval runs before the node's first report.
     */
    void registerCoverage(Collection<String> nodes) throws SQLException {
        if (nodes.isEmpty()) {
            return;
        }
        warehouse.inTransaction(c -> {
            warehouse.locks().lockForTransaction(c, LockKeys.scheduler("coverage", pipeline));
            try (PreparedStatement ins = c.prepareStatement(insertCoverageIfAbsent())) {
                for (String node : nodes) {
                    ins.setString(1, pipeline);
                    ins.setString(2, node);
                    ins.setObject(3, ts(Instant.EPOCH));
                    ins.setObject(4, ts(now()));
                    ins.executeUpdate();
                }
            }
            return null;
        });
    }

    /**
     * Records that {@code node}'s output is complete up to {@code until}: a downstream interval
     * ending at or before it may run. Coverage only moves forward.
     */
    void cover(String node, Instant until) throws SQLException {
        warehouse.inTransaction(c -> {
            try (PreparedStatement upd = c.prepareStatement("UPDATE strata.node_coverage SET covered_until = ?, updated_at = ?, "
                    + "last_error = NULL, failing_since = NULL WHERE pipeline = ? AND node = ? AND covered_until < ?")) {
                upd.setObject(1, ts(until));
                upd.setObject(2, ts(now()));
                upd.setString(3, pipeline);
                upd.setString(4, node);
                upd.setObject(5, ts(until));
                if (upd.executeUpdate() > 0) {
                    return null;
                }
            }
            // Not moved: already further, or no row yet. Serialises reporters of one pipeline.
            warehouse.locks().lockForTransaction(c, LockKeys.scheduler("coverage", pipeline));
            try (PreparedStatement ins = c.prepareStatement(insertCoverageIfAbsent())) {
                ins.setString(1, pipeline);
                ins.setString(2, node);
                ins.setObject(3, ts(until));
                ins.setObject(4, ts(now()));
                ins.executeUpdate();
            }
            return null;
        });
    }

    /**
     * In the caller's transaction (a task's, so that its success and its coverage commit together):
     * {@code node} of {@code pipeline} covers up to {@code until}; coverage only moves forward.
     */
    static void cover(Warehouse warehouse, Connection c, String pipeline, String node, Instant until) throws SQLException {
        try (PreparedStatement upd = c.prepareStatement("UPDATE strata.node_coverage SET covered_until = ?, updated_at = ? "
                + "WHERE pipeline = ? AND node = ? AND covered_until < ?")) {
            upd.setObject(1, ts(until));
            upd.setObject(2, ts(Instant.now()));
            upd.setString(3, pipeline);
            upd.setString(4, node);
            upd.setObject(5, ts(until));
            if (upd.executeUpdate() > 0) {
                return;
            }
        }
        try (PreparedStatement ins = c.prepareStatement(warehouse.sql().insertSkippingConflicts("strata.node_coverage",
                List.of("pipeline", "node", "covered_until", "updated_at"), "VALUES (?, ?, ?, ?)", List.of("pipeline", "node")))) {
            ins.setString(1, pipeline);
            ins.setString(2, node);
            ins.setObject(3, ts(until));
            ins.setObject(4, ts(Instant.now()));
            ins.executeUpdate();
        }
    }

    /** Records why a continuous node's loads fail (since {@code since}); the next {@link #cover} clears it. */
    void recordFailure(String node, String error, Instant since) throws SQLException {
        warehouse.inTransaction(c -> {
            try (PreparedStatement upd = c.prepareStatement("UPDATE strata.node_coverage SET last_error = ?, failing_since = ? "
                    + "WHERE pipeline = ? AND node = ?")) {
                upd.setString(1, error.length() <= 2000 ? error : error.substring(0, 2000) + "...");
                upd.setObject(2, ts(since));
                upd.setString(3, pipeline);
                upd.setString(4, node);
                upd.executeUpdate();
            }
            return null;
        });
    }

    /** How far each continuous node of the pipeline that reports coverage is covered. */
    Map<String, Instant> coverage() throws SQLException {
        Map<String, Instant> out = new java.util.TreeMap<>();
        try (Connection c = warehouse.connection();
             PreparedStatement ps = c.prepareStatement("SELECT node, covered_until FROM strata.node_coverage WHERE pipeline = ?")) {
            ps.setString(1, pipeline);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.put(rs.getString("node"), instant(rs, "covered_until"));
                }
            }
        }
        return out;
    }

    /** What enqueueing does to runs that already exist. */
    enum Requeue {
        /** Leave existing runs alone (the ticker of {@code strata run}). */
        NONE,
        /** Queue failed runs again: a backfill after fixing the cause continues from there. */
        FAILED,
        /** Queue failed and successful runs again ({@code --rerun}). */
        ALL
    }

    /**
     * Adds runs that do not exist yet and re-queues existing ones as {@code requeue} says. Runs in
     * flight or waiting for a retry are left alone. Returns how many runs were added or re-queued.
     */
    int enqueue(List<NewRun> runs, Requeue requeue) throws SQLException {
        return enqueue(runs, requeue, null).changed();
    }

    /** What {@link #enqueue(List, Requeue, PipelineRuns.Start)} did: runs added or re-queued, pipeline runs started. */
    record Enqueued(int changed, List<String> pipelineRuns) {
    }

    /**
     * Like {@link #enqueue(List, Requeue)}, and, when {@code start} is given, records in the same
     * transaction the pipeline runs this trigger starts (one per logical date, see
     * {@link PipelineRuns}): a scheduled trigger's members are the runs it added; a manual or
     * backfill trigger's are all of {@code runs}, whatever their state.
     */
    Enqueued enqueue(List<NewRun> runs, Requeue requeue, PipelineRuns.Start start) throws SQLException {
        if (runs.isEmpty()) {
            return new Enqueued(0, List.of());
        }
        return warehouse.inTransaction(c -> {
            // Serialises enqueuers of one pipeline: "added == 0" then means the run exists.
            warehouse.locks().lockForTransaction(c, LockKeys.scheduler("enqueue", pipeline));
            int changed = 0;
            Map<Instant, List<Long>> members = new java.util.TreeMap<>();
            String reset = "UPDATE strata.task_runs SET state = 'queued', not_before = NULL, lease_until = NULL, "
                    + "worker = NULL, max_attempts = attempt + ?, lost_attempts = 0, "
                    + "depends_on_past = ?, wait_for_downstream = ?, retry_delay_ms = ?, timeout_ms = ? "
                    + "WHERE pipeline = ? AND node = ? AND interval_start = ? AND state IN ("
                    + (requeue == Requeue.ALL ? "'failed', 'success', 'skipped'" : "'failed'") + ")";
            try (PreparedStatement ins = c.prepareStatement(warehouse.sql().insertSkippingConflicts("strata.task_runs",
                    List.of("pipeline", "node", "interval_start", "interval_end", "logical_date", "state", "attempt",
                            "max_attempts", "depends_on_past", "wait_for_downstream", "retry_delay_ms", "timeout_ms", "queued_at"),
                    "VALUES (?, ?, ?, ?, ?, 'queued', 0, ?, ?, ?, ?, ?, ?)", List.of("pipeline", "node", "interval_start")));
                 PreparedStatement upd = c.prepareStatement(reset)) {
                Instant now = now();
                for (NewRun r : runs) {
                    NodeSchedule s = r.schedule();
                    int i = 1;
                    ins.setString(i++, pipeline);
                    ins.setString(i++, r.node());
                    ins.setObject(i++, ts(r.interval().data().start()));
                    ins.setObject(i++, ts(r.interval().data().end()));
                    ins.setObject(i++, ts(r.interval().logicalDate()));
                    ins.setInt(i++, s.maxAttempts());
                    ins.setBoolean(i++, s.dependsOnPast());
                    ins.setBoolean(i++, s.waitForDownstream());
                    ins.setLong(i++, s.retryDelay().toMillis());
                    if (s.timeout().isPresent()) {
                        ins.setLong(i++, s.timeout().get().toMillis());
                    } else {
                        ins.setNull(i++, java.sql.Types.BIGINT);
                    }
                    ins.setObject(i, ts(now));
                    int added = ins.executeUpdate();
                    changed += added;
                    if (added == 0 && requeue != Requeue.NONE) {
                        int j = 1;
                        upd.setInt(j++, s.maxAttempts());
                        upd.setBoolean(j++, s.dependsOnPast());
                        upd.setBoolean(j++, s.waitForDownstream());
                        upd.setLong(j++, s.retryDelay().toMillis());
                        if (s.timeout().isPresent()) {
                            upd.setLong(j++, s.timeout().get().toMillis());
                        } else {
                            upd.setNull(j++, java.sql.Types.BIGINT);
                        }
                        upd.setString(j++, pipeline);
                        upd.setString(j++, r.node());
                        upd.setObject(j, ts(r.interval().data().start()));
                        changed += upd.executeUpdate();
                    }
                    if (start != null && (added > 0 || start.trigger() != PipelineRuns.Trigger.SCHEDULED)) {
                        members.computeIfAbsent(r.interval().logicalDate(), k -> new ArrayList<>())
                                .add(idOf(c, r.node(), r.interval().data().start()));
                    }
                }
            }
            List<String> started = start == null ? List.of()
                    : new PipelineRuns(warehouse, pipeline, clock, java.util.Optional.empty()).create(c, start, members);
            return new Enqueued(changed, started);
        });
    }

    private long idOf(Connection c, String node, Instant intervalStart) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT id FROM strata.task_runs WHERE pipeline = ? AND node = ? "
                + "AND interval_start = ?")) {
            ps.setString(1, pipeline);
            ps.setString(2, node);
            ps.setObject(3, ts(intervalStart));
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new SQLException("task run " + node + " " + intervalStart + " vanished while being queued");
                }
                return rs.getLong(1);
            }
        }
    }

    /** The claimable-and-runnable condition over alias {@code t}; parameters: pipeline, now, now. */
    private static final String RUNNABLE = "t.pipeline = ? "
            + "AND ((t.state IN ('queued', 'up_for_retry') AND (t.not_before IS NULL OR t.not_before <= ?)) "
            + "     OR (t.state = 'running' AND t.lease_until < ?)) "
            // every upstream run overlapping the interval succeeded
            + "AND NOT EXISTS (SELECT 1 FROM strata.task_edges e JOIN strata.task_runs u "
            + "    ON u.pipeline = e.pipeline AND u.node = e.upstream "
            + "   AND u.interval_start < t.interval_end AND u.interval_end > t.interval_start "
            + "    WHERE e.pipeline = t.pipeline AND e.node = t.node AND u.state <> 'success') "
            // every continuous upstream that reports coverage covers the interval
            + "AND NOT EXISTS (SELECT 1 FROM strata.task_edges e JOIN strata.node_coverage w "
            + "    ON w.pipeline = e.pipeline AND w.node = e.upstream "
            + "    WHERE e.pipeline = t.pipeline AND e.node = t.node AND w.covered_until < t.interval_end) "
            // depends_on_past: the previous interval succeeded (and, waiting for downstream, its direct downstreams)
            + "AND (t.depends_on_past = false OR NOT EXISTS ("
            + "    SELECT 1 FROM strata.task_runs p WHERE p.pipeline = t.pipeline AND p.node = t.node "
            + "      AND p.interval_start = (SELECT max(q.interval_start) FROM strata.task_runs q "
            + "           WHERE q.pipeline = t.pipeline AND q.node = t.node AND q.interval_start < t.interval_start) "
            + "      AND (p.state <> 'success' OR (t.wait_for_downstream AND EXISTS ("
            + "           SELECT 1 FROM strata.task_edges e2 JOIN strata.task_runs d "
            + "             ON d.pipeline = e2.pipeline AND d.node = e2.node "
            + "            AND d.interval_start < p.interval_end AND d.interval_end > p.interval_start "
            + "           WHERE e2.pipeline = p.pipeline AND e2.upstream = p.node AND d.state <> 'success')))))";

    /** Claims the earliest runnable run (by interval) matching {@code filter}, or empty. */
    Optional<ClaimedRun> claim(String worker, Duration lease, Filter filter) throws SQLException {
        return warehouse.inTransaction(c -> {
            Instant now = now();
            String select = "SELECT t.id, t.node, t.interval_start, t.interval_end, t.logical_date, t.state, t.attempt, "
                    + "t.max_attempts, t.lost_attempts, t.timeout_ms, t.worker FROM strata.task_runs t WHERE " + RUNNABLE
                    + filter.sql("t") + " ORDER BY t.interval_start, t.id LIMIT 1";
            long id;
            String node;
            Interval data;
            Instant logical;
            int attempt;
            boolean reclaimed;
            int lost;
            String previousWorker;
            Optional<Duration> timeout;
            try (PreparedStatement ps = c.prepareStatement(warehouse.taskQueue().claimOne(select, "t"))) {
                ps.setString(1, pipeline);
                ps.setObject(2, ts(now));
                ps.setObject(3, ts(now));
                filter.bind(ps, 4);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return Optional.<ClaimedRun>empty();
                    }
                    id = rs.getLong("id");
                    node = rs.getString("node");
                    data = new Interval(instant(rs, "interval_start"), instant(rs, "interval_end"));
                    Instant ld = instant(rs, "logical_date");
                    logical = ld == null ? data.start() : ld;
                    attempt = rs.getInt("attempt") + 1;
                    reclaimed = "running".equals(rs.getString("state"));
                    lost = rs.getInt("lost_attempts") + (reclaimed ? 1 : 0);
                    previousWorker = rs.getString("worker");
                    long t = rs.getLong("timeout_ms");
                    timeout = rs.wasNull() ? Optional.empty() : Optional.of(Duration.ofMillis(t));
                }
            }
            if (reclaimed) {
                try (PreparedStatement ps = c.prepareStatement("UPDATE strata.task_attempts SET state = 'lost', "
                        + "finished_at = ?, error = ? WHERE run_id = ? AND attempt = ? AND state = 'running'")) {
                    ps.setObject(1, ts(now));
                    ps.setString(2, "worker " + previousWorker + " stopped responding; its lease expired");
                    ps.setLong(3, id);
                    ps.setInt(4, attempt - 1);
                    ps.executeUpdate();
                }
                if (lost >= MAX_LOST_ATTEMPTS) {
                    try (PreparedStatement ps = c.prepareStatement("UPDATE strata.task_runs SET state = 'failed', "
                            + "lost_attempts = ?, finished_at = ?, lease_until = NULL, error = ? WHERE id = ?")) {
                        ps.setInt(1, lost);
                        ps.setObject(2, ts(now));
                        ps.setString(3, lost + " workers died while running this task (last: " + previousWorker
                                + "); not retried again. Check the task for what kills its worker, then re-run it.");
                        ps.setLong(4, id);
                        ps.executeUpdate();
                    }
                    return Optional.<ClaimedRun>empty();
                }
            }
            // Read the clock again now that the row is ours: `now` was taken before the select's snapshot,
            // so it may precede the commit of the upstream run that made this one runnable.
            Instant started = now();
            try (PreparedStatement ps = c.prepareStatement("UPDATE strata.task_runs SET state = 'running', worker = ?, "
                    + "attempt = ?, lost_attempts = ?, lease_until = ?, started_at = ?, finished_at = NULL WHERE id = ?")) {
                ps.setString(1, worker);
                ps.setInt(2, attempt);
                ps.setInt(3, lost);
                ps.setObject(4, ts(started.plus(lease)));
                ps.setObject(5, ts(started));
                ps.setLong(6, id);
                ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO strata.task_attempts (run_id, attempt, worker, "
                    + "state, started_at) VALUES (?, ?, ?, 'running', ?)")) {
                ps.setLong(1, id);
                ps.setInt(2, attempt);
                ps.setString(3, worker);
                ps.setObject(4, ts(started));
                ps.executeUpdate();
            }
            return Optional.of(new ClaimedRun(id, node, new ScheduledInterval(logical, data), attempt, worker, timeout));
        });
    }

    /**
     * In the task's transaction: locks the run's row, returning false when the attempt is no longer
     * this worker's (its lease expired and another worker took it). The lock is held until commit.
     */
    boolean fence(Connection c, ClaimedRun run) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT id FROM strata.task_runs WHERE id = ? AND attempt = ? "
                + "AND worker = ? AND state = 'running' FOR UPDATE")) {
            ps.setLong(1, run.id());
            ps.setInt(2, run.attempt());
            ps.setString(3, run.worker());
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    /** In the task's transaction, after {@link #fence}: records success with the rows affected. */
    void succeed(Connection c, ClaimedRun run, long rows) throws SQLException {
        Instant now = now();
        try (PreparedStatement ps = c.prepareStatement("UPDATE strata.task_runs SET state = 'success', finished_at = ?, "
                + "rows_affected = ?, error = NULL, lease_until = NULL, not_before = NULL WHERE id = ?")) {
            ps.setObject(1, ts(now));
            ps.setLong(2, rows);
            ps.setLong(3, run.id());
            ps.executeUpdate();
        }
        finishAttempt(c, run, "success", now, rows, null);
    }

    /**
     * What {@link #fail} recorded: {@code up_for_retry} with the earliest time of the next attempt,
     * {@code failed}, or {@code running} when the run was no longer this attempt's.
     */
    record Failure(TaskState state, int maxAttempts, Optional<Instant> nextAttempt) {
    }

    /** After the task's rollback, in a transaction of its own: retry later or fail for good. */
    Failure fail(ClaimedRun run, String error) throws SQLException {
        return warehouse.inTransaction(c -> {
            Instant now = now();
            TaskState outcome;
            int maxAttempts;
            Instant notBefore;
            try (PreparedStatement ps = c.prepareStatement("SELECT attempt, max_attempts, retry_delay_ms FROM strata.task_runs "
                    + "WHERE id = ? AND attempt = ? AND worker = ? AND state = 'running' FOR UPDATE")) {
                ps.setLong(1, run.id());
                ps.setInt(2, run.attempt());
                ps.setString(3, run.worker());
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return new Failure(TaskState.RUNNING, 0, Optional.empty()); // no longer ours
                    }
                    maxAttempts = rs.getInt("max_attempts");
                    outcome = rs.getInt("attempt") < maxAttempts ? TaskState.UP_FOR_RETRY : TaskState.FAILED;
                    notBefore = now.plusMillis(rs.getLong("retry_delay_ms"));
                    try (PreparedStatement upd = c.prepareStatement("UPDATE strata.task_runs SET state = ?, not_before = ?, "
                            + "finished_at = ?, error = ?, lease_until = NULL WHERE id = ?")) {
                        upd.setString(1, outcome.db());
                        upd.setObject(2, outcome == TaskState.UP_FOR_RETRY ? ts(notBefore) : null);
                        upd.setObject(3, ts(now));
                        upd.setString(4, error);
                        upd.setLong(5, run.id());
                        upd.executeUpdate();
                    }
                }
            }
            finishAttempt(c, run, "failed", now, null, error);
            return new Failure(outcome, maxAttempts,
                    outcome == TaskState.UP_FOR_RETRY ? Optional.of(notBefore) : Optional.empty());
        });
    }

    /** Gives a claimed run back without counting the attempt (graceful shutdown before it finished). */
    void abandon(ClaimedRun run) throws SQLException {
        warehouse.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE strata.task_runs SET state = 'queued', worker = NULL, "
                    + "lease_until = NULL, max_attempts = max_attempts + 1 WHERE id = ? AND attempt = ? AND worker = ? "
                    + "AND state = 'running'")) {
                ps.setLong(1, run.id());
                ps.setInt(2, run.attempt());
                ps.setString(3, run.worker());
                ps.executeUpdate();
            }
            finishAttempt(c, run, "abandoned", now(), null, "stopped before it finished; rolled back");
            return null;
        });
    }

    private static void finishAttempt(Connection c, ClaimedRun run, String state, Instant at, Long rows, String error)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE strata.task_attempts SET state = ?, finished_at = ?, "
                + "rows_affected = ?, error = ? WHERE run_id = ? AND attempt = ?")) {
            ps.setString(1, state);
            ps.setObject(2, ts(at));
            if (rows == null) {
                ps.setNull(3, java.sql.Types.BIGINT);
            } else {
                ps.setLong(3, rows);
            }
            ps.setString(4, error);
            ps.setLong(5, run.id());
            ps.setInt(6, run.attempt());
            ps.executeUpdate();
        }
    }

    /** How many runs matching {@code filter} are in each state. */
    Map<TaskState, Integer> counts(Filter filter) throws SQLException {
        Map<TaskState, Integer> out = new EnumMap<>(TaskState.class);
        try (Connection c = warehouse.connection();
             PreparedStatement ps = c.prepareStatement("SELECT t.state, count(*) FROM strata.task_runs t WHERE t.pipeline = ?"
                     + filter.sql("t") + " GROUP BY t.state")) {
            ps.setString(1, pipeline);
            filter.bind(ps, 2);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.put(TaskState.of(rs.getString(1)), rs.getInt(2));
                }
            }
        }
        return out;
    }

    /**
     * Whether any run matching {@code filter} is still in motion: running (here or in another process),
     * waiting for a retry, or runnable now. False means what is left of the selection waits for a failed
     * run and cannot start without outside help. One statement, so one snapshot: reading the running
     * count and the runnable runs apart let another process claim the last queued run in between, and a
     * backfill then stopped while that run was still running (seen on CI with two workers).
     */
    boolean anyInMotion(Filter filter) throws SQLException {
        Instant now = now();
        try (Connection c = warehouse.connection();
             PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM strata.task_runs t WHERE t.pipeline = ? "
                     + "AND (t.state IN ('running', 'up_for_retry') OR (" + RUNNABLE + "))" + filter.sql("t"))) {
            ps.setString(1, pipeline);
            ps.setString(2, pipeline);
            ps.setObject(3, ts(now));
            ps.setObject(4, ts(now));
            filter.bind(ps, 5);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1) > 0;
            }
        }
    }

    /** Those of {@code points} (logical dates) whose every run matching {@code filter} has finished (succeeded, failed for good, skipped). */
    java.util.Set<Instant> finishedPoints(Filter filter, java.util.Collection<Instant> points) throws SQLException {
        java.util.Set<Instant> out = new java.util.HashSet<>();
        if (points.isEmpty()) {
            return out;
        }
        List<Instant> list = List.copyOf(points);
        String marks = String.join(", ", java.util.Collections.nCopies(list.size(), "?"));
        try (Connection c = warehouse.connection();
             PreparedStatement ps = c.prepareStatement("SELECT t.logical_date FROM strata.task_runs t WHERE t.pipeline = ? "
                     + "AND t.logical_date IN (" + marks + ")" + filter.sql("t") + " GROUP BY t.logical_date "
                     + "HAVING sum(CASE WHEN t.state IN ('queued', 'running', 'up_for_retry') THEN 1 ELSE 0 END) = 0")) {
            int i = 1;
            ps.setString(i++, pipeline);
            for (Instant p : list) {
                ps.setObject(i++, ts(p));
            }
            filter.bind(ps, i);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(instant(rs, "logical_date"));
                }
            }
        }
        return out;
    }

    /** One task run as shown by status and the backfill summary. */
    record RunRow(long id, String node, Instant logicalDate, Interval interval, TaskState state, int attempt,
                  String worker, Instant startedAt, Instant finishedAt, Long rows, String error) {
    }

    /** Runs matching {@code filter}, by node and interval. */
    List<RunRow> runs(Filter filter) throws SQLException {
        List<RunRow> out = new ArrayList<>();
        try (Connection c = warehouse.connection();
             PreparedStatement ps = c.prepareStatement("SELECT t.id, t.node, t.logical_date, t.interval_start, t.interval_end, "
                     + "t.state, t.attempt, t.worker, t.started_at, t.finished_at, t.rows_affected, t.error "
                     + "FROM strata.task_runs t WHERE t.pipeline = ?" + filter.sql("t")
                     + " ORDER BY t.interval_start, t.node")) {
            ps.setString(1, pipeline);
            filter.bind(ps, 2);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    long rows = rs.getLong("rows_affected");
                    Long r = rs.wasNull() ? null : rows;
                    Instant ld = instant(rs, "logical_date");
                    Interval iv = new Interval(instant(rs, "interval_start"), instant(rs, "interval_end"));
                    out.add(new RunRow(rs.getLong("id"), rs.getString("node"), ld == null ? iv.start() : ld, iv,
                            TaskState.of(rs.getString("state")), rs.getInt("attempt"), rs.getString("worker"),
                            instant(rs, "started_at"), instant(rs, "finished_at"), r, rs.getString("error")));
                }
            }
        }
        return out;
    }

    /** The latest queued logical date of each node, so the ticker knows what is already queued. */
    Map<String, Instant> lastQueued() throws SQLException {
        Map<String, Instant> out = new java.util.HashMap<>();
        try (Connection c = warehouse.connection();
             PreparedStatement ps = c.prepareStatement("SELECT node, max(logical_date) FROM strata.task_runs "
                     + "WHERE pipeline = ? GROUP BY node")) {
            ps.setString(1, pipeline);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Timestamp t = rs.getTimestamp(2);
                    if (t != null) {
                        out.put(rs.getString(1), t.toInstant());
                    }
                }
            }
        }
        return out;
    }

    /** Inserts a coverage row (pipeline, node, covered_until, updated_at) unless the node has one. */
    private String insertCoverageIfAbsent() {
        return warehouse.sql().insertSkippingConflicts("strata.node_coverage",
                List.of("pipeline", "node", "covered_until", "updated_at"), "VALUES (?, ?, ?, ?)", List.of("pipeline", "node"));
    }
}
