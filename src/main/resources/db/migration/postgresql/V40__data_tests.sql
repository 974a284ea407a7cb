-- Data tests (docs/tests.md): one row per test run — a test of a node, for the interval of the
-- task run it belonged to (NULL bounds: run on demand by `strata test`, or on a continuous node).
-- status: pass, fail (offending rows found) or error (the test's query failed). samples holds up
-- to 10 offending rows as a JSON array of objects, column -> text.
CREATE TABLE strata.test_results (
    id             bigserial   PRIMARY KEY,
    pipeline       text        NOT NULL,
    node           text        NOT NULL,
    test           text        NOT NULL,
    kind           text        NOT NULL,
    severity       text        NOT NULL CHECK (severity IN ('error', 'warn')),
    status         text        NOT NULL CHECK (status IN ('pass', 'fail', 'error')),
    failures       bigint      NOT NULL DEFAULT 0,
    samples        text,
    message        text,
    interval_start timestamptz,
    interval_end   timestamptz,
    attempt        int,
    run_by         text        NOT NULL CHECK (run_by IN ('task', 'continuous', 'on_demand')),
    started_at     timestamptz NOT NULL,
    duration_ms    bigint      NOT NULL
);
CREATE INDEX test_results_by_node ON strata.test_results (pipeline, node, interval_start, test);
CREATE INDEX test_results_latest ON strata.test_results (pipeline, node, test, id);
