package dev.strata.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.strata.ingest.StgTable;
import dev.strata.testing.TestServers;
import dev.strata.vault.VaultLoader;
import dev.strata.warehouse.Warehouse;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A scheduled mart downstream of a continuous vault target waits until the vault has loaded its
 * interval ("continuous upstreams' watermarks passed its end"), and then sees the loaded rows.
 */
class ContinuousVaultIT {
    private static final String YAML = """
            name: coverage
            sources:
              orders: { kafka: { topic: orders }, event_time: $.at }
            vault:
              hubs:
                h_order: { key: order_id, from: { orders: $.id } }
            marts:
              orders_per_day: { materialized: incremental, time_column: day }
            schedule:
              vault: continuous
              marts: { every: 1d, start: 2022-10-02, end: 2022-10-02, offset: -1d }
            """;
    private static final String MART = """
            select cast({{ interval_start }} as date) as day, count(*) as orders
            from {{ ref('h_order') }} h
            where h.load_dt >= {{ interval_start }} and h.load_dt < {{ interval_end }}
            """;
    private static final Instant DAY = Instant.parse("2022-10-02T00:00:00Z");

    @TempDir
    Path dir;

    /** Lands rows into stg.orders as a lander does: one transaction, {@code _seq} drawn under the table lock. */
    private static void land(Warehouse w, String... idAndTime) throws Exception {
        w.inTransaction(c -> {
            String table = w.sql().qualified(StgTable.SCHEMA, "orders");
            String seq = w.sql().literal(StgTable.SCHEMA + "." + StgTable.sequenceName("orders"));
            try (Statement s = c.createStatement()) {
                s.execute("LOCK TABLE " + table + " IN SHARE ROW EXCLUSIVE MODE");
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + table + " (_seq, _key, _payload, _partition, "
                    + "_offset, _event_time, _batch_id) VALUES (nextval(" + seq + "), ?, CAST(? AS jsonb), '0', currval(" + seq
                    + "), ?, 1)")) {
                for (int i = 0; i < idAndTime.length; i += 2) {
                    ps.setString(1, idAndTime[i]);
                    ps.setString(2, "{\"id\": \"" + idAndTime[i] + "\", \"at\": \"" + idAndTime[i + 1] + "\"}");
                    ps.setObject(3, OffsetDateTime.parse(idAndTime[i + 1]));
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            return null;
        });
    }

    private static Backfill.Result backfill(Pipeline p, Warehouse w) throws Exception {
        return new Backfill(p, w, "test", Clock.systemUTC()).run(Backfill.Options.of(DAY, DAY), Backfill.Progress.NONE);
    }

    @Test
    void shouldHoldAMartBackUntilTheContinuousVaultHasLoadedItsInterval() throws Exception {
        try (Warehouse w = TestServers.newDatabase()) {
            w.migrate();
            TestProject.write(dir, YAML, Map.of("marts/orders_per_day.sql", MART));
            Pipeline p = TestProject.pipeline(dir, w);
            VaultLoader loader = new VaultLoader(w, p.name(), p.project().vault());
            loader.prepare();
            w.inTransaction(c -> {
                try (Statement s = c.createStatement()) {
                    for (String ddl : StgTable.createStatements(w.adapter(), "orders", false)) {
                        s.execute(ddl);
                    }
                }
                return null;
            });
            land(w, "o1", "2022-10-01T08:00:00Z", "o2", "2022-10-01T12:00:00Z", "o3", "2022-10-01T23:59:59Z");

            // no refresh: the vault loads only when told a batch landed
            try (ContinuousVault vault = new ContinuousVault(p, loader, w, Clock.systemUTC(), Duration.ZERO)) {
                vault.start();
                Backfill.Result held = backfill(p, w);
                assertThat(held.runs()).singleElement().satisfies(r -> assertThat(r.state()).isEqualTo(TaskState.QUEUED));
                assertThat(held.notRun()).hasSize(1);
                assertThat(TestProject.count(w, "SELECT count(*) FROM strata.task_attempts")).isZero();

                Instant beforeLoad = Instant.now();
                vault.landed("orders");
                await().atMost(Duration.ofSeconds(30)).until(() -> new TaskRunStore(w, p.name(), Clock.systemUTC())
                        .coverage().get("h_order").isAfter(beforeLoad));
            }
            Backfill.Result ran = backfill(p, w);
            assertThat(ran.ok()).as("failures: %s", ran.failed()).isTrue();
            assertThat(TestProject.rows(w, "SELECT day, orders FROM cdm.orders_per_day"))
                    .containsExactly(List.of("2022-10-01", "3"));
        }
    }

    @Test
    void shouldMoveCoverageForwardWhileTheSourceIsQuiet() throws Exception {
        try (Warehouse w = TestServers.newDatabase()) {
            w.migrate();
            TestProject.write(dir, YAML, Map.of("marts/orders_per_day.sql", MART));
            Pipeline p = TestProject.pipeline(dir, w);
            VaultLoader loader = new VaultLoader(w, p.name(), p.project().vault());
            loader.prepare();
            TaskRunStore store = new TaskRunStore(w, p.name(), Clock.systemUTC());
            try (ContinuousVault vault = new ContinuousVault(p, loader, w, Clock.systemUTC(), Duration.ofMillis(100))) {
                vault.start();
                // nothing ever lands (the STG table does not even exist): the periodic loads still report
                Instant first = await().atMost(Duration.ofSeconds(30)).until(() -> store.coverage().get("h_order"),
                        t -> t.isAfter(Instant.EPOCH));
                await().atMost(Duration.ofSeconds(30)).until(() -> store.coverage().get("h_order").isAfter(first));
            }
            Instant stopped = store.coverage().get("h_order");
            // coverage never moves back, whatever a late reporter says
            store.cover("h_order", stopped.minusSeconds(3600));
            assertThat(store.coverage().get("h_order")).isEqualTo(stopped);
        }
    }

    @Test
    void shouldHoldCoverageWhileAContinuousTargetsErrorTestFails() throws Exception {
        try (Warehouse w = TestServers.newDatabase()) {
            w.migrate();
            TestProject.write(dir, YAML.replace("h_order: { key: order_id, from: { orders: $.id } }",
                    "h_order: { key: order_id, from: { orders: $.id }, tests: [ { not_null: order_id } ] }"),
                    Map.of("marts/orders_per_day.sql", MART));
            Pipeline p = TestProject.pipeline(dir, w);
            VaultLoader loader = new VaultLoader(w, p.name(), p.project().vault());
            loader.prepare();
            w.inTransaction(c -> {
                try (Statement s = c.createStatement()) {
                    for (String ddl : StgTable.createStatements(w.adapter(), "orders", false)) {
                        s.execute(ddl);
                    }
                }
                return null;
            });
            // a message without an id: the hub gets the unknown key's row, with a NULL order_id
            land(w, "o1", "2022-10-01T08:00:00Z");
            TestProject.sql(w, "INSERT INTO stg.orders (_seq, _payload, _partition, _offset, _event_time, _batch_id) "
                    + "VALUES (nextval('stg.orders__seq'), '{\"at\": \"2022-10-01T09:00:00Z\"}', '0', 99, '2022-10-01T09:00:00Z', 2)");
            TaskRunStore store = new TaskRunStore(w, p.name(), Clock.systemUTC());
            try (ContinuousVault vault = new ContinuousVault(p, loader, w, Clock.systemUTC(), Duration.ZERO)) {
                vault.start();
                vault.landed("orders");
                await().atMost(Duration.ofSeconds(30)).until(() -> TestProject.count(w, "SELECT count(*) FROM "
                        + "strata.test_results WHERE node = 'h_order' AND test = 'not_null_order_id' AND status = 'fail' "
                        + "AND run_by = 'continuous'") > 0);
                assertThat(store.coverage().get("h_order")).as("coverage held back").isEqualTo(Instant.EPOCH);
                assertThat(backfill(p, w).notRun()).hasSize(1);

                // fixed by hand; the next test run (at least 5 s after the first) passes and coverage moves
                TestProject.sql(w, "DELETE FROM dds.h_order WHERE order_id IS NULL");
                Instant fixed = Instant.now();
                await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500)).until(() -> {
                    vault.landed("orders");
                    return store.coverage().get("h_order").isAfter(fixed);
                });
            }
            assertThat(backfill(p, w).ok()).isTrue();
            assertThat(TestProject.rows(w, "SELECT status FROM strata.test_results WHERE node = 'h_order' AND test = 'hash_key' "
                    + "ORDER BY id DESC LIMIT 1")).containsExactly(List.of("pass"));
        }
    }

    /**
     * Issue 20 item 1: a target whose loads fail (here its table is gone) is retried with a growing
     * wait however many batches land, its error is logged once and shown in node_coverage, and
     * when it loads again that is logged once and the error cleared.
     */
    @Test
    @org.junit.jupiter.api.Tag("reliability")
    void shouldBackOffAFailingTargetLogItsErrorOnceAndClearItOnRecovery() throws Exception {
        try (Warehouse w = TestServers.newDatabase()) {
            w.migrate();
            TestProject.write(dir, YAML, Map.of("marts/orders_per_day.sql", MART));
            Pipeline p = TestProject.pipeline(dir, w);
            VaultLoader loader = new VaultLoader(w, p.name(), p.project().vault());
            loader.prepare();
            w.inTransaction(c -> {
                try (Statement s = c.createStatement()) {
                    for (String ddl : StgTable.createStatements(w.adapter(), "orders", false)) {
                        s.execute(ddl);
                    }
                }
                return null;
            });
            land(w, "o1", "2022-10-01T08:00:00Z");
            TestProject.sql(w, "ALTER TABLE dds.h_order RENAME TO h_order_away");
            java.io.PrintStream stderr = System.err;
            java.io.ByteArrayOutputStream log = new java.io.ByteArrayOutputStream();
            System.setErr(new java.io.PrintStream(new java.io.OutputStream() {   // the log, and a copy to count its lines
                @Override
                public synchronized void write(int b) {
                    stderr.write(b);
                    log.write(b);
                }

                @Override
                public synchronized void write(byte[] b, int off, int len) {
                    stderr.write(b, off, len);
                    log.write(b, off, len);
                }
            }, true));
            try (ContinuousVault vault = new ContinuousVault(p, loader, w, Clock.systemUTC(), Duration.ofMillis(50))) {
                vault.start();
                long end = System.nanoTime() + Duration.ofSeconds(3).toNanos();
                while (System.nanoTime() < end) {
                    vault.landed("orders");   // a batch every 20 ms, as a busy source lands them
                    java.util.concurrent.locks.LockSupport.parkNanos(Duration.ofMillis(20).toNanos());
                }
                int attempts = vault.failedAttempts("h_order");
                assertThat(attempts).as("attempts in 3 s: at 0, after 1 s, after 3 s").isBetween(2, 4);
                assertThat(TestProject.rows(w, "SELECT last_error IS NOT NULL, failing_since IS NOT NULL FROM strata.node_coverage "
                        + "WHERE node = 'h_order'")).containsExactly(List.of("t", "t"));
                assertThat(TestProject.rows(w, "SELECT last_error FROM strata.node_coverage WHERE node = 'h_order'").get(0).get(0))
                        .contains("h_order");

                TestProject.sql(w, "ALTER TABLE dds.h_order_away RENAME TO h_order");
                await().atMost(Duration.ofSeconds(60)).until(() -> vault.failedAttempts("h_order") == 0);
                assertThat(TestProject.rows(w, "SELECT last_error, failing_since FROM strata.node_coverage WHERE node = 'h_order'"))
                        .containsExactly(java.util.Arrays.asList(null, null));
                assertThat(TestProject.count(w, "SELECT count(*) FROM dds.h_order")).isEqualTo(1);
            } finally {
                System.setErr(stderr);
            }
            String text = log.toString(java.nio.charset.StandardCharsets.UTF_8);
            assertThat(text.lines().filter(l -> l.contains("vault load of h_order failed"))).as(text).hasSize(1);
            assertThat(text.lines().filter(l -> l.contains("vault load of h_order succeeds again"))).as(text).hasSize(1);
        }
    }
}
