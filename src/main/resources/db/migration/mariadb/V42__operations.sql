-- Operations (docs/operations.md): the pipeline run log and the warehouse objects a project deploys.
-- MariaDB edition of db/migration/postgresql/V42__operations.sql (same tables and meaning).

-- One row per run of a pipeline's scheduled graph for one logical date, whatever triggered it.
-- The rules are written at dev.strata.schedule.PipelineRuns.
CREATE TABLE IF NOT EXISTS strata.pipeline_runs (
    run_id        VARCHAR(128) NOT NULL PRIMARY KEY,
    pipeline      VARCHAR(64)  NOT NULL,
    logical_date  DATETIME(6)  NOT NULL,
    trigger_type  VARCHAR(16)  NOT NULL CHECK (trigger_type IN ('scheduled', 'manual', 'backfill')),
    status        VARCHAR(16)  NOT NULL CHECK (status IN ('running', 'success', 'failed')),
    started_at    DATETIME(6)  NOT NULL,
    finished_at   DATETIME(6),
    failed_task   VARCHAR(255),
    error_message LONGTEXT,
    task_count    INT          NOT NULL DEFAULT 0,
    rows_loaded   LONGTEXT,
    triggered_by  VARCHAR(255),
    mirrored_at   DATETIME(6)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_nopad_bin;
CREATE INDEX IF NOT EXISTS pipeline_runs_by_status ON strata.pipeline_runs (pipeline, status);
CREATE INDEX IF NOT EXISTS pipeline_runs_by_start ON strata.pipeline_runs (pipeline, started_at);

-- The task runs (node, interval) a pipeline run consists of.
CREATE TABLE IF NOT EXISTS strata.pipeline_run_tasks (
    run_id      VARCHAR(128) NOT NULL,
    task_run_id BIGINT       NOT NULL,
    PRIMARY KEY (run_id, task_run_id),
    CONSTRAINT pipeline_run_tasks_run FOREIGN KEY (run_id) REFERENCES strata.pipeline_runs (run_id) ON DELETE CASCADE,
    CONSTRAINT pipeline_run_tasks_task FOREIGN KEY (task_run_id) REFERENCES strata.task_runs (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_nopad_bin;
CREATE INDEX IF NOT EXISTS pipeline_run_tasks_by_task ON strata.pipeline_run_tasks (task_run_id);

-- SQL objects a project owns, with the checksum of the file last deployed.
CREATE TABLE IF NOT EXISTS strata.deployed_objects (
    pipeline    VARCHAR(64)  NOT NULL,
    name        VARCHAR(255) NOT NULL,
    file        LONGTEXT     NOT NULL,
    checksum    VARCHAR(64)  NOT NULL,
    deployed_at DATETIME(6)  NOT NULL,
    PRIMARY KEY (pipeline, name)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_nopad_bin;
