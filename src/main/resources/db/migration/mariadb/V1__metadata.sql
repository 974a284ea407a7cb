-- Strata's metadata, MariaDB edition of db/migration/postgresql/V1__metadata.sql (same version, same
-- tables and meaning). Every table is keyed by pipeline (the project's name), so several projects
-- can share one warehouse.
--
-- How it maps (docs/warehouses.md, "MariaDB/MySQL: how each layer maps"):
--  * MariaDB has no schemas inside a database: a MySQL "schema" IS a database. Strata's schema
--    `strata` is the database `strata`, created (utf8mb4, utf8mb4_nopad_bin) by the adapter before
--    Flyway runs, as `stg`, `dds` and `cdm` are databases of their own.
--  * text -> VARCHAR(n) where the column is part of a key (InnoDB keys hold at most 3072 bytes, 4 per
--    utf8mb4 character; Strata identifiers are at most 63 characters), LONGTEXT otherwise (TEXT stops at
--    64 KB, and strict mode rejects a longer error message instead of cutting it).
--  * Every table says utf8mb4 / utf8mb4_nopad_bin itself, whatever the database's default: binary,
--    case-sensitive and trailing-space-sensitive comparison, as PostgreSQL compares text.
--  * jsonb -> JSON (in MariaDB an alias of LONGTEXT with a CHECK (JSON_VALID(...)) added).
--  * timestamptz -> DATETIME(6) holding UTC: TIMESTAMP(6) would stop at 2038-01-19 and convert on
--    every read and write through the session time zone; DATETIME stores what it is given. Defaults
--    use UTC_TIMESTAMP(6), which is UTC whatever the session's time_zone.
--  * bytea -> LONGBLOB; bigserial -> BIGINT AUTO_INCREMENT; partial indexes -> plain indexes.
--  * Every statement is IF NOT EXISTS: MariaDB commits each DDL statement on its own, so a migration
--    a crash interrupted half-way is simply run again (Flyway recorded nothing for it).

-- Where each source partition stands: the next position to read. Advanced with a compare-and-set
-- in the same transaction as the rows it covers (see docs/landing.md).
CREATE TABLE IF NOT EXISTS strata.source_positions (
    pipeline     VARCHAR(64)  NOT NULL,
    source       VARCHAR(64)  NOT NULL,
    partition_id VARCHAR(255) NOT NULL,       -- Kafka partition number, or a source-specific stream name
    position     BIGINT       NOT NULL,       -- next offset to read (Kafka) or a source-specific counter
    detail       JSON,                        -- non-numeric positions (CDC offsets, snapshot checksums)
    owner        VARCHAR(255),                -- the worker that last advanced it, for diagnosis
    updated_at   DATETIME(6)  NOT NULL DEFAULT UTC_TIMESTAMP(6),
    PRIMARY KEY (pipeline, source, partition_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_nopad_bin;

-- Records that could not be landed, kept with their raw bytes and the reason.
CREATE TABLE IF NOT EXISTS strata.dead_letters (
    id           BIGINT       NOT NULL AUTO_INCREMENT PRIMARY KEY,
    pipeline     VARCHAR(64)  NOT NULL,
    source       VARCHAR(64)  NOT NULL,
    partition_id VARCHAR(255) NOT NULL,
    position     BIGINT       NOT NULL,
    raw_key      LONGBLOB,
    raw_value    LONGBLOB,
    headers      JSON,
    reason       LONGTEXT     NOT NULL,
    created_at   DATETIME(6)  NOT NULL DEFAULT UTC_TIMESTAMP(6),
    replayed_at  DATETIME(6),
    replay_note  LONGTEXT,
    UNIQUE KEY dead_letters_position (pipeline, source, partition_id, position)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_nopad_bin;
CREATE INDEX IF NOT EXISTS dead_letters_by_source ON strata.dead_letters (pipeline, source, created_at);

-- How far each layer target (hub, link, satellite, staged table) has consumed its input.
CREATE TABLE IF NOT EXISTS strata.layer_watermarks (
    pipeline   VARCHAR(64)  NOT NULL,
    target     VARCHAR(255) NOT NULL,
    input      VARCHAR(255) NOT NULL,         -- the STG table or upstream target read
    watermark  BIGINT       NOT NULL,         -- highest input sequence consumed
    updated_at DATETIME(6)  NOT NULL DEFAULT UTC_TIMESTAMP(6),
    PRIMARY KEY (pipeline, target, input)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_nopad_bin;

-- Task runs: the scheduler's queue and its log. One row per (node, interval, attempt).
CREATE TABLE IF NOT EXISTS strata.task_runs (
    id             BIGINT       NOT NULL AUTO_INCREMENT PRIMARY KEY,
    pipeline       VARCHAR(64)  NOT NULL,
    node           VARCHAR(255) NOT NULL,
    interval_start DATETIME(6)  NOT NULL,
    interval_end   DATETIME(6)  NOT NULL,
    state          VARCHAR(16)  NOT NULL CHECK (state IN ('queued','running','success','failed','up_for_retry','skipped')),
    attempt        INT          NOT NULL DEFAULT 1,
    max_attempts   INT          NOT NULL DEFAULT 1,
    worker         VARCHAR(255),
    lease_until    DATETIME(6),
    not_before     DATETIME(6),
    queued_at      DATETIME(6)  NOT NULL DEFAULT UTC_TIMESTAMP(6),
    started_at     DATETIME(6),
    finished_at    DATETIME(6),
    rows_affected  BIGINT,
    error          LONGTEXT,
    UNIQUE KEY task_runs_interval (pipeline, node, interval_start)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_nopad_bin;
-- PostgreSQL's is partial (WHERE state IN ('queued','up_for_retry','running')); MariaDB has no
-- partial indexes, so this one covers every state (state is its second column, so the claim's
-- range over the claimable states still uses it).
CREATE INDEX IF NOT EXISTS task_runs_claimable ON strata.task_runs (pipeline, state, not_before);
