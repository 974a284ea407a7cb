-- Vault rejects (docs/vault.md, "Rejected rows"): an STG row a vault target could not load because
-- a value of it cannot be cast to the type the declaration gives its column. The target loads the
-- rest of its range and moves its watermark; the row waits here, one entry per (row, column),
-- until `strata vault rejects reload` loads it (reloaded_at) after the declaration or the row is
-- fixed.
CREATE TABLE strata.vault_rejects (
    id          bigserial   PRIMARY KEY,
    pipeline    text        NOT NULL,
    target      text        NOT NULL,      -- hub, link or satellite
    stg_table   text        NOT NULL,      -- the STG table read, as in layer_watermarks.input: stg.orders
    stg_seq     bigint      NOT NULL,      -- the row's _seq
    column_name text        NOT NULL,      -- the key column, link role, attribute, or load_dt
    expression  text        NOT NULL,      -- as declared: $.object_id
    column_type text        NOT NULL,      -- as declared: bigint
    value       text,                      -- the text the cast rejected (cut to 1,000 characters)
    reason      text        NOT NULL,
    rejected_at timestamptz NOT NULL DEFAULT now(),
    reloaded_at timestamptz,               -- set when a reload loaded the row; NULL while pending
    UNIQUE (pipeline, target, stg_table, stg_seq, column_name)
);

-- Why a continuous vault target's loads are failing right now (NULL while they succeed), so that
-- `strata status` and the console show it, not only the log.
ALTER TABLE strata.node_coverage ADD COLUMN last_error text;
ALTER TABLE strata.node_coverage ADD COLUMN failing_since timestamptz;
