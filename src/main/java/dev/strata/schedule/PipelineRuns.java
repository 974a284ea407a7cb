package dev.strata.schedule;

import dev.strata.warehouse.Warehouse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code strata.pipeline_runs}: one row per run of the pipeline's scheduled graph for one logical
 * date, whatever triggered it. The rules:
 * <ol>
 *   <li><b>What a run is.</b> A trigger queues task runs (node × interval) and, in the same
 *       transaction ({@link TaskRunStore#enqueue}), records one pipeline run per logical date among
 *       them, with those task runs as its members ({@code strata.pipeline_run_tasks}):
 *       <ul>
 *         <li>{@code scheduled}: the scheduler's tick; members are the task runs it added (a
 *             logical date already queued, by this or another process, starts no second run);</li>
 *         <li>{@code manual}: {@code strata trigger --date D} (every selected scheduled node's task
 *             run of D, queued again) or the console's re-run (that one task run);</li>
 *         <li>{@code backfill}: {@code strata backfill}, one run per schedule date of the range;
 *             members are the selected nodes' task runs of that date, including those that had
 *             already succeeded and are not run again (they count as succeeded).</li>
 *       </ul>
 *       A member still queued or running from another trigger is shared: both runs wait for it.</li>
 *   <li><b>Start.</b> {@code started_at} is the trigger's time, when the row and its queued task
 *       runs commit; {@code status} is {@code running} from then on.</li>
 *   <li><b>End.</b> A run ends when none of its members can run any more: each has succeeded (or
 *       was skipped), failed for good (retries used up), or is still queued but <i>blocked</i> — an
 *       upstream task run overlapping its interval failed or is itself blocked, or, with
 *       {@code depends_on_past}, its previous interval did (with {@code wait_for_downstream}, also
 *       that interval's direct downstream runs). A member that is running, up for retry, or queued
 *       and not blocked (waiting for a worker, an upstream, a continuous vault target's coverage)
 *       keeps the run {@code running}. Then {@code status} is {@code success} when every member
 *       succeeded and {@code failed} otherwise; {@code finished_at} is when its last member
 *       finished (never before {@code started_at}); {@code failed_task} and
 *       {@code error_message} are the earliest member that failed for good, or, when only blocked
 *       members failed the run, the task run that blocks them (which may belong to another run).</li>
 *   <li><b>Exactly one row.</b> Finishing is {@code UPDATE … WHERE status = 'running'}: of several
 *       processes settling at once, one finishes the run. {@link #settle} is idempotent and is
 *       called after every task attempt, at every scheduler tick and when a backfill or trigger
 *       ends; a run whose last member finished in a process that died is finished by the next
 *       settle of any process.</li>
 *   <li><b>Mirror.</b> With {@code run_log:} in strata.yaml, each finished run is copied once into
 *       the user's table ({@link RunLogMirrorWriter}): the insert and {@code mirrored_at} commit
 *       together.</li>
 * </ol>
 */
final class PipelineRuns {
    private static final Logger LOG = LoggerFactory.getLogger(PipelineRuns.class);

    /** What started a pipeline run. */
    enum Trigger {
        SCHEDULED, MANUAL, BACKFILL;

        String db() {
            return name().toLowerCase();
        }
    }

    /** Who asks for task runs to be queued, and as which kind of trigger. */
    record Start(Trigger trigger, String by) {
    }

    private final Warehouse warehouse;
    private final String pipeline;
    private final Clock clock;
    private final Optional<RunLogMirrorWriter> mirror;

    PipelineRuns(Warehouse warehouse, String pipeline, Clock clock, Optional<RunLogMirrorWriter> mirror) {
        this.warehouse = warehouse;
        this.pipeline = pipeline;
        this.clock = clock;
        this.mirror = mirror;
    }

    /** The run log of {@code p}'s project, mirrored where its strata.yaml says. */
    static PipelineRuns of(Warehouse warehouse, Pipeline p, Clock clock) {
        return new PipelineRuns(warehouse, p.name(), clock,
                p.project().operations().runLogMirror().map(m -> new RunLogMirrorWriter(m, p.name())));
    }

    static String newRunId(Trigger trigger, Instant logicalDate) {
        return trigger.db() + "__" + logicalDate + "__" + UUID.randomUUID().toString().substring(0, 8);
    }

    /**
     * In the enqueuing transaction: records one run per logical date of {@code members} (task run
     * ids by logical date) and returns their ids, earliest date first.
     */
    List<String> create(Connection c, Start start, Map<Instant, List<Long>> members) throws SQLException {
        List<String> ids = new ArrayList<>();
        Instant now = clock.instant();
        try (PreparedStatement run = c.prepareStatement("INSERT INTO strata.pipeline_runs (run_id, pipeline, logical_date, "
                + "trigger_type, status, started_at, task_count, triggered_by) VALUES (?, ?, ?, ?, 'running', ?, ?, ?)");
             PreparedStatement member = c.prepareStatement(
                     "INSERT INTO strata.pipeline_run_tasks (run_id, task_run_id) VALUES (?, ?)")) {
            for (Map.Entry<Instant, List<Long>> e : new TreeMap<>(members).entrySet()) {
                List<Long> tasks = e.getValue().stream().distinct().toList();
                if (tasks.isEmpty()) {
                    continue;
                }
                String id = newRunId(start.trigger(), e.getKey());
                run.setString(1, id);
                run.setString(2, pipeline);
                run.setObject(3, TaskRunStore.ts(e.getKey()));
                run.setString(4, start.trigger().db());
                run.setObject(5, TaskRunStore.ts(now));
                run.setInt(6, tasks.size());
                run.setString(7, start.by());
                run.executeUpdate();
                for (long t : tasks) {
                    member.setString(1, id);
                    member.setLong(2, t);
                    member.addBatch();
                }
                member.executeBatch();
                ids.add(id);
            }
        }
        return ids;
    }

    /** An open run's members, counted by what they are doing. */
    private record Open(String runId, Instant startedAt, int total, int done, int failed, int active) {
        int queued() {
            return total - done - failed - active;
        }
    }

    /**
     * Finishes every open run of the pipeline that can no longer change (see the class comment) and
     * mirrors finished runs; returns the runs finished by this call. Safe to call from any process
     * at any time.
     */
    List<String> settle() throws SQLException {
        List<Open> open = new ArrayList<>();
        try (Connection c = warehouse.connection();
             PreparedStatement ps = c.prepareStatement("SELECT r.run_id, r.started_at, count(t.id) AS total, "
                     + "sum(CASE WHEN t.state IN ('success', 'skipped') THEN 1 ELSE 0 END) AS done, "
                     + "sum(CASE WHEN t.state = 'failed' THEN 1 ELSE 0 END) AS failed, "
                     + "sum(CASE WHEN t.state IN ('running', 'up_for_retry') THEN 1 ELSE 0 END) AS active "
                     + "FROM strata.pipeline_runs r LEFT JOIN strata.pipeline_run_tasks m ON m.run_id = r.run_id "
                     + "LEFT JOIN strata.task_runs t ON t.id = m.task_run_id "
                     + "WHERE r.pipeline = ? AND r.status = 'running' GROUP BY r.run_id, r.started_at")) {
            ps.setString(1, pipeline);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    open.add(new Open(rs.getString("run_id"), TaskRunStore.instant(rs, "started_at"), rs.getInt("total"),
                            rs.getInt("done"), rs.getInt("failed"), rs.getInt("active")));
                }
            }
        }
        List<String> finished = new ArrayList<>();
        Blocking blocking = null;
        Boolean anyFailed = null;
        for (Open o : open) {
            boolean ok = o.done() == o.total();
            if (!ok && (o.active() > 0 || o.queued() > 0)) {
                if (o.active() > 0) {
                    continue; // a member is running or will be retried
                }
                // only queued members left (besides finished ones): the run ends if every one is blocked
                if (anyFailed == null) {
                    anyFailed = anyFailed();
                }
                if (!anyFailed) {
                    continue; // nothing failed anywhere: nothing can be blocked, they wait for their turn
                }
                if (blocking == null) {
                    blocking = Blocking.load(warehouse, pipeline);
                }
                if (!blocking.allBlocked(members(o.runId()))) {
                    continue;
                }
            }
            if (finish(o, ok, blocking)) {
                finished.add(o.runId());
            }
        }
        mirror.ifPresent(m -> {
            try {
                m.copyFinished(warehouse);
            } catch (SQLException | RuntimeException e) {
                LOG.warn("could not copy finished pipeline runs into the run_log table ({}); retrying at the next settle",
                        e.getMessage());
            }
        });
        return finished;
    }

    /** Whether any task run of the pipeline has failed for good (only then can a queued member be blocked). */
    private boolean anyFailed() throws SQLException {
        try (Connection c = warehouse.connection();
             PreparedStatement ps = c.prepareStatement("SELECT 1 FROM strata.task_runs WHERE pipeline = ? AND state = 'failed'")) {
            ps.setString(1, pipeline);
            ps.setMaxRows(1);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    /** A member of a run, as its end is decided. */
    record Member(long id, String node, Interval interval, TaskState state, Instant finishedAt, Long rows, String error) {
    }

    private List<Member> members(String runId) throws SQLException {
        List<Member> out = new ArrayList<>();
        try (Connection c = warehouse.connection();
             PreparedStatement ps = c.prepareStatement("SELECT t.id, t.node, t.interval_start, t.interval_end, t.state, "
                     + "t.finished_at, t.rows_affected, t.error FROM strata.pipeline_run_tasks m "
                     + "JOIN strata.task_runs t ON t.id = m.task_run_id WHERE m.run_id = ? ORDER BY t.interval_start, t.id")) {
            ps.setString(1, runId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    long rows = rs.getLong("rows_affected");
                    Long r = rs.wasNull() ? null : rows;
                    out.add(new Member(rs.getLong("id"), rs.getString("node"), new Interval(TaskRunStore.instant(rs, "interval_start"),
                            TaskRunStore.instant(rs, "interval_end")), TaskState.of(rs.getString("state")),
                            TaskRunStore.instant(rs, "finished_at"), r, rs.getString("error")));
                }
            }
        }
        return out;
    }

    /** Records the end of {@code o}; false when another process finished it first. */
    private boolean finish(Open o, boolean ok, Blocking blocking) throws SQLException {
        List<Member> members = members(o.runId());
        Instant finishedAt = o.startedAt();
        Map<String, Long> rows = new LinkedHashMap<>();
        Member firstFailed = null;
        for (Member m : members) {
            if (m.finishedAt() != null && m.state().terminal() && m.finishedAt().isAfter(finishedAt)) {
                finishedAt = m.finishedAt();
            }
            // rows written by this run: members that finished after it started
            if (m.state() == TaskState.SUCCESS && m.rows() != null && m.finishedAt() != null
                    && !m.finishedAt().isBefore(o.startedAt())) {
                rows.merge(m.node(), m.rows(), Long::sum);
            }
            if (m.state() == TaskState.FAILED && (firstFailed == null
                    || (m.finishedAt() != null && firstFailed.finishedAt() != null && m.finishedAt().isBefore(firstFailed.finishedAt())))) {
                firstFailed = m;
            }
        }
        String failedTask = null;
        String error = null;
        if (!ok) {
            if (firstFailed != null) {
                failedTask = firstFailed.node();
                error = firstFailed.error();
            } else if (blocking != null) {
                Optional<Blocking.Row> root = members.stream().filter(m -> m.state() == TaskState.QUEUED)
                        .map(m -> blocking.rootOf(m.id())).flatMap(Optional::stream).findFirst();
                if (root.isPresent()) {
                    failedTask = root.get().node();
                    error = "upstream " + root.get().node() + " " + root.get().interval() + " failed"
                            + (root.get().error() == null ? "" : ": " + root.get().error());
                }
            }
        }
        String status = ok ? "success" : "failed";
        String f = failedTask;
        String err = error;
        Instant end = finishedAt;
        int updated = warehouse.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE strata.pipeline_runs SET status = ?, finished_at = ?, "
                    + "failed_task = ?, error_message = ?, rows_loaded = ? WHERE run_id = ? AND status = 'running'")) {
                ps.setString(1, status);
                ps.setObject(2, TaskRunStore.ts(end));
                ps.setString(3, f);
                ps.setString(4, err);
                ps.setString(5, json(rows));
                ps.setString(6, o.runId());
                return ps.executeUpdate();
            }
        });
        if (updated == 1) {
            if (ok) {
                LOG.info("pipeline run {} succeeded", o.runId());
            } else {
                LOG.warn("pipeline run {} failed: {}: {}", o.runId(), failedTask, firstLine(error));
            }
        }
        return updated == 1;
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    /** {@code {"node": rows, ...}}; node names are safe identifiers, so no escaping is needed beyond quotes. */
    static String json(Map<String, Long> rows) {
        StringBuilder sb = new StringBuilder("{");
        rows.forEach((node, n) -> sb.append(sb.length() > 1 ? ", " : "").append('"')
                .append(node.replace("\\", "\\\\").replace("\"", "\\\"")).append("\": ").append(n));
        return sb.append('}').toString();
    }

    /**
     * Which queued task runs of the pipeline can never run without outside help: the whole
     * pipeline's task runs and edges, read once per settle that needs them.
     */
    static final class Blocking {
        record Row(long id, String node, Interval interval, TaskState state, boolean dependsOnPast, boolean waitForDownstream,
                   String error) {
        }

        private final Map<Long, Row> rows = new HashMap<>();
        private final Map<String, List<Row>> byNode = new HashMap<>();
        private final Map<String, List<String>> upstream = new HashMap<>();
        private final Map<String, List<String>> downstream = new HashMap<>();
        /** Memo: task run id → the failed task run that blocks it (empty Optional: not blocked). */
        private final Map<Long, Optional<Row>> memo = new HashMap<>();

        static Blocking load(Warehouse warehouse, String pipeline) throws SQLException {
            Blocking b = new Blocking();
            try (Connection c = warehouse.connection()) {
                try (PreparedStatement ps = c.prepareStatement("SELECT id, node, interval_start, interval_end, state, "
                        + "depends_on_past, wait_for_downstream, error FROM strata.task_runs WHERE pipeline = ? "
                        + "ORDER BY node, interval_start")) {
                    ps.setString(1, pipeline);
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            Row r = new Row(rs.getLong("id"), rs.getString("node"), new Interval(TaskRunStore.instant(rs,
                                    "interval_start"), TaskRunStore.instant(rs, "interval_end")), TaskState.of(rs.getString("state")),
                                    rs.getBoolean("depends_on_past"), rs.getBoolean("wait_for_downstream"), rs.getString("error"));
                            b.rows.put(r.id(), r);
                            b.byNode.computeIfAbsent(r.node(), k -> new ArrayList<>()).add(r);
                        }
                    }
                }
                try (PreparedStatement ps = c.prepareStatement("SELECT node, upstream FROM strata.task_edges WHERE pipeline = ?")) {
                    ps.setString(1, pipeline);
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            b.upstream.computeIfAbsent(rs.getString(1), k -> new ArrayList<>()).add(rs.getString(2));
                            b.downstream.computeIfAbsent(rs.getString(2), k -> new ArrayList<>()).add(rs.getString(1));
                        }
                    }
                }
            }
            return b;
        }

        boolean allBlocked(List<Member> members) {
            return members.stream().filter(m -> m.state() == TaskState.QUEUED).allMatch(m -> rootOf(m.id()).isPresent());
        }

        /** The failed task run that keeps {@code id} from ever running, if any. */
        Optional<Row> rootOf(long id) {
            Row r = rows.get(id);
            return r == null ? Optional.empty() : dead(r);
        }

        private Optional<Row> dead(Row r) {
            if (r.state() == TaskState.FAILED) {
                return Optional.of(r);
            }
            if (r.state() != TaskState.QUEUED) {
                return Optional.empty();
            }
            Optional<Row> known = memo.get(r.id());
            if (known != null) {
                return known;
            }
            memo.put(r.id(), Optional.empty()); // breaks cycles through overlapping cadences
            Optional<Row> found = Optional.empty();
            for (String u : upstream.getOrDefault(r.node(), List.of())) {
                for (Row ur : byNode.getOrDefault(u, List.of())) {
                    if (found.isEmpty() && ur.interval().overlaps(r.interval())) {
                        found = dead(ur);
                    }
                }
            }
            if (found.isEmpty() && r.dependsOnPast()) {
                Row previous = null;
                for (Row p : byNode.getOrDefault(r.node(), List.of())) {
                    if (p.interval().start().isBefore(r.interval().start())
                            && (previous == null || p.interval().start().isAfter(previous.interval().start()))) {
                        previous = p;
                    }
                }
                if (previous != null) {
                    found = dead(previous);
                    if (found.isEmpty() && r.waitForDownstream()) {
                        for (String d : downstream.getOrDefault(r.node(), List.of())) {
                            for (Row dr : byNode.getOrDefault(d, List.of())) {
                                if (found.isEmpty() && dr.interval().overlaps(previous.interval())) {
                                    found = dead(dr);
                                }
                            }
                        }
                    }
                }
            }
            memo.put(r.id(), found);
            return found;
        }
    }
}
