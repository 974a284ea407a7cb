-- jdbc sources (docs/sources.md): the columns each source's STG table was made with, as Strata
-- mapped them (one line per column: name, STG type, the source's type, tab-separated), and every
-- change of a source's columns Strata noticed: applied (the table follows the source) or not (the
-- source was stopped until someone decides).
-- MariaDB edition of db/migration/postgresql/V50__jdbc_sources.sql.
CREATE TABLE IF NOT EXISTS strata.source_schemas (
    pipeline    VARCHAR(64)  NOT NULL,
    source      VARCHAR(64)  NOT NULL,
    column_list LONGTEXT     NOT NULL,
    updated_at  DATETIME(6)  NOT NULL DEFAULT UTC_TIMESTAMP(6),
    PRIMARY KEY (pipeline, source)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_nopad_bin;

CREATE TABLE IF NOT EXISTS strata.source_schema_changes (
    id          BIGINT       NOT NULL AUTO_INCREMENT PRIMARY KEY,
    pipeline    VARCHAR(64)  NOT NULL,
    source      VARCHAR(64)  NOT NULL,
    column_name VARCHAR(64)  NOT NULL,
    change_kind VARCHAR(16)  NOT NULL CHECK (change_kind IN ('added', 'widened', 'narrowed', 'dropped', 'type_changed')),
    old_type    VARCHAR(255),
    new_type    VARCHAR(255),
    applied     BOOLEAN      NOT NULL,
    detected_at DATETIME(6)  NOT NULL DEFAULT UTC_TIMESTAMP(6)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_nopad_bin;
CREATE INDEX IF NOT EXISTS source_schema_changes_by_source ON strata.source_schema_changes (pipeline, source, id);
