package dev.strata.quality;

import static org.assertj.core.api.Assertions.assertThat;

import dev.strata.config.EnvResolver;
import dev.strata.config.ProjectConfig;
import dev.strata.config.ProjectLoader;
import dev.strata.ingest.StgTable;
import dev.strata.schedule.Pipeline;
import dev.strata.testing.TestServers;
import dev.strata.vault.VaultLoader;
import dev.strata.warehouse.Warehouse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every built-in test kind, a test file under {@code tests/}, severities and the generated vault
 * integrity checks, run on demand against a real PostgreSQL: each passes on good data and fails on
 * bad data with the number of offending rows and samples of them. One database for the class;
 * each test sets the rows it needs.
 */
class DataTestsIT {
    private static final String YAML = """
            name: dq
            sources:
              orders:
                kafka: { topic: orders }
                tests:
                  - not_null: $.user_id
                  - accepted_values: { column: $.status, values: [OPEN, CLOSED], severity: warn }
            vault:
              hubs:
                h_user: { key: user_id, from: { orders: $.user_id } }
                h_order: { key: { order_id: bigint }, from: { orders: $.id } }
              links:
                l_order_user: { hubs: [h_order, h_user], from: { orders: { h_order: $.id, h_user: $.user_id } } }
              satellites:
                s_order: { parent: h_order, attributes: { status: text }, from: { orders: { order_id: $.id, status: $.status } } }
            marts:
              expected: { materialized: table }
              daily:
                materialized: table
                tests:
                  - not_null: [n]
                  - unique: [day, kind]
                  - accepted_values: { column: kind, values: [a, b] }
                  - relationships: { column: user_id, to: h_user, field: user_id }
                  - row_count: { min: 1, max: 3 }
                  - row_count: { equal_to: expected, name: same_rows_as_expected }
                  - freshness: { column: updated_at, max_age: 1d }
                  - expression: "n >= 0"
                  - expression: "n < 100"
                    name: small
                    severity: warn
                    where: "kind = 'a'"
            """;
    private static final Instant NOW = Instant.parse("2022-10-10T12:00:00Z");
    @TempDir
    static Path dir;
    private static Warehouse w;
    private static Pipeline pipeline;

    @BeforeAll
    static void setUp() throws Exception {
        Files.createDirectories(dir.resolve("marts"));
        Files.createDirectories(dir.resolve("tests"));
        Files.writeString(dir.resolve("strata.yaml"), YAML);
        Files.writeString(dir.resolve("marts/daily.sql"), "select 1 as n");
        Files.writeString(dir.resolve("marts/expected.sql"), "select 1 as n");
        Files.writeString(dir.resolve("tests/no_huge_days.sql"), """
                {{ config(severity='warn') }}
                -- a day with more than 50 of a kind is suspicious
                select day, kind, n from {{ ref('daily') }} where n > 50
                """);
        ProjectConfig project = new ProjectLoader(EnvResolver.of(Map.of())).load(dir);
        w = TestServers.newDatabase();
        w.migrate();
        pipeline = Pipeline.load(project, w.adapter());
        sql("CREATE SCHEMA cdm",
                "CREATE TABLE cdm.daily (day date, kind text, n int, user_id text, updated_at timestamp)",
                "CREATE TABLE cdm.expected (n int)");
        for (String ddl : StgTable.createStatements(w.adapter(), "orders", false)) {
            sql(ddl);
        }
        sql("INSERT INTO stg.orders (_seq, _payload, _partition, _offset, _batch_id) VALUES "
                + "(1, '{\"id\": 1, \"user_id\": \"u1\", \"status\": \"OPEN\"}', '0', 1, 1), "
                + "(2, '{\"id\": 2, \"user_id\": \"u2\", \"status\": \"CLOSED\"}', '0', 2, 1), "
                + "(3, '{\"id\": 3, \"user_id\": \"u1\", \"status\": \"CLOSED\"}', '0', 3, 1)");
        new VaultLoader(w, project.name(), project.vault()).loadAll();
    }

    private static void sql(String... statements) throws SQLException {
        try (Connection c = w.connection(); Statement s = c.createStatement()) {
            for (String st : statements) {
                s.execute(st);
            }
        }
    }

    private static void daily(String rows) throws SQLException {
        sql("DELETE FROM cdm.daily", "INSERT INTO cdm.daily VALUES " + rows);
    }

    private static void expected(int rows) throws SQLException {
        sql("DELETE FROM cdm.expected", "INSERT INTO cdm.expected SELECT g FROM generate_series(1, " + rows + ") g");
    }

