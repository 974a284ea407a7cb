package dev.strata.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.Javalin;
import io.javalin.http.Context;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code /api/runs}: the task-run grid over {@code strata.task_runs} (nodes × intervals, one cell per
 * task run, which holds its latest attempt), a run's detail, a node's last runs, and re-run of an
 * interval through the scheduler's {@link Rerunner}.
 */
final class RunsApi {
    static final int ERROR_PREVIEW_CHARS = 2000;

    private final Db db;
    private final String pipeline;
    private final PipelineGraph graph;
    private final Rerunner rerunner;
    private final ObjectMapper json;

    RunsApi(Db db, String pipeline, PipelineGraph graph, Rerunner rerunner, ObjectMapper json) {
        this.db = db;
        this.pipeline = pipeline;
        this.graph = graph;
        this.rerunner = rerunner;
        this.json = json;
    }

    void register(Javalin app) {
        app.get("/api/runs", this::grid);
        app.get("/api/runs/{id}", this::detail);
        app.post("/api/runs/rerun", this::rerun);
        app.get("/api/nodes/{node}/runs", this::nodeRuns);
    }

    record Run(long id, String node, Instant intervalStart, Instant intervalEnd, String state, int attempt,
               int maxAttempts, String worker, Instant queuedAt, Instant startedAt, Instant finishedAt,
               Long rowsAffected, String error, boolean errorTruncated, List<TestCell> tests) {
        Run withTests(List<TestCell> t) {
            return new Run(id, node, intervalStart, intervalEnd, state, attempt, maxAttempts, worker, queuedAt, startedAt,
                    finishedAt, rowsAffected, error, errorTruncated, t);
        }
    }

    /**
     * A data test's result for a run's latest attempt (strata.test_results). In the grid only tests
     * that did not pass, without samples; in a run's detail every test, with up to 10 sample rows.
     */
    record TestCell(String test, String kind, String severity, String status, long failures, JsonNode samples,
                    String message) {
    }

    record Interval(Instant start, Instant end) {
    }

    /**
     * The grid. Continuous nodes (landing, continuous vault targets) have no task runs: for them
     * {@code continuous} gives the node's kind and, where the node reports it, how far its output
     * is complete ({@code covered_until}), so that a cell can say whether the interval is covered.
     */
    record Grid(List<String> nodes, List<Interval> intervals, List<Run> cells, Map<String, Continuous> continuous) {
    }

    record Continuous(String kind, Instant coveredUntil) {
    }

    /** Node kinds that land continuously: a source (scheduler graph) or its STG table (sources-only graph). */
    private static final Set<String> LANDING_KINDS = Set.of("source", "stg");

    private static final String COLUMNS = "id, node, interval_start, interval_end, state, attempt, max_attempts, worker, "
            + "queued_at, started_at, finished_at, rows_affected, error";

    /**
     * The grid: by default the latest {@code intervals} distinct interval starts; with {@code from}
     * and/or {@code to}, the intervals starting in {@code [from, to)}. Optional {@code node} filter.
     */
    private void grid(Context ctx) {
        int intervals = Params.integer(ctx, "intervals", 24, 1, 500);
        java.util.Optional<Instant> from = Params.instant(ctx, "from");
        java.util.Optional<Instant> to = Params.instant(ctx, "to");
        String node = ctx.queryParam("node");
        if (node != null) {
            requireKnownNode(node);
        }
        List<Object> params = new ArrayList<>(List.of(pipeline));
        StringBuilder where = new StringBuilder(" WHERE pipeline = ?");
        if (node != null) {
            where.append(" AND node = ?");
            params.add(node);
        }
        from.ifPresent(f -> {
            where.append(" AND interval_start >= ?");
            params.add(f);
        });
        to.ifPresent(t -> {
            where.append(" AND interval_start < ?");
            params.add(t);
        });
        // the window: the latest N distinct interval starts that match
        List<Instant> starts = db.query("SELECT DISTINCT interval_start FROM " + db.meta("task_runs") + where
                + " ORDER BY interval_start DESC", intervals, rs -> Db.instant(rs, "interval_start"), params.toArray());
        if (starts.isEmpty()) {
            ctx.json(new Grid(orderedNodes(Set.of()), List.of(), List.of(), Map.of()));
            return;
        }
        Instant oldest = starts.get(starts.size() - 1);
        Instant newest = starts.get(0);
        List<Object> cellParams = new ArrayList<>(params);
        cellParams.add(oldest);
        cellParams.add(newest);
        List<Run> cells = withFailingTests(db.query("SELECT " + COLUMNS + " FROM " + db.meta("task_runs") + where
                        + " AND interval_start >= ? AND interval_start <= ? ORDER BY interval_start, node",
                rs -> read(rs, ERROR_PREVIEW_CHARS), cellParams.toArray()), oldest, newest);
        Map<Instant, Instant> ends = new java.util.TreeMap<>();
        Set<String> seen = new LinkedHashSet<>();
        for (Run r : cells) {
            ends.merge(r.intervalStart(), r.intervalEnd(), (a, b) -> a.isAfter(b) ? a : b);
            seen.add(r.node());
        }
        List<Interval> columns = ends.entrySet().stream().map(e -> new Interval(e.getKey(), e.getValue())).toList();
        List<String> nodes = node != null ? List.of(node) : orderedNodes(seen);
        ctx.json(new Grid(nodes, columns, cells, continuous(nodes, seen)));
    }

