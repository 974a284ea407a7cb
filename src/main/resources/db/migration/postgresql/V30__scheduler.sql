-- The scheduler (docs/scheduling.md). task_runs stays one row per (node, interval): the queue and
-- the current state. Each attempt is logged in task_attempts. Edges of the graph and the coverage
-- of continuous nodes are kept here so that the claim query can decide runnability in one statement.

ALTER TABLE strata.task_runs
    ADD COLUMN logical_date        timestamptz,
    ADD COLUMN depends_on_past     boolean NOT NULL DEFAULT false,
    ADD COLUMN wait_for_downstream boolean NOT NULL DEFAULT false,
    ADD COLUMN retry_delay_ms      bigint  NOT NULL DEFAULT 300000,
    ADD COLUMN timeout_ms          bigint,
    ADD COLUMN lost_attempts       int     NOT NULL DEFAULT 0;
-- attempt now counts attempts started: 0 while a run has never been claimed.
ALTER TABLE strata.task_runs ALTER COLUMN attempt SET DEFAULT 0;
CREATE INDEX task_runs_by_logical_date ON strata.task_runs (pipeline, logical_date);

-- One row per attempt of a task run: who ran it, when, and how it ended.
CREATE TABLE strata.task_attempts (
    run_id        bigint      NOT NULL REFERENCES strata.task_runs (id) ON DELETE CASCADE,
    attempt       int         NOT NULL,
    worker        text        NOT NULL,
    state         text        NOT NULL CHECK (state IN ('running','success','failed','lost','abandoned')),
    started_at    timestamptz NOT NULL,
    finished_at   timestamptz,
    rows_affected bigint,
    error         text,
    PRIMARY KEY (run_id, attempt)
);

-- The pipeline graph's edges as last synchronised by a running process: node waits for upstream.
CREATE TABLE strata.task_edges (
    pipeline text NOT NULL,
    node     text NOT NULL,
    upstream text NOT NULL,
    PRIMARY KEY (pipeline, node, upstream)
);
CREATE INDEX task_edges_by_upstream ON strata.task_edges (pipeline, upstream);

-- How far the output of a continuous node (landing, continuous vault target) is complete: a
-- downstream interval ending after covered_until waits. Nodes without a row do not gate.
CREATE TABLE strata.node_coverage (
    pipeline      text        NOT NULL,
    node          text        NOT NULL,
    covered_until timestamptz NOT NULL,
    updated_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (pipeline, node)
);
