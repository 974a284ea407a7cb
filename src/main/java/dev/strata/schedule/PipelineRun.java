package dev.strata.schedule;

import java.time.Instant;
import java.util.Optional;

/**
 * One row of {@code strata.pipeline_runs}: a run of the pipeline's scheduled graph for one logical
 * date (when it starts and ends, and its status: {@link PipelineRuns}).
 *
 * @param trigger    {@code scheduled}, {@code manual} or {@code backfill}
 * @param status     {@code running}, {@code success} or {@code failed}
 * @param tasks      how many task runs (node × interval) it consists of
 * @param rowsLoaded a JSON object, node → rows written by this run; empty while running
 */
public record PipelineRun(String runId, String pipeline, Instant logicalDate, String trigger, String status,
                          Instant startedAt, Optional<Instant> finishedAt, Optional<String> failedTask,
                          Optional<String> errorMessage, int tasks, Optional<String> rowsLoaded, String triggeredBy) {
    public boolean finished() {
        return !status.equals("running");
    }
}