    /** The nodes of the grid that ran no task in it, with their kind and coverage where reported. */
    private Map<String, Continuous> continuous(List<String> nodes, Set<String> withRuns) {
        Map<String, Instant> covered = NodeCoverage.read(db, pipeline);
        Map<String, Continuous> out = new java.util.LinkedHashMap<>();
        for (GraphNode n : graph.nodes()) {
            if (nodes.contains(n.name()) && !withRuns.contains(n.name())
                    && (covered.containsKey(n.name()) || LANDING_KINDS.contains(n.kind()))) {
                Instant until = covered.get(n.name());
                out.put(n.name(), new Continuous(n.kind(), NodeCoverage.NOTHING.equals(until) ? null : until));
            }
        }
        return out;
    }

    /**
     * The grid's rows in graph (dependency) order: nodes with a table, and nodes without one that
     * have runs (SQL tasks such as {@code init}), then any other node found in the runs.
     */
    private List<String> orderedNodes(Set<String> fromRuns) {
        LinkedHashSet<String> out = new LinkedHashSet<>();
        for (GraphNode n : graph.nodes()) {
            if (n.table().isPresent() || fromRuns.contains(n.name())) {
                out.add(n.name());
            }
        }
        out.addAll(fromRuns);
        return List.copyOf(out);
    }

    private void detail(Context ctx) {
        long id = Params.id(ctx, "id");
        Run run = db.query("SELECT " + COLUMNS + " FROM " + db.meta("task_runs") + " WHERE pipeline = ? AND id = ?",
                        rs -> read(rs, Integer.MAX_VALUE), pipeline, id).stream().findFirst()
                .orElseThrow(() -> ApiException.notFound("no task run " + id + " in pipeline " + pipeline));
        ctx.json(run.withTests(db.query("SELECT test, kind, severity, status, failures, samples, message FROM "
                        + db.meta("test_results") + " WHERE pipeline = ? AND node = ? AND interval_start = ? AND attempt = ? "
                        + "AND run_by = 'task' ORDER BY id",
                rs -> new TestCell(rs.getString("test"), rs.getString("kind"), rs.getString("severity"), rs.getString("status"),
                        rs.getLong("failures"), samples(rs.getString("samples")), rs.getString("message")),
                pipeline, run.node(), run.intervalStart(), run.attempt())));
    }

    /** The grid's cells with the tests that did not pass in each run's latest attempt. */
    private List<Run> withFailingTests(List<Run> cells, Instant oldest, Instant newest) {
        record Key(String node, Instant start, int attempt) {
        }
        Map<Key, List<TestCell>> failing = new java.util.HashMap<>();
        db.query("SELECT node, interval_start, attempt, test, kind, severity, status, failures, message FROM "
                        + db.meta("test_results") + " WHERE pipeline = ? AND run_by = 'task' AND status <> 'pass' "
                        + "AND interval_start >= ? AND interval_start <= ? ORDER BY id",
                rs -> failing.computeIfAbsent(new Key(rs.getString("node"), Db.instant(rs, "interval_start"), rs.getInt("attempt")),
                        k -> new ArrayList<>()).add(new TestCell(rs.getString("test"), rs.getString("kind"),
                        rs.getString("severity"), rs.getString("status"), rs.getLong("failures"), null, rs.getString("message"))),
                pipeline, oldest, newest);
        if (failing.isEmpty()) {
            return cells;
        }
        return cells.stream().map(r -> r.withTests(failing.getOrDefault(new Key(r.node(), r.intervalStart(), r.attempt()),
                List.of()))).toList();
    }

