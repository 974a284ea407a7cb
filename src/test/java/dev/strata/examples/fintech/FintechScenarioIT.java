package dev.strata.examples.fintech;

import static org.assertj.core.api.Assertions.assertThat;

import dev.strata.cli.Main;
import dev.strata.embedded.EmbeddedPostgres;
import dev.strata.warehouse.Warehouse;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code strata demo fintech} end to end, as a user runs it (scenario 001 §9 items 1, 2, 5–7,
 * 9–12; issue acceptance 2): the seed profile's 250,000 messages of both types on one topic,
 * landed by the example project's two filtered sources, the October-2022 backfill of its DAG, and
 * the demo's own verification. Then the warehouse the demo left in its data directory is opened
 * and checked again here, layer by layer, against values computed from the generator's messages.
 */
class FintechScenarioIT {
    @TempDir
    Path dir;

    @Test
    void shouldRunTheDemoOnTheSeedProfileAndLeaveEveryLayerEqualToTheGeneratorsData() throws Exception {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.execute(new PrintWriter(out, true), new PrintWriter(err, true),
                "demo", "fintech", "--no-console", "--data-dir", dir.toString());
        System.out.println(out);
        assertThat(code).as("exit code; stderr: %s", err).isZero();
        assertThat(out.toString()).contains("verified: 244,941 transaction messages and 1,302 currency rates");
        Matcher times = Pattern.compile("landing ([0-9.]+) s \\(vault ([0-9.]+) s more\\), 31-day backfill ([0-9.]+) s")
                .matcher(out.toString());
        assertThat(times.find()).as("the closing figures").isTrue();

        FintechGenerator.Generated seed = new FintechGenerator(2022).generate();
        try (EmbeddedPostgres pg = EmbeddedPostgres.start(Optional.of(dir.resolve("postgres")));
             Warehouse w = Warehouse.connect(pg.jdbcUrl(), pg.user(), pg.password(), 2)) {
            FintechQueries q = new FintechQueries(w);
            calendar(q, seed);
            taskOrder(q);
            rawCounts(q, seed);
            assertThat(new FintechVerifier(w).verify(seed).differences()).isEmpty();
            assertThat(q.rows("select distinct date_update::text from cdm.global_metrics order by 1"))
                    .extracting(r -> r.get(0)).containsExactly("2022-10-01", "2022-10-05", "2022-10-08", "2022-10-10",
                            "2022-10-18", "2022-10-20");
            assertThat(q.count("select count(*) from (select date_update, currency_from from cdm.global_metrics "
                    + "group by 1, 2 having count(*) > 1) d")).isZero();
            vault(q, seed);
        }
    }

    /** Item 1: 31 runs per task; the run of schedule date S covers business date S - 1 and writes only its rows. */
    private static void calendar(FintechQueries q, FintechGenerator.Generated seed) throws Exception {
        GlobalMetricsTruth.Expected expected = GlobalMetricsTruth.compute(seed.messages());
        Map<LocalDate, Integer> raw = GlobalMetricsTruth.rawTransactionCounts(seed.messages());
        List<List<String>> runs = q.rows("select node, logical_date, interval_start, interval_end, state, rows_affected "
                + "from strata.task_runs where pipeline = 'fintech' order by node, logical_date");
        Map<String, Integer> perNode = new HashMap<>();
        for (List<String> r : runs) {
            perNode.merge(r.get(0), 1, Integer::sum);
            Instant logical = ts(r.get(1));
            assertThat(ts(r.get(2))).isEqualTo(logical.minusSeconds(86_400));
            assertThat(ts(r.get(3))).isEqualTo(logical);
            assertThat(r.get(4)).isEqualTo("success");
            assertThat(logical).isBetween(Instant.parse("2022-10-02T00:00:00Z"), Instant.parse("2022-11-01T00:00:00Z"));
            LocalDate day = LocalDate.ofInstant(ts(r.get(2)), java.time.ZoneOffset.UTC);
            if (r.get(0).equals("global_metrics")) {
                assertThat(Long.parseLong(r.get(5))).as("mart rows written by the run of %s", logical)
                        .isEqualTo(expected.day(day).size());
            }
            if (r.get(0).equals("load_transactions")) {
                assertThat(Long.parseLong(r.get(5))).as("typed rows written by the run of %s", logical)
                        .isEqualTo(raw.getOrDefault(day, 0).longValue());
            }
        }
        assertThat(perNode).containsOnlyKeys("init", "dump_transactions", "dump_currencies", "load_transactions",
                "load_currencies", "make_dwh", "global_metrics");
        assertThat(perNode.values()).containsOnly(31);
    }

