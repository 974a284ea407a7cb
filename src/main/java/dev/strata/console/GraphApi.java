package dev.strata.console;

import io.javalin.Javalin;
import io.javalin.http.Context;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code /api/graph}: the pipeline's nodes with their inputs, row counts and latest task-run state;
 * {@code /api/graph/nodes/{name}}: one node's SQL and last runs.
 */
final class GraphApi {
    private final Db db;
    private final String pipeline;
    private final PipelineGraph graph;
    private final RunsApi runs;
    private final RowCounts rowCounts;

    GraphApi(Db db, String pipeline, PipelineGraph graph, RunsApi runs, java.time.Clock clock) {
        this.db = db;
        this.pipeline = pipeline;
        this.graph = graph;
        this.runs = runs;
        this.rowCounts = new RowCounts(db, clock);
    }

    void register(Javalin app) {
        app.get("/api/graph", this::graph);
        app.get("/api/graph/nodes/{name}", this::node);
    }

    /**
     * {@code layer}: where the page draws it, left to right (source, stg, hub, link, satellite,
     * task, mart); {@code coveredUntil}: for a continuous vault target, how far its output is
     * complete (null otherwise); {@code loadError}: why its loads fail now (null while they
     * succeed); {@code rejects}: STG rows the vault target set aside and not yet reloaded,
     * {@code rejectReason} the latest one's reason (see {@code strata vault rejects}).
     */
    record Node(String name, String kind, String layer, List<String> inputs, String table, Long rows, String state,
                Instant lastIntervalStart, Instant lastFinishedAt, String error, Instant coveredUntil,
                String loadError, long rejects, String rejectReason) {
    }

    record NodeDetail(String name, String kind, List<String> inputs, String table, String sql, List<RunsApi.Run> runs) {
    }

    private record Latest(String state, Instant intervalStart, Instant finishedAt, String error) {
    }

    private void graph(Context ctx) {
        List<GraphNode> nodes = graph.nodes();
        RowCounts.Counted counted = rowCounts.counts(nodes);
        Map<String, Latest> latest = new HashMap<>();
        db.query("SELECT node, state, interval_start, finished_at, error FROM ("
                        + "SELECT node, state, interval_start, finished_at, error, "
                        + "row_number() OVER (PARTITION BY node ORDER BY interval_start DESC, id DESC) AS rn "
                        + "FROM " + db.meta("task_runs") + " WHERE pipeline = ?) r WHERE rn = 1",
                rs -> latest.put(rs.getString("node"), new Latest(rs.getString("state"), Db.instant(rs, "interval_start"),
                        Db.instant(rs, "finished_at"), preview(rs.getString("error")))),
                pipeline);
        Map<String, Instant> covered = NodeCoverage.read(db, pipeline);
        Map<String, String> loadErrors = new HashMap<>();
        db.query("SELECT node, last_error FROM " + db.meta("node_coverage") + " WHERE pipeline = ? AND last_error IS NOT NULL",
                rs -> loadErrors.put(rs.getString("node"), preview(rs.getString("last_error"))), pipeline);
        Map<String, dev.strata.vault.VaultRejects.Pending> rejects = new dev.strata.vault.VaultRejects(db.warehouse(), pipeline)
                .pending();
        List<Node> out = new ArrayList<>();
        for (GraphNode n : nodes) {
            String key = RowCounts.key(n);
            Latest l = latest.get(n.name());
            out.add(new Node(n.name(), n.kind(), graph.layer(n), n.inputs(), key, key == null ? null : counted.counts().get(key),
                    l == null ? null : l.state(), l == null ? null : l.intervalStart(),
                    l == null ? null : l.finishedAt(), l == null ? null : l.error(),
                    NodeCoverage.NOTHING.equals(covered.get(n.name())) ? null : covered.get(n.name()),
                    loadErrors.get(n.name()), rejects.containsKey(n.name()) ? rejects.get(n.name()).rows() : 0,
                    rejects.containsKey(n.name()) ? rejects.get(n.name()).latest().describe() : null));
        }
        ctx.json(Map.of("pipeline", pipeline, "nodes", out, "counted_at", counted.at()));
    }

    private void node(Context ctx) {
        String name = ctx.pathParam("name");
        GraphNode n = graph.node(name)
                .orElseThrow(() -> ApiException.notFound("unknown node '" + Params.shorten(name) + "'"));
        ctx.json(new NodeDetail(n.name(), n.kind(), n.inputs(), RowCounts.key(n), n.sql().orElse(null),
                runs.lastRuns(n.name(), 20)));
    }

    private static String preview(String error) {
        return error == null || error.length() <= 500 ? error : error.substring(0, 500) + "...";
    }
}
