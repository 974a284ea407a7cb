-- jdbc sources (docs/sources.md): the columns each source's STG table was made with, as Strata
-- mapped them (one line per column: name, STG type, the source's type, tab-separated), and every
-- change of a source's columns Strata noticed: applied (the table follows the source) or not (the
-- source was stopped until someone decides).
CREATE TABLE strata.source_schemas (
    pipeline    text        NOT NULL,
    source      text        NOT NULL,
    column_list text        NOT NULL,
    updated_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (pipeline, source)
);

CREATE TABLE strata.source_schema_changes (
    id          bigserial   PRIMARY KEY,
    pipeline    text        NOT NULL,
    source      text        NOT NULL,
    column_name text        NOT NULL,
    change_kind text        NOT NULL CHECK (change_kind IN ('added', 'widened', 'narrowed', 'dropped', 'type_changed')),
    old_type    text,
    new_type    text,
    applied     boolean     NOT NULL,
    detected_at timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX source_schema_changes_by_source ON strata.source_schema_changes (pipeline, source, id);