    /** Item 2 and the serialisation of §6: in every run each task started after its upstream tasks succeeded. */
    private static void taskOrder(FintechQueries q) throws Exception {
        Map<String, Instant[]> times = new HashMap<>();   // node@logical → {started, finished} of the successful attempt
        for (List<String> row : q.rows("select r.node, r.logical_date, a.started_at, a.finished_at "
                + "from strata.task_runs r join strata.task_attempts a on a.run_id = r.id and a.state = 'success' "
                + "where r.pipeline = 'fintech'")) {
            times.put(row.get(0) + "@" + row.get(1), new Instant[] {ts(row.get(2)), ts(row.get(3))});
        }
        String[][] edges = {{"init", "dump_transactions"}, {"init", "dump_currencies"},
                {"dump_transactions", "load_transactions"}, {"dump_currencies", "load_currencies"},
                {"load_transactions", "make_dwh"}, {"load_currencies", "make_dwh"}, {"make_dwh", "global_metrics"}};
        List<String> logicals = q.rows("select distinct logical_date from strata.task_runs order by 1").stream()
                .map(r -> r.get(0)).toList();
        assertThat(logicals).hasSize(31);
        for (int i = 0; i < logicals.size(); i++) {
            String at = logicals.get(i);
            for (String[] e : edges) {
                assertThat(times.get(e[1] + "@" + at)[0]).as("%s starts after %s finished, run %s", e[1], e[0], at)
                        .isAfterOrEqualTo(times.get(e[0] + "@" + at)[1]);
                if (i > 0) {
                    // depends_on_past + wait_for_downstream: X of run i waits for X and X's downstream of run i - 1
                    String before = logicals.get(i - 1);
                    assertThat(times.get(e[0] + "@" + at)[0]).as("%s of %s after %s of %s", e[0], at, e[1], before)
                            .isAfterOrEqualTo(times.get(e[1] + "@" + before)[1]);
                }
            }
        }
    }

    /** Items 5 and 6: raw STG holds each distinct message once; duplicates, late ones included, add nothing. */
    private static void rawCounts(FintechQueries q, FintechGenerator.Generated seed) throws Exception {
        Map<String, Long> perDay = new HashMap<>();
        for (List<String> row : q.rows("select (_event_time at time zone 'UTC')::date, count(*) from stg.transactions_raw group by 1")) {
            perDay.put(row.get(0), Long.parseLong(row.get(1)));
        }
        for (LocalDate d = FintechGenerator.FIRST_DAY; !d.isAfter(FintechGenerator.LAST_DAY); d = d.plusDays(1)) {
            assertThat(perDay.getOrDefault(d.toString(), 0L)).as("raw transactions of %s", d)
                    .isEqualTo(FintechGenerator.SEED_COUNTS.getOrDefault(d, 0).longValue());
        }
        assertThat(q.count("select count(*) from stg.transactions_raw")).isEqualTo(244_941);
        assertThat(q.count("select count(*) from stg.currencies_raw")).isEqualTo(1_302);
        assertThat(seed.manifest().lateDuplicates()).isGreaterThan(1_000);
        assertThat(seed.messages()).hasSize(244_941 + 1_302 + seed.manifest().duplicates());
        assertThat(q.count("select count(*) from strata.dead_letters")).isZero();
    }

    /** The Data Vault: one hub row per operation, account and currency; one status version per status message. */
    private static void vault(FintechQueries q, FintechGenerator.Generated seed) throws Exception {
        java.util.Set<String> ops = new java.util.HashSet<>();
        java.util.Set<Long> accounts = new java.util.HashSet<>();
        long statusMessages = 0;
        java.util.Set<String> rates = new java.util.HashSet<>();
        for (FintechMessage m : GlobalMetricsTruth.distinct(seed.messages())) {
            if (m instanceof FintechMessage.Rate r) {
                rates.add(r.currency() + " " + r.currencyWith() + " " + r.dateUpdate());
            }
            if (m instanceof FintechMessage.Transaction t) {
                ops.add(t.operationId());
                accounts.add(t.accountFrom());
                accounts.add(t.accountTo());
                statusMessages++;
            }
        }
        assertThat(q.count("select count(*) from dds.hub_transaction")).isEqualTo(ops.size());
        assertThat(q.count("select count(*) from dds.hub_account")).isEqualTo(accounts.size());
        assertThat(q.count("select count(*) from dds.hub_currency")).isEqualTo(7);
        // every rate is an event of the non-historized link, including those that came after a later one
        assertThat(q.count("select count(*) from dds.link_currency_rate")).isEqualTo(rates.size());
        assertThat(q.count("select count(distinct currency_hk || ' ' || currency_with_hk) from dds.link_currency_rate")).isEqualTo(42);
        assertThat(q.count("select count(*) from dds.link_transaction_account_from")).isEqualTo(ops.size());
        assertThat(q.count("select count(*) from dds.sat_transaction_status")).isEqualTo(statusMessages);
    }

    private static Instant ts(String pg) {
        return OffsetDateTime.parse(pg.replace(' ', 'T').replaceAll("([+-]\\d\\d)$", "$1:00")).toInstant();
    }
}
