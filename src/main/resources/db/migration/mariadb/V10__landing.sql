-- Landing (docs/landing.md): one row per committed landing batch, written in the batch's own
-- transaction. Its id is the _batch_id of the STG rows the batch wrote, so any STG row can be
-- traced to when, by which worker and from which partition ranges it landed.
-- MariaDB edition of db/migration/postgresql/V10__landing.sql. NOCACHE: a MariaDB sequence caches
-- 1000 values by default and loses the unused ones on restart; PostgreSQL's draws one at a time.
CREATE SEQUENCE IF NOT EXISTS strata.landing_batch_id NOCACHE;

CREATE TABLE IF NOT EXISTS strata.landing_batches (
    id           BIGINT       NOT NULL PRIMARY KEY,
    pipeline     VARCHAR(64)  NOT NULL,
    source       VARCHAR(64)  NOT NULL,
    worker       VARCHAR(255) NOT NULL,
    records      INT          NOT NULL,   -- records read from the source in this batch
    rows_landed  INT          NOT NULL,   -- rows inserted into stg.<source>
    duplicates   INT          NOT NULL,   -- records dropped by the dedup key
    dead_letters INT          NOT NULL,   -- records written to strata.dead_letters
    positions    JSON         NOT NULL,   -- {"<partition>": [from, to)} advanced by this batch; {} for replays
    -- PostgreSQL uses clock_timestamp(); UTC_TIMESTAMP(6) is the time of this statement, not of the
    -- transaction's start, which is what clock_timestamp() gave there
    committed_at DATETIME(6)  NOT NULL DEFAULT UTC_TIMESTAMP(6)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_nopad_bin;
CREATE INDEX IF NOT EXISTS landing_batches_by_source ON strata.landing_batches (pipeline, source, committed_at);

-- A dead letter replayed by `strata dead-letters replay` records the batch that landed it.
ALTER TABLE strata.dead_letters ADD COLUMN IF NOT EXISTS replay_batch_id BIGINT;
