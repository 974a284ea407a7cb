package dev.strata.schedule;

import dev.strata.warehouse.Warehouse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Read-only views of a pipeline's task runs, for {@code strata status} and the console. */
public final class RunLog {
    private final Warehouse warehouse;
    private final String pipeline;
    private final TaskRunStore store;

    public RunLog(Warehouse warehouse, String pipeline) {
        this.warehouse = warehouse;
        this.pipeline = pipeline;
        this.store = new TaskRunStore(warehouse, pipeline, Clock.systemUTC());
    }

    /** A node's runs in a nutshell. */
    public record NodeStatus(String node, Map<TaskState, Integer> counts, Optional<Instant> lastInterval,
                             Optional<TaskState> lastState, Optional<Instant> lastSuccess) {
    }

    /** One task run, as listed. */
    public record Run(String node, Instant logicalDate, Interval interval, TaskState state, int attempt, String worker,
                      Instant startedAt, Instant finishedAt, Long rows, String error) {
    }

    /**
     * How far each continuous node that reports it (a continuous vault target) has its output
     * complete; a node registered but not yet loaded is absent.
     */
    public Map<String, Instant> coverage() throws SQLException {
        Map<String, Instant> out = new LinkedHashMap<>(store.coverage());
        out.values().removeIf(Instant.EPOCH::equals);
        return out;
    }

    /** Why a continuous node's loads fail, since when (recorded by {@link ContinuousVault}). */
    public record Failing(String node, String error, Instant since) {
    }

    /** The continuous nodes whose loads are failing now, by name. */
    public Map<String, Failing> failingContinuous() throws SQLException {
        Map<String, Failing> out = new java.util.TreeMap<>();
        try (java.sql.Connection c = warehouse.connection();
             java.sql.PreparedStatement ps = c.prepareStatement("SELECT node, last_error, failing_since FROM strata.node_coverage "
                     + "WHERE pipeline = ? AND last_error IS NOT NULL")) {
            ps.setString(1, pipeline);
            try (java.sql.ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    java.sql.Timestamp since = rs.getTimestamp(3);
                    out.put(rs.getString(1), new Failing(rs.getString(1), rs.getString(2), since == null ? null : since.toInstant()));
                }
            }
        }
        return out;
    }

    /** Per node: counts by state, the latest interval and its state, the latest successful interval. */
    public Map<String, NodeStatus> nodes() throws SQLException {
        Map<String, Map<TaskState, Integer>> counts = new LinkedHashMap<>();
        Map<String, Instant> lastInterval = new LinkedHashMap<>();
        Map<String, TaskState> lastState = new LinkedHashMap<>();
        Map<String, Instant> lastSuccess = new LinkedHashMap<>();
        try (Connection c = warehouse.connection()) {
            try (PreparedStatement ps = c.prepareStatement("SELECT node, state, count(*), max(interval_start) "
                    + "FROM strata.task_runs WHERE pipeline = ? GROUP BY node, state ORDER BY node")) {
                ps.setString(1, pipeline);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        TaskState s = TaskState.of(rs.getString(2));
                        counts.computeIfAbsent(rs.getString(1), k -> new EnumMap<>(TaskState.class)).put(s, rs.getInt(3));
                        if (s == TaskState.SUCCESS) {
                            lastSuccess.put(rs.getString(1), TaskRunStore.instant(rs, "max"));
                        }
                    }
                }
            }
            try (PreparedStatement ps = c.prepareStatement("SELECT r.node, r.interval_start, r.state FROM strata.task_runs r "
                    + "WHERE r.pipeline = ? AND r.interval_start = (SELECT max(q.interval_start) FROM strata.task_runs q "
                    + "WHERE q.pipeline = r.pipeline AND q.node = r.node)")) {
                ps.setString(1, pipeline);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        lastInterval.put(rs.getString(1), TaskRunStore.instant(rs, "interval_start"));
                        lastState.put(rs.getString(1), TaskState.of(rs.getString(3)));
                    }
                }
            }
        }
        Map<String, NodeStatus> out = new LinkedHashMap<>();
        counts.forEach((node, c) -> out.put(node, new NodeStatus(node, c, Optional.ofNullable(lastInterval.get(node)),
                Optional.ofNullable(lastState.get(node)), Optional.ofNullable(lastSuccess.get(node)))));
        return out;
    }

    /** The latest pipeline runs (runs of the scheduled graph for a logical date), newest first, at most {@code limit}. */
    public List<PipelineRun> pipelineRuns(int limit) throws SQLException {
        return pipelineRuns(" AND 1 = 1", List.of(), limit);
    }

    /** The pipeline runs with these ids, oldest first. */
    public List<PipelineRun> pipelineRuns(List<String> runIds) throws SQLException {
        if (runIds.isEmpty()) {
            return List.of();
        }
        List<PipelineRun> out = new ArrayList<>(pipelineRuns(" AND run_id IN (" + String.join(", ",
                java.util.Collections.nCopies(runIds.size(), "?")) + ")", runIds, runIds.size()));
        java.util.Collections.reverse(out);
        return out;
    }

    /**
     * Finishes the pipeline runs that can no longer change (see {@code PipelineRuns}); a process
     * that only reads the log ({@code strata status}) calls it so that a run whose last task ended in
     * a process that then died is shown finished.
     */
    public void settle() throws SQLException {
        new PipelineRuns(warehouse, pipeline, Clock.systemUTC(), Optional.empty()).settle();
    }

    private List<PipelineRun> pipelineRuns(String where, List<String> params, int limit) throws SQLException {
        List<PipelineRun> out = new ArrayList<>();
        try (Connection c = warehouse.connection();
             PreparedStatement ps = c.prepareStatement("SELECT run_id, pipeline, logical_date, trigger_type, status, started_at, "
                     + "finished_at, failed_task, error_message, task_count, rows_loaded, triggered_by "
                     + "FROM strata.pipeline_runs WHERE pipeline = ?" + where + " ORDER BY started_at DESC, run_id DESC")) {
            ps.setString(1, pipeline);
            for (int i = 0; i < params.size(); i++) {
                ps.setString(i + 2, params.get(i));
            }
            ps.setMaxRows(limit);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new PipelineRun(rs.getString("run_id"), rs.getString("pipeline"),
                            TaskRunStore.instant(rs, "logical_date"), rs.getString("trigger_type"), rs.getString("status"),
                            TaskRunStore.instant(rs, "started_at"), Optional.ofNullable(TaskRunStore.instant(rs, "finished_at")),
                            Optional.ofNullable(rs.getString("failed_task")), Optional.ofNullable(rs.getString("error_message")),
                            rs.getInt("task_count"), Optional.ofNullable(rs.getString("rows_loaded")), rs.getString("triggered_by")));
                }
            }
        }
        return out;
    }

    /** Runs in the given states, latest first, at most {@code limit}. */
    public List<Run> runs(List<TaskState> states, int limit) throws SQLException {
        List<Run> out = new ArrayList<>();
        for (TaskRunStore.RunRow r : store.runs(TaskRunStore.Filter.all())) {
            if (states.contains(r.state())) {
                out.add(new Run(r.node(), r.logicalDate(), r.interval(), r.state(), r.attempt(), r.worker(), r.startedAt(),
                        r.finishedAt(), r.rows(), r.error()));
            }
        }
        java.util.Collections.reverse(out);
        return out.size() > limit ? out.subList(0, limit) : out;
    }
}
