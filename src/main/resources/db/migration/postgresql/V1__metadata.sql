-- Strata's metadata schema. Every table is keyed by pipeline (the project's name), so several
-- projects can share one warehouse.

-- Where each source partition stands: the next position to read. Advanced with a compare-and-set
-- in the same transaction as the rows it covers (see docs/landing.md).
CREATE TABLE strata.source_positions (
    pipeline     text        NOT NULL,
    source       text        NOT NULL,
    partition_id text        NOT NULL,       -- Kafka partition number, or a source-specific stream name
    position     bigint      NOT NULL,       -- next offset to read (Kafka) or a source-specific counter
    detail       jsonb,                      -- non-numeric positions (CDC offsets, snapshot checksums)
    owner        text,                       -- the worker that last advanced it, for diagnosis
    updated_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (pipeline, source, partition_id)
);

-- Records that could not be landed, kept with their raw bytes and the reason.
CREATE TABLE strata.dead_letters (
    id           bigserial   PRIMARY KEY,
    pipeline     text        NOT NULL,
    source       text        NOT NULL,
    partition_id text        NOT NULL,
    position     bigint      NOT NULL,
    raw_key      bytea,
    raw_value    bytea,
    headers      jsonb,
    reason       text        NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    replayed_at  timestamptz,
    replay_note  text,
    UNIQUE (pipeline, source, partition_id, position)
);
CREATE INDEX dead_letters_by_source ON strata.dead_letters (pipeline, source, created_at);

-- How far each layer target (hub, link, satellite, staged table) has consumed its input.
CREATE TABLE strata.layer_watermarks (
    pipeline   text        NOT NULL,
    target     text        NOT NULL,
    input      text        NOT NULL,         -- the STG table or upstream target read
    watermark  bigint      NOT NULL,         -- highest input sequence consumed
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (pipeline, target, input)
);

-- Task runs: the scheduler's queue and its log. One row per (node, interval, attempt).
CREATE TABLE strata.task_runs (
    id             bigserial   PRIMARY KEY,
    pipeline       text        NOT NULL,
    node           text        NOT NULL,
    interval_start timestamptz NOT NULL,
    interval_end   timestamptz NOT NULL,
    state          text        NOT NULL CHECK (state IN ('queued','running','success','failed','up_for_retry','skipped')),
    attempt        int         NOT NULL DEFAULT 1,
    max_attempts   int         NOT NULL DEFAULT 1,
    worker         text,
    lease_until    timestamptz,
    not_before     timestamptz,
    queued_at      timestamptz NOT NULL DEFAULT now(),
    started_at     timestamptz,
    finished_at    timestamptz,
    rows_affected  bigint,
    error          text,
    UNIQUE (pipeline, node, interval_start)
);
CREATE INDEX task_runs_claimable ON strata.task_runs (pipeline, state, not_before) WHERE state IN ('queued','up_for_retry','running');