    private JsonNode samples(String text) {
        if (text == null) {
            return null;
        }
        try {
            return json.readTree(text);
        } catch (java.io.IOException e) {
            return null;
        }
    }

    private void nodeRuns(Context ctx) {
        String node = ctx.pathParam("node");
        requireKnownNode(node);
        int limit = Params.integer(ctx, "limit", 20, 1, 500);
        ctx.json(Map.of("node", node, "runs", lastRuns(node, limit)));
    }

    List<Run> lastRuns(String node, int limit) {
        return db.query("SELECT " + COLUMNS + " FROM " + db.meta("task_runs")
                        + " WHERE pipeline = ? AND node = ? ORDER BY interval_start DESC, id DESC", limit,
                rs -> read(rs, ERROR_PREVIEW_CHARS), pipeline, node);
    }

    /**
     * Body {@code {"node": "...", "interval": "start/end"}}. The node must be in the graph and the
     * interval must be one of its task runs; then the scheduler queues a new attempt (202).
     */
    private void rerun(Context ctx) {
        JsonNode body;
        try {
            body = json.readTree(ctx.body());
        } catch (java.io.IOException e) {
            throw ApiException.badRequest("expected a JSON body {\"node\": ..., \"interval\": \"start/end\"}");
        }
        if (body == null || !body.isObject() || !body.path("node").isTextual() || !body.path("interval").isTextual()) {
            throw ApiException.badRequest("expected a JSON body {\"node\": ..., \"interval\": \"start/end\"}");
        }
        String node = body.get("node").asText();
        Params.Interval interval = Params.interval("interval", body.get("interval").asText());
        if (graph.node(node).isEmpty()) {
            throw ApiException.notFound("unknown node '" + Params.shorten(node) + "'");
        }
        List<String> states = db.query("SELECT state FROM " + db.meta("task_runs")
                        + " WHERE pipeline = ? AND node = ? AND interval_start = ? AND interval_end = ?",
                rs -> rs.getString("state"), pipeline, node, interval.start(), interval.end());
        if (states.isEmpty()) {
            throw ApiException.notFound("node '" + node + "' has no task run for " + interval);
        }
        if (states.get(0).equals("queued")) {
            throw new ApiException(409, "node '" + node + "' is already queued for " + interval
                    + ": it runs when a worker takes it (after its upstream and, with depends_on_past, its previous "
                    + "interval); there is nothing to re-run yet");
        }
        if (states.get(0).equals("running")) {
            throw new ApiException(409, "node '" + node + "' is running now for " + interval
                    + "; re-run it once this attempt has finished");
        }
        try {
            rerunner.rerun(node, interval.start(), interval.end());
        } catch (UnsupportedOperationException e) {
            throw ApiException.unavailable(e.getMessage());
        }
        ctx.status(202).json(Map.of("node", node, "interval", interval.toString(), "state", "queued"));
    }

    /** A node is known when the graph has it or a task run names it; anything else is a 404. */
    private void requireKnownNode(String node) {
        if (node.isEmpty() || node.length() > 200) {
            throw ApiException.badRequest("node: expected a node name");
        }
        if (graph.node(node).isPresent()) {
            return;
        }
        if (db.query("SELECT 1 FROM " + db.meta("task_runs") + " WHERE pipeline = ? AND node = ?", 1, rs -> 1,
                pipeline, node).isEmpty()) {
            throw ApiException.notFound("unknown node '" + Params.shorten(node) + "'");
        }
    }

    private static Run read(ResultSet rs, int errorChars) throws SQLException {
        String error = rs.getString("error");
        boolean truncated = error != null && error.length() > errorChars;
        return new Run(rs.getLong("id"), rs.getString("node"), Db.instant(rs, "interval_start"),
                Db.instant(rs, "interval_end"), rs.getString("state"), rs.getInt("attempt"), rs.getInt("max_attempts"),
                rs.getString("worker"), Db.instant(rs, "queued_at"), Db.instant(rs, "started_at"),
                Db.instant(rs, "finished_at"), Db.nullableLong(rs, "rows_affected"),
                truncated ? error.substring(0, errorChars) : error, truncated, List.of());
    }
}
