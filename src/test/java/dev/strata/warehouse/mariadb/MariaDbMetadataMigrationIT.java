package dev.strata.warehouse.mariadb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.strata.embedded.EmbeddedMariaDb;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Strata's metadata migrations for MariaDB (db/migration/mariadb) run with Flyway on the embedded
 * server the way the adapter will run them: a session lock (GET_LOCK, held by one connection until
 * RELEASE_LOCK or disconnect), CREATE DATABASE strata, Flyway, release.
 */
class MariaDbMetadataMigrationIT {
    static final String LOCATION = "classpath:db/migration/mariadb";
    static final String LOCK = "strata:metadata-migration";
    private static EmbeddedMariaDb db;

    @BeforeAll
    static void start() {
        db = EmbeddedMariaDb.start(Optional.empty(), EmbeddedMariaDb.Options.fast());
    }

    @AfterAll
    static void stop() {
        db.close();
    }

    @BeforeEach
    void dropMetadata() throws SQLException {
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS strata");
        }
    }

    private static Flyway flyway(String target) {
        var cfg = Flyway.configure(MariaDbMetadataMigrationIT.class.getClassLoader())
                .dataSource(db.jdbcUrl(), db.user(), db.password().reveal())
                .schemas("strata").createSchemas(false).table("schema_history")
                .locations(LOCATION).loggers("slf4j");
        return (target == null ? cfg : cfg.target(target)).load();
    }

    /** What MetadataSchema.migrate does, in MariaDB's terms. */
    static MigrateResult migrateUnderLock(String target) throws SQLException {
        try (Connection c = db.connect()) {
            try (PreparedStatement lock = c.prepareStatement("SELECT GET_LOCK(?, 60)")) {
                lock.setString(1, LOCK);
                try (ResultSet rs = lock.executeQuery()) {
                    rs.next();
                    assertThat(rs.getInt(1)).as("got the migration lock").isEqualTo(1);
                }
            }
            try {
                try (Statement s = c.createStatement()) {
                    s.execute("CREATE DATABASE IF NOT EXISTS strata CHARACTER SET utf8mb4 COLLATE utf8mb4_nopad_bin");
                }
                return flyway(target).migrate();
            } finally {
                try (PreparedStatement unlock = c.prepareStatement("SELECT RELEASE_LOCK(?)")) {
                    unlock.setString(1, LOCK);
                    unlock.execute();
                }
            }
        }
    }

    @Test
    void shouldHaveTheSameVersionsAsThePostgresMigrations() throws Exception {
        assertThat(versions("db/migration/mariadb")).isEqualTo(versions("db/migration/postgresql"))
                .startsWith("V1__metadata.sql", "V10__landing.sql", "V11__dead_letter_source_time.sql",
                        "V20__vault_seen.sql", "V30__scheduler.sql");
    }

    /** Every migration this build ships, as "version:true" the way the history table lists a success. */
    private static List<String> allSucceeded() throws Exception {
        return versions("db/migration/postgresql").stream()
                .map(n -> n.substring(1, n.indexOf("__")) + ":true").toList();
    }

    private static long versionsAfter(int version) throws Exception {
        return versions("db/migration/postgresql").stream()
                .filter(n -> Integer.parseInt(n.substring(1, n.indexOf("__"))) > version).count();
    }

    private static List<String> versions(String dir) throws IOException, URISyntaxException {
        Path p = Path.of(MariaDbMetadataMigrationIT.class.getClassLoader().getResource(dir).toURI());
        try (Stream<Path> files = Files.list(p)) {
            return files.map(f -> f.getFileName().toString())
                    .sorted(java.util.Comparator.comparingInt(n -> Integer.parseInt(n.substring(1, n.indexOf("__")))))
                    .toList();
        }
    }

    @Test
    void shouldMigrateOnceAndDoNothingTheSecondTime() throws Exception {
        assertThat(migrateUnderLock(null).migrationsExecuted).isEqualTo(allSucceeded().size());
        MigrateResult again = migrateUnderLock(null);
        assertThat(again.migrationsExecuted).isZero();
        assertThat(again.targetSchemaVersion).isNull();   // nothing to do
        assertThat(history()).isEqualTo(allSucceeded());
        assertThat(tables()).contains("dead_letters", "landing_batches", "layer_watermarks", "node_coverage",
                "schema_history", "source_positions", "task_attempts", "task_edges", "task_runs", "vault_seen");
    }

    @Test
    void shouldKeepThePostgresTablesMeaning() throws Exception {
        migrateUnderLock(null);
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            // CHECK constraints are enforced (MariaDB >= 10.2)
            assertThatThrownBy(() -> s.execute("INSERT INTO strata.task_runs (pipeline, node, interval_start, interval_end, state)"
                    + " VALUES ('p', 'n', '2024-01-01', '2024-01-02', 'bogus')")).hasMessageContaining("CONSTRAINT");
            // V30's defaults, and UTC defaults for timestamps whatever the session's time zone
            s.execute("SET time_zone = '+05:00'");
            s.execute("INSERT INTO strata.task_runs (pipeline, node, interval_start, interval_end, state)"
                    + " VALUES ('p', 'n', '2024-01-01', '2024-01-02', 'queued')");
            try (ResultSet rs = s.executeQuery("SELECT attempt, depends_on_past, retry_delay_ms, lost_attempts,"
                    + " TIMESTAMPDIFF(SECOND, queued_at, UTC_TIMESTAMP(6)) FROM strata.task_runs")) {
                rs.next();
                assertThat(rs.getInt(1)).isZero();
                assertThat(rs.getBoolean(2)).isFalse();
                assertThat(rs.getLong(3)).isEqualTo(300_000);
                assertThat(rs.getInt(4)).isZero();
                assertThat(rs.getLong(5)).as("queued_at is UTC, not +05:00").isBetween(-5L, 60L);
            }
            // task_attempts cascade with their run
            s.execute("INSERT INTO strata.task_attempts (run_id, attempt, worker, state, started_at)"
                    + " SELECT id, 1, 'w', 'running', UTC_TIMESTAMP(6) FROM strata.task_runs");
            s.execute("DELETE FROM strata.task_runs");
            try (ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM strata.task_attempts")) {
                rs.next();
                assertThat(rs.getInt(1)).isZero();
            }
            // JSON columns reject what is not JSON
            assertThatThrownBy(() -> s.execute("INSERT INTO strata.landing_batches (id, pipeline, source, worker, records,"
                    + " rows_landed, duplicates, dead_letters, positions) VALUES (1, 'p', 's', 'w', 0, 0, 0, 0, '{not json')"))
                    .hasMessageContaining("CONSTRAINT");
            // key columns compare exactly: case and trailing blanks make different keys, as in PostgreSQL
            s.execute("INSERT INTO strata.source_positions (pipeline, source, partition_id, position) VALUES"
                    + " ('p', 's', 'a', 1), ('p', 's', 'A', 2), ('p', 's', 'a ', 3)");
            try (ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM strata.source_positions WHERE partition_id = 'a'")) {
                rs.next();
                assertThat(rs.getInt(1)).isEqualTo(1);
            }
            // the batch id sequence hands out consecutive values without a cache
            try (ResultSet rs = s.executeQuery("SELECT NEXTVAL(strata.landing_batch_id), NEXTVAL(strata.landing_batch_id)")) {
                rs.next();
                assertThat(rs.getLong(2)).isEqualTo(rs.getLong(1) + 1);
            }
            try (ResultSet rs = s.executeQuery("SELECT cache_size FROM strata.landing_batch_id")) {
                rs.next();
                assertThat(rs.getLong(1)).isZero();
            }
            // hash keys are 16 raw bytes
            s.execute("INSERT INTO strata.vault_seen VALUES ('dds.sat', UNHEX(MD5('x')), UTC_TIMESTAMP(6))");
            try (ResultSet rs = s.executeQuery("SELECT LENGTH(parent_hk), HEX(parent_hk) FROM strata.vault_seen")) {
                rs.next();
                assertThat(rs.getInt(1)).isEqualTo(16);
                assertThat(rs.getString(2)).isEqualToIgnoringCase("9dd4e461268c8034f5c8564e155c67a6");
            }
        }
    }

    @Test
    void shouldMigrateOnceWhenTwoProcessesStartTogether() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            CyclicBarrier together = new CyclicBarrier(2);
            List<Future<Integer>> results = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                results.add(pool.submit(() -> {
                    together.await();
                    return migrateUnderLock(null).migrationsExecuted;
                }));
            }
            List<Integer> executed = new ArrayList<>();
            for (Future<Integer> f : results) {
                executed.add(f.get());
            }
            assertThat(executed).containsExactlyInAnyOrder(allSucceeded().size(), 0);
        } finally {
            pool.shutdownNow();
        }
        assertThat(history()).isEqualTo(allSucceeded());
    }

    @Test
    void shouldFinishAMigrationACrashInterruptedHalfWay() throws Exception {
        assertThat(migrateUnderLock("20").migrationsExecuted).isEqualTo(4);
        // a process killed in the middle of V30: its first statements committed (each DDL commits on
        // its own in MariaDB), Flyway never recorded the migration
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            s.execute("ALTER TABLE strata.task_runs ADD COLUMN logical_date DATETIME(6)");
            s.execute("CREATE TABLE strata.task_edges (pipeline VARCHAR(64) NOT NULL, node VARCHAR(255) NOT NULL,"
                    + " upstream VARCHAR(255) NOT NULL, PRIMARY KEY (pipeline, node, upstream))");
        }
        assertThat(migrateUnderLock(null).migrationsExecuted).isEqualTo((int) versionsAfter(20));
        assertThat(history()).isEqualTo(allSucceeded());
        assertThat(tables()).contains("task_attempts", "task_edges", "node_coverage");
    }

    private static List<String> history() throws SQLException {
        List<String> out = new ArrayList<>();
        try (Connection c = db.connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT version, success FROM strata.schema_history"
                     + " WHERE version IS NOT NULL ORDER BY installed_rank")) {
            while (rs.next()) {
                out.add(rs.getString(1) + ":" + rs.getBoolean(2));
            }
        }
        return out;
    }

    private static List<String> tables() throws SQLException {
        List<String> out = new ArrayList<>();
        try (Connection c = db.connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT table_name FROM information_schema.tables"
                     + " WHERE table_schema = 'strata' AND table_type = 'BASE TABLE' ORDER BY table_name")) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }
}
