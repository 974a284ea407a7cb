-- The scheduler (docs/scheduling.md). task_runs stays one row per (node, interval): the queue and
-- the current state. Each attempt is logged in task_attempts. Edges of the graph and the coverage
-- of continuous nodes are kept here so that the claim query can decide runnability in one statement.
-- MariaDB edition of db/migration/postgresql/V30__scheduler.sql.

ALTER TABLE strata.task_runs
    ADD COLUMN IF NOT EXISTS logical_date        DATETIME(6),
    ADD COLUMN IF NOT EXISTS depends_on_past     BOOLEAN NOT NULL DEFAULT FALSE,
    ADD COLUMN IF NOT EXISTS wait_for_downstream BOOLEAN NOT NULL DEFAULT FALSE,
    ADD COLUMN IF NOT EXISTS retry_delay_ms      BIGINT  NOT NULL DEFAULT 300000,
    ADD COLUMN IF NOT EXISTS timeout_ms          BIGINT,
    ADD COLUMN IF NOT EXISTS lost_attempts       INT     NOT NULL DEFAULT 0;
-- attempt now counts attempts started: 0 while a run has never been claimed.
ALTER TABLE strata.task_runs ALTER COLUMN attempt SET DEFAULT 0;
CREATE INDEX IF NOT EXISTS task_runs_by_logical_date ON strata.task_runs (pipeline, logical_date);

-- One row per attempt of a task run: who ran it, when, and how it ended.
CREATE TABLE IF NOT EXISTS strata.task_attempts (
    run_id        BIGINT       NOT NULL,
    attempt       INT          NOT NULL,
    worker        VARCHAR(255) NOT NULL,
    state         VARCHAR(16)  NOT NULL CHECK (state IN ('running','success','failed','lost','abandoned')),
    started_at    DATETIME(6)  NOT NULL,
    finished_at   DATETIME(6),
    rows_affected BIGINT,
    error         LONGTEXT,
    PRIMARY KEY (run_id, attempt),
    CONSTRAINT task_attempts_run FOREIGN KEY (run_id) REFERENCES strata.task_runs (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_nopad_bin;

-- The pipeline graph's edges as last synchronised by a running process: node waits for upstream.
CREATE TABLE IF NOT EXISTS strata.task_edges (
    pipeline VARCHAR(64)  NOT NULL,
    node     VARCHAR(255) NOT NULL,
    upstream VARCHAR(255) NOT NULL,
    PRIMARY KEY (pipeline, node, upstream)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_nopad_bin;
CREATE INDEX IF NOT EXISTS task_edges_by_upstream ON strata.task_edges (pipeline, upstream);

-- How far the output of a continuous node (landing, continuous vault target) is complete: a
-- downstream interval ending after covered_until waits. Nodes without a row do not gate.
CREATE TABLE IF NOT EXISTS strata.node_coverage (
    pipeline      VARCHAR(64)  NOT NULL,
    node          VARCHAR(255) NOT NULL,
    covered_until DATETIME(6)  NOT NULL,
    updated_at    DATETIME(6)  NOT NULL DEFAULT UTC_TIMESTAMP(6),
    PRIMARY KEY (pipeline, node)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_nopad_bin;
