-- Operations (docs/operations.md): the pipeline run log and the warehouse objects a project deploys.

-- One row per run of a pipeline's scheduled graph for one logical date, whatever triggered it:
-- the scheduler (scheduled), `strata trigger` or the console's re-run (manual), `strata backfill`
-- (backfill). Created in the transaction that queues its task runs; finished (status success or
-- failed, finished_at, the first failed task and its error) once none of its task runs can run any
-- more. The rules are written at dev.strata.schedule.PipelineRuns.
CREATE TABLE strata.pipeline_runs (
    run_id        text        PRIMARY KEY,
    pipeline      text        NOT NULL,
    logical_date  timestamptz NOT NULL,
    trigger_type  text        NOT NULL CHECK (trigger_type IN ('scheduled', 'manual', 'backfill')),
    status        text        NOT NULL CHECK (status IN ('running', 'success', 'failed')),
    started_at    timestamptz NOT NULL,
    finished_at   timestamptz,
    failed_task   text,
    error_message text,
    task_count    int         NOT NULL DEFAULT 0,
    rows_loaded   text,                                 -- JSON object: node -> rows affected
    triggered_by  text,                                 -- the worker (process) that triggered it
    mirrored_at   timestamptz                           -- when copied into the project's run_log table
);
CREATE INDEX pipeline_runs_by_status ON strata.pipeline_runs (pipeline, status);
CREATE INDEX pipeline_runs_by_start ON strata.pipeline_runs (pipeline, started_at);

-- The task runs (node, interval) a pipeline run consists of. A task run can belong to several
-- pipeline runs over time (a later manual run re-queues it) and, while in flight, to two at once.
CREATE TABLE strata.pipeline_run_tasks (
    run_id      text   NOT NULL REFERENCES strata.pipeline_runs (run_id) ON DELETE CASCADE,
    task_run_id bigint NOT NULL REFERENCES strata.task_runs (id) ON DELETE CASCADE,
    PRIMARY KEY (run_id, task_run_id)
);
CREATE INDEX pipeline_run_tasks_by_task ON strata.pipeline_run_tasks (task_run_id);

-- SQL objects a project owns (functions, procedures, views from objects/*.sql), with the checksum of
-- the file last deployed: a file is run again only when its text changed.
CREATE TABLE strata.deployed_objects (
    pipeline    text        NOT NULL,
    name        text        NOT NULL,
    file        text        NOT NULL,
    checksum    text        NOT NULL,
    deployed_at timestamptz NOT NULL,
    PRIMARY KEY (pipeline, name)
);
