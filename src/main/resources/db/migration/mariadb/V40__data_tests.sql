-- Data tests (docs/tests.md): one row per test run. MariaDB edition of
-- db/migration/postgresql/V40__data_tests.sql (not yet run against a MariaDB warehouse by a test:
-- the MariaDB adapter is groundwork).
CREATE TABLE IF NOT EXISTS strata.test_results (
    id             BIGINT       NOT NULL AUTO_INCREMENT PRIMARY KEY,
    pipeline       VARCHAR(64)  NOT NULL,
    node           VARCHAR(255) NOT NULL,
    test           VARCHAR(255) NOT NULL,
    kind           VARCHAR(32)  NOT NULL,
    severity       VARCHAR(8)   NOT NULL CHECK (severity IN ('error', 'warn')),
    status         VARCHAR(8)   NOT NULL CHECK (status IN ('pass', 'fail', 'error')),
    failures       BIGINT       NOT NULL DEFAULT 0,
    samples        LONGTEXT,
    message        LONGTEXT,
    interval_start DATETIME(6),
    interval_end   DATETIME(6),
    attempt        INT,
    run_by         VARCHAR(16)  NOT NULL CHECK (run_by IN ('task', 'continuous', 'on_demand')),
    started_at     DATETIME(6)  NOT NULL,
    duration_ms    BIGINT       NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_nopad_bin;
CREATE INDEX IF NOT EXISTS test_results_by_node ON strata.test_results (pipeline, node, interval_start, test);
CREATE INDEX IF NOT EXISTS test_results_latest ON strata.test_results (pipeline, node, test, id);