    /** Runs every test of {@code node}; test name → result. */
    private static Map<String, TestResult> run(String node) throws SQLException {
        List<DataTest> tests = pipeline.tests().of(node);
        Map<String, TestResult> out = new LinkedHashMap<>();
        for (TestResult r : new TestSession(w, "dq", Clock.fixed(NOW, java.time.ZoneOffset.UTC))
                .run(tests, TestScope.everything(NOW), TestSession.Listener.NONE)) {
            out.put(r.test().name(), r);
        }
        return out;
    }

    private static final String GOOD = "('2022-10-09', 'a', 5, 'u1', '2022-10-10 06:00'), "
            + "('2022-10-09', 'b', 7, 'u2', '2022-10-10 07:00')";

    @Test
    void shouldPassEveryTestOfAMartOnGoodData() throws SQLException {
        daily(GOOD);
        expected(2);
        Map<String, TestResult> r = run("daily");
        assertThat(r.keySet()).containsExactly("not_null_n", "unique_day_kind", "accepted_values_kind",
                "relationships_user_id__h_user", "row_count", "same_rows_as_expected", "freshness_updated_at", "expression",
                "small", "no_huge_days");
        assertThat(r.values()).allSatisfy(x -> assertThat(x.status()).as(x.describe()).isEqualTo(TestResult.Status.PASS));
    }

    @Test
    void shouldFailEachBuiltInTestOnItsKindOfBadRowWithCountAndSamples() throws SQLException {
        daily("('2022-10-09', 'a', NULL, 'u1', '2022-10-10 06:00'), "
                + "('2022-10-09', 'a', -1, 'u1', '2022-10-10 06:00'), "
                + "('2022-10-09', 'c', 150, 'nobody', '2022-10-01 00:00'), "
                + "('2022-10-09', 'c', 2, 'u2', '2022-10-01 00:00')");
        expected(2);
        Map<String, TestResult> r = run("daily");
        assertThat(r.get("not_null_n").failures()).isEqualTo(1);
        assertThat(r.get("not_null_n").samples()).singleElement().satisfies(row -> assertThat(row).containsEntry("kind", "a")
                .containsEntry("n", null));
        assertThat(r.get("unique_day_kind").failures()).isEqualTo(2);
        assertThat(r.get("unique_day_kind").samples()).extracting(m -> m.get("kind") + "x" + m.get("rows"))
                .containsExactlyInAnyOrder("ax2", "cx2");
        assertThat(r.get("accepted_values_kind").failures()).isEqualTo(1);
        assertThat(r.get("accepted_values_kind").samples()).singleElement()
                .satisfies(row -> assertThat(row).containsEntry("value", "c").containsEntry("rows", "2"));
        assertThat(r.get("relationships_user_id__h_user").samples()).singleElement()
                .satisfies(row -> assertThat(row).containsEntry("user_id", "nobody"));
        assertThat(r.get("row_count").samples()).singleElement().satisfies(row -> assertThat(row).containsEntry("rows", "4"));
        assertThat(r.get("same_rows_as_expected").samples()).singleElement()
                .satisfies(row -> assertThat(row).containsEntry("rows", "4").containsEntry("rows_of_expected", "2"));
        assertThat(r.get("expression").failures()).as("n >= 0 is false for -1 and NULL for NULL").isEqualTo(2);
        // where: limits the rows: kind 'c' has n = 150 but is not tested by 'small'; a NULL result counts as false
        assertThat(r.get("small").samples()).singleElement().satisfies(row -> assertThat(row).containsEntry("n", null));
        assertThat(r.get("no_huge_days").failures()).isEqualTo(1);
        assertThat(r.get("no_huge_days").samples().get(0)).containsEntry("n", "150");
        // the newest updated_at is 2022-10-10 06:00, within a day of NOW; make it old
        sql("UPDATE cdm.daily SET updated_at = '2022-10-08 00:00'");
        assertThat(run("daily").get("freshness_updated_at").samples()).singleElement()
                .satisfies(row -> assertThat(row).containsEntry("newest_updated_at", "2022-10-08 00:00:00"));
    }

