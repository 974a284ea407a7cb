-- Vault rejects (docs/vault.md, "Rejected rows"): an STG row a vault target could not load because
-- a value of it cannot be cast to the type the declaration gives its column. The target loads the
-- rest of its range and moves its watermark; the row waits here, one entry per (row, column),
-- until `strata vault rejects reload` loads it (reloaded_at) after the declaration or the row is
-- fixed.
-- MariaDB edition of db/migration/postgresql/V40__vault_rejects.sql.
CREATE TABLE IF NOT EXISTS strata.vault_rejects (
    id          BIGINT       NOT NULL AUTO_INCREMENT PRIMARY KEY,
    pipeline    VARCHAR(64)  NOT NULL,
    target      VARCHAR(255) NOT NULL,      -- hub, link or satellite
    stg_table   VARCHAR(128) NOT NULL,      -- the STG table read, as in layer_watermarks.input: stg.orders
    stg_seq     BIGINT       NOT NULL,      -- the row's _seq
    column_name VARCHAR(128) NOT NULL,      -- the key column, link role, attribute, or load_dt
    expression  TEXT         NOT NULL,      -- as declared: $.object_id
    column_type VARCHAR(64)  NOT NULL,      -- as declared: bigint
    value       TEXT,                       -- the text the cast rejected (cut to 1,000 characters)
    reason      TEXT         NOT NULL,
    rejected_at DATETIME(6)  NOT NULL DEFAULT UTC_TIMESTAMP(6),
    reloaded_at DATETIME(6),                -- set when a reload loaded the row; NULL while pending
    -- (pipeline, target, stg_table, stg_seq, column_name) fits InnoDB's 3,072-byte key in utf8mb4
    UNIQUE KEY vault_rejects_row (pipeline, target, stg_table, stg_seq, column_name)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_nopad_bin;

-- Why a continuous vault target's loads are failing right now (NULL while they succeed), so that
-- `strata status` and the console show it, not only the log.
ALTER TABLE strata.node_coverage
    ADD COLUMN IF NOT EXISTS last_error    LONGTEXT,
    ADD COLUMN IF NOT EXISTS failing_since DATETIME(6);
