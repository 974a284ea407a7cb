-- Vault satellites: per parent, the latest load_dt of a row that was seen but collapsed into the
-- version before it (no new version was stored). Together with the satellite's own latest version
-- it tells a late row (not newer than anything already seen for its parent, so it does not change
-- the satellite) from a new one. See docs/vault.md, "Load semantics".
-- MariaDB edition of db/migration/postgresql/V20: a hash key is BINARY(16), the 16 bytes of the
-- MD5 (UNHEX(MD5(text))), which are the bytes of PostgreSQL's CAST(md5(text) AS uuid).
CREATE TABLE IF NOT EXISTS strata.vault_seen (
    satellite  VARCHAR(255) NOT NULL,      -- schema.table of the satellite
    parent_hk  BINARY(16)   NOT NULL,
    seen_dt    DATETIME(6)  NOT NULL,
    PRIMARY KEY (satellite, parent_hk)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_nopad_bin;
