-- Landing (docs/landing.md): one row per committed landing batch, written in the batch's own
-- transaction. Its id is the _batch_id of the STG rows the batch wrote, so any STG row can be
-- traced to when, by which worker and from which partition ranges it landed.
CREATE SEQUENCE strata.landing_batch_id;

CREATE TABLE strata.landing_batches (
    id           bigint      PRIMARY KEY,
    pipeline     text        NOT NULL,
    source       text        NOT NULL,
    worker       text        NOT NULL,
    records      int         NOT NULL,   -- records read from the source in this batch
    rows_landed  int         NOT NULL,   -- rows inserted into stg.<source>
    duplicates   int         NOT NULL,   -- records dropped by the dedup key
    dead_letters int         NOT NULL,   -- records written to strata.dead_letters
    positions    jsonb       NOT NULL,   -- {"<partition>": [from, to)} advanced by this batch; {} for replays
    committed_at timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX landing_batches_by_source ON strata.landing_batches (pipeline, source, committed_at);

-- A dead letter replayed by `strata dead-letters replay` records the batch that landed it.
ALTER TABLE strata.dead_letters ADD COLUMN replay_batch_id bigint;