    @Test
    void shouldBlockOnlyOnErrorSeverityAndRecordEveryResult() throws SQLException {
        daily("('2022-10-09', 'a', 99, 'u1', '2022-10-10 06:00'), ('2022-10-09', 'b', 120, 'u2', '2022-10-10 06:00')");
        expected(2);
        Map<String, TestResult> r = run("daily");
        assertThat(r.get("small").status()).isEqualTo(TestResult.Status.PASS); // 120 is kind b, outside where:
        assertThat(r.get("no_huge_days").status()).isEqualTo(TestResult.Status.FAIL);
        assertThat(r.get("no_huge_days").blocks()).as("a warn test records and goes on").isFalse();
        daily("('2022-10-09', 'a', 120, 'u1', '2022-10-10 06:00'), ('2022-10-09', 'b', 1, 'u2', '2022-10-10 06:00')");
        r = run("daily");
        assertThat(r.get("small").status()).isEqualTo(TestResult.Status.FAIL);
        assertThat(r.values()).noneMatch(TestResult::blocks);
        daily("('2022-10-09', 'a', 1, 'u1', '2022-10-10 06:00'), ('2022-10-09', 'zz', 1, 'u2', '2022-10-10 06:00')");
        assertThat(run("daily").get("accepted_values_kind").blocks()).isTrue();
        assertThat(count("SELECT count(*) FROM strata.test_results WHERE node = 'daily' AND test = 'accepted_values_kind' "
                + "AND status = 'fail' AND run_by = 'on_demand' AND samples LIKE '%zz%'")).isEqualTo(1);
    }

    @Test
    void shouldTestStgRowsByJsonPath() throws SQLException {
        Map<String, TestResult> r = run("orders");
        assertThat(r.values()).allMatch(TestResult::passed);
        sql("INSERT INTO stg.orders (_seq, _payload, _partition, _offset, _batch_id) VALUES "
                + "(10, '{\"id\": 10, \"status\": \"LOST\"}', '0', 10, 2)");
        r = run("orders");
        assertThat(r.get("not_null_user_id").failures()).isEqualTo(1);
        assertThat(r.get("not_null_user_id").samples().get(0)).containsEntry("_seq", "10");
        assertThat(r.get("accepted_values_status").samples()).singleElement()
                .satisfies(row -> assertThat(row).containsEntry("value", "LOST"));
        assertThat(r.get("accepted_values_status").blocks()).isFalse();
        sql("DELETE FROM stg.orders WHERE _seq = 10");
    }

    @Test
    void shouldCatchAHandBrokenVaultWithTheGeneratedIntegrityTests() throws SQLException {
        List<String> tables = List.of("h_user", "h_order", "l_order_user", "s_order");
        for (String t : tables) {
            assertThat(run(t).values()).as(t).allSatisfy(x -> assertThat(x.status()).as(x.describe()).isEqualTo(TestResult.Status.PASS));
        }
        assertThat(run("l_order_user").keySet()).containsExactly("h_order_exists", "h_user_exists", "hash_key");
        // a link row pointing at a user that is not in the hub
        sql("UPDATE dds.l_order_user SET h_user_hk = md5('nobody')::uuid WHERE h_order_hk = "
                + "(SELECT h_order_hk FROM dds.h_order WHERE order_id = 2)");
        Map<String, TestResult> link = run("l_order_user");
        assertThat(link.get("h_user_exists").failures()).isEqualTo(1);
        assertThat(link.get("h_user_exists").samples().get(0)).containsEntry("h_user_hk", md5Uuid("nobody"));
        assertThat(link.get("h_order_exists").passed()).isTrue();
        // a hub whose stored business key no longer matches its hash key
        sql("UPDATE dds.h_user SET user_id = 'U9' WHERE user_id = 'u1'");
        assertThat(run("h_user").get("hash_key").failures()).isEqualTo(1);
        assertThat(run("l_order_user").get("hash_key").failures()).as("the link's key no longer matches its hubs' keys")
                .isEqualTo(2);
        // a satellite row whose parent is gone
        sql("DELETE FROM dds.h_order WHERE order_id = 3");
        assertThat(run("s_order").get("parent_exists").failures()).isEqualTo(1);
        // the other tests of the class read the vault: load it again from STG
        sql("TRUNCATE dds.h_user, dds.h_order, dds.l_order_user, dds.s_order", "DELETE FROM strata.layer_watermarks");
        new VaultLoader(w, "dq", pipeline.project().vault()).loadAll();
        assertThat(run("l_order_user").values()).allMatch(TestResult::passed);
    }

    private static String md5Uuid(String text) throws SQLException {
        try (Connection c = w.connection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT md5('" + text + "')::uuid")) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static long count(String query) throws SQLException {
        try (Connection c = w.connection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(query)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
