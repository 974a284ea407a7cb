-- Vault satellites: per parent, the latest load_dt of a row that was seen but collapsed into the
-- version before it (no new version was stored). Together with the satellite's own latest version
-- it tells a late row (not newer than anything already seen for its parent, so it does not change
-- the satellite) from a new one. See docs/vault.md, "Load semantics".
CREATE TABLE strata.vault_seen (
    satellite  text        NOT NULL,      -- schema.table of the satellite
    parent_hk  uuid        NOT NULL,
    seen_dt    timestamptz NOT NULL,
    PRIMARY KEY (satellite, parent_hk)
);
