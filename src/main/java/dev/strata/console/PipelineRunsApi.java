package dev.strata.console;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.Javalin;
import io.javalin.http.Context;
import java.time.Instant;
import java.util.Map;

/**
 * {@code GET /api/pipeline-runs[?limit=N]}: the run log, {@code strata.pipeline_runs} — one row per
 * run of the scheduled graph for a logical date, whatever triggered it (the scheduler, {@code strata
 * trigger} or the Re-run button, both {@code manual}, a backfill), newest first, at most
 * {@code limit} (default 20, 1–500). A failed run names its failed task and error (the first
 * {@value RunsApi#ERROR_PREVIEW_CHARS} characters); {@code rows_loaded} is the object node → rows.
 */
final class PipelineRunsApi {
    private final Db db;
    private final String pipeline;
    private final ObjectMapper json;

    PipelineRunsApi(Db db, String pipeline, ObjectMapper json) {
        this.db = db;
        this.pipeline = pipeline;
        this.json = json;
    }

    void register(Javalin app) {
        app.get("/api/pipeline-runs", this::list);
    }

    record PipelineRunRow(String runId, Instant logicalDate, String triggerType, String status, Instant startedAt,
                          Instant finishedAt, String failedTask, String errorMessage, int taskCount, JsonNode rowsLoaded) {
    }

    private void list(Context ctx) {
        int limit = Params.integer(ctx, "limit", 20, 1, 500);
        ctx.json(Map.of("pipeline_runs", db.query("SELECT run_id, logical_date, trigger_type, status, started_at, finished_at, "
                        + "failed_task, error_message, task_count, rows_loaded FROM " + db.meta("pipeline_runs")
                        + " WHERE pipeline = ? ORDER BY started_at DESC, run_id DESC", limit,
                rs -> {
                    String error = rs.getString("error_message");
                    return new PipelineRunRow(rs.getString("run_id"), Db.instant(rs, "logical_date"), rs.getString("trigger_type"),
                            rs.getString("status"), Db.instant(rs, "started_at"), Db.instant(rs, "finished_at"),
                            rs.getString("failed_task"), error != null && error.length() > RunsApi.ERROR_PREVIEW_CHARS
                            ? error.substring(0, RunsApi.ERROR_PREVIEW_CHARS) : error, rs.getInt("task_count"),
                            rowsLoaded(rs.getString("rows_loaded")));
                }, pipeline)));
    }

    /** The stored JSON object; {@code null} while the run is running (written when it finishes). */
    private JsonNode rowsLoaded(String stored) {
        if (stored == null) {
            return null;
        }
        try {
            return json.readTree(stored);
        } catch (JsonProcessingException e) {
            return json.getNodeFactory().textNode(stored);
        }
    }
}
