package dev.strata.examples.fintech;

import static org.assertj.core.api.Assertions.assertThat;

import dev.strata.schedule.Backfill;
import dev.strata.schedule.TaskState;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole scenario on the seed profile (scenario 001 §9 items 1, 2, 5–7, 9–12): 250,000 messages
 * of both types on one topic, landed by the example project's two filtered sources, then the
 * October-2022 backfill; every layer is compared with the generator's data.
 */
class FintechScenarioIT {
    @TempDir
    Path dir;

    @Test
    void shouldBuildGlobalMetricsForOctober2022FromTheSeedProfile() throws Exception {
        FintechGenerator.Generated seed = new FintechGenerator(2022).generate();
        try (FintechWorld world = new FintechWorld(dir)) {
            long t0 = System.nanoTime();
            world.produce(seed.messages());
            Duration producing = Duration.ofNanos(System.nanoTime() - t0);
            t0 = System.nanoTime();
            world.land();
            Duration landing = Duration.ofNanos(System.nanoTime() - t0);
            t0 = System.nanoTime();
            Backfill.Result result = world.backfill(FintechWorld.FIRST_RUN, FintechWorld.LAST_RUN);
            Duration backfill = Duration.ofNanos(System.nanoTime() - t0);
            System.out.printf("fintech seed profile: %,d messages produced in %.1f s, landed in %.1f s; 31-day backfill "
                    + "(%d task runs) in %.1f s%n", seed.messages().size(), producing.toMillis() / 1e3,
                    landing.toMillis() / 1e3, result.runs().size(), backfill.toMillis() / 1e3);

            assertThat(result.failed()).isEmpty();
            assertThat(result.ok()).isTrue();
            calendar(result, seed);
            taskOrder(world);
            rawCounts(world, seed);
            FintechVerifier.Verification v = new FintechVerifier(world.warehouse).verify(seed);
            assertThat(v.differences()).isEmpty();
            assertThat(v.summary()).startsWith("verified: 244,941 transaction messages and 1,302 currency rates");
            assertThat(world.rows("select distinct date_update from cdm.global_metrics order by 1"))
                    .extracting(r -> r.get(0)).containsExactly("2022-10-01", "2022-10-05", "2022-10-08", "2022-10-10",
                            "2022-10-18", "2022-10-20");
            assertThat(world.count("select count(*) from (select date_update, currency_from from cdm.global_metrics "
                    + "group by 1, 2 having count(*) > 1) d")).isZero();
        }
    }

    /** Item 1: 31 runs per task; the run of schedule date S covers business date S - 1 and writes only its rows. */
    private static void calendar(Backfill.Result result, FintechGenerator.Generated seed) {
        Map<String, List<Backfill.RunSummary>> byNode = result.runs().stream()
                .collect(Collectors.groupingBy(Backfill.RunSummary::node));
        assertThat(byNode.keySet()).containsExactlyInAnyOrder("init", "dump_transactions", "dump_currencies",
                "load_transactions", "load_currencies", "global_metrics");
        GlobalMetricsTruth.Expected expected = GlobalMetricsTruth.compute(seed.messages());
        Map<LocalDate, Integer> raw = GlobalMetricsTruth.rawTransactionCounts(seed.messages());
        byNode.forEach((node, runs) -> {
            assertThat(runs).as(node).hasSize(31);
            assertThat(runs.get(0).logicalDate()).isEqualTo(FintechWorld.FIRST_RUN);
            assertThat(runs.get(30).logicalDate()).isEqualTo(FintechWorld.LAST_RUN);
            for (Backfill.RunSummary r : runs) {
                assertThat(r.state()).isEqualTo(TaskState.SUCCESS);
                assertThat(r.interval().start()).isEqualTo(r.logicalDate().minus(Duration.ofDays(1)));
                assertThat(r.interval().end()).isEqualTo(r.logicalDate());
                LocalDate day = LocalDate.ofInstant(r.interval().start(), ZoneOffset.UTC);
                if (node.equals("global_metrics")) {
                    assertThat(r.rows()).as("mart rows written by the run of %s", r.logicalDate())
                            .isEqualTo(expected.day(day).size());
                }
                if (node.equals("load_transactions")) {
                    // the delete of the partition (0 rows on a first run) plus the insert of the day's messages
                    assertThat(r.rows()).as("typed rows written by the run of %s", r.logicalDate())
                            .isEqualTo(raw.getOrDefault(day, 0).longValue());
                }
            }
        });
    }

    /** Item 2 and the serialisation of §6: in every run each task started after its upstream tasks succeeded. */
    private static void taskOrder(FintechWorld world) throws Exception {
        Map<String, Instant[]> times = new HashMap<>();   // node@logical → {started, finished} of the successful attempt
        for (List<String> row : world.rows("select r.node, r.logical_date, a.started_at, a.finished_at "
                + "from strata.task_runs r join strata.task_attempts a on a.run_id = r.id and a.state = 'success' "
                + "where r.pipeline = 'fintech'")) {
            times.put(row.get(0) + "@" + row.get(1), new Instant[] {ts(row.get(2)), ts(row.get(3))});
        }
        String[][] edges = {{"init", "dump_transactions"}, {"init", "dump_currencies"},
                {"dump_transactions", "load_transactions"}, {"dump_currencies", "load_currencies"},
                {"load_transactions", "global_metrics"}, {"load_currencies", "global_metrics"}};
        List<String> logicals = world.rows("select distinct logical_date from strata.task_runs order by 1").stream()
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

    /** Items 5 and 6: raw STG holds each distinct message once, late duplicates included in nothing. */
    private static void rawCounts(FintechWorld world, FintechGenerator.Generated seed) throws Exception {
        Map<String, Long> perDay = new HashMap<>();
        for (List<String> row : world.rows("select (_event_time at time zone 'UTC')::date, count(*) from stg.transactions_raw group by 1")) {
            perDay.put(row.get(0), Long.parseLong(row.get(1)));
        }
        for (LocalDate d = FintechGenerator.FIRST_DAY; !d.isAfter(FintechGenerator.LAST_DAY); d = d.plusDays(1)) {
            assertThat(perDay.getOrDefault(d.toString(), 0L)).as("raw transactions of %s", d)
                    .isEqualTo(FintechGenerator.SEED_COUNTS.getOrDefault(d, 0).longValue());
        }
        assertThat(world.count("select count(*) from stg.transactions_raw")).isEqualTo(244_941);
        assertThat(world.count("select count(*) from stg.currencies_raw")).isEqualTo(1_302);
        long sent = seed.messages().size();
        assertThat(seed.manifest().lateDuplicates()).isGreaterThan(1_000);
        assertThat(sent).isEqualTo(244_941 + 1_302 + seed.manifest().duplicates());
        assertThat(world.count("select count(*) from strata.dead_letters")).isZero();
    }

    private static Instant ts(String pg) {
        return java.time.OffsetDateTime.parse(pg.replace(' ', 'T').replaceAll("([+-]\\d\\d)$", "$1:00")).toInstant();
    }
}
