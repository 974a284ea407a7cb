package dev.strata.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import dev.strata.testing.TestServers;
import dev.strata.warehouse.Warehouse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Data tests in the schedule: after a task builds an interval of an incremental mart its tests run
 * on that interval's rows only, in the task's transaction. A failing {@code error} test fails the
 * task, its rollback leaves the mart's interval as it was (the previous rows are still served), the
 * run log names the test with the count and samples of offending rows, and the downstream task of
 * the same interval does not run; a failing {@code warn} test is recorded and the task succeeds.
 */
class MartTestsIT {
    private static final String YAML = """
            name: scheduled_tests
            marts:
              daily:
                materialized: incremental
                time_column: day
                tests:
                  - expression: "total >= 0"
                    name: no_negative_totals
                  - row_count: { max: 1 }
                    severity: warn
              report:
                materialized: incremental
                time_column: day
            schedule:
              marts: { every: 1d, start: 2022-10-01 }
            """;
    private static final String DAILY = """
            select cast(e.ts as date) as day, e.kind, sum(e.amount) as total
            from raw.events e
            where e.ts >= {{ interval_start }} and e.ts < {{ interval_end }}
            group by 1, 2
            """;
    private static final String REPORT = """
            select day, sum(total) as total from {{ ref('daily') }}
            where day >= {{ interval_start }} and day < {{ interval_end }}
            group by 1
            """;
    private static final Instant DAY1 = Instant.parse("2022-10-01T00:00:00Z");
    private static final Instant DAY2 = Instant.parse("2022-10-02T00:00:00Z");
    private static final Instant DAY3 = Instant.parse("2022-10-03T00:00:00Z");

    @TempDir
    Path dir;

    @Test
    void shouldRollBackAFailingIntervalKeepTheOldRowsAndHoldItsDownstream() throws Exception {
        try (Warehouse w = TestServers.newDatabase()) {
            w.migrate();
            TestProject.sql(w, "CREATE SCHEMA raw", "CREATE TABLE raw.events (ts timestamp, kind text, amount int)",
                    "INSERT INTO raw.events VALUES ('2022-10-01 10:00', 'a', 5), ('2022-10-02 10:00', 'a', 7), "
                            + "('2022-10-02 11:00', 'b', 1), ('2022-10-03 09:00', 'a', 3)");
            TestProject.write(dir, YAML, Map.of("marts/daily.sql", DAILY, "marts/report.sql", REPORT));
            Backfill backfill = new Backfill(TestProject.pipeline(dir, w), w, "w1", Clock.systemUTC());

            Backfill.Result first = backfill.run(Backfill.Options.of(DAY1, DAY3), Backfill.Progress.NONE);
            assertThat(first.ok()).isTrue();
            // day 2 has two kinds: the warn test failed, was recorded, and the day still succeeded
            assertThat(TestProject.rows(w, "SELECT interval_start::date::text, status, failures FROM strata.test_results "
                    + "WHERE test = 'row_count' AND status <> 'pass'")).containsExactly(List.of("2022-10-02", "fail", "1"));
            assertThat(TestProject.count(w, "SELECT count(*) FROM strata.test_results WHERE test = 'no_negative_totals' "
                    + "AND status = 'pass' AND run_by = 'task'")).isEqualTo(3);

            // a bad row written into day 3's partition by hand is outside day 1's interval: day 1 still passes
            TestProject.sql(w, "INSERT INTO cdm.daily VALUES ('2022-10-03', 'z', -100)");
            Backfill.Result day1 = backfill.run(Backfill.Options.of(DAY1, DAY1).withRerun(true).withSelect("daily"),
                    Backfill.Progress.NONE);
            assertThat(day1.ok()).as("the test checks only the interval just built").isTrue();
            TestProject.sql(w, "DELETE FROM cdm.daily WHERE kind = 'z'");

            List<List<String>> before = TestProject.rows(w, "SELECT day::text, kind, total::text FROM cdm.daily ORDER BY 1, 2");
            TestProject.sql(w, "INSERT INTO raw.events VALUES ('2022-10-02 12:00', 'b', -50), ('2022-10-02 13:00', 'c', 4)");
            Backfill.Result again = backfill.run(Backfill.Options.of(DAY2, DAY2).withRerun(true), Backfill.Progress.NONE);

            assertThat(again.failed()).singleElement().satisfies(r -> {
                assertThat(r.node()).isEqualTo("daily");
                assertThat(r.error()).contains("test 'no_negative_totals' of daily (error) failed: 1 offending row")
                        .contains("kind=b").contains("total=-49");
            });
            assertThat(again.notRun()).extracting(Backfill.RunSummary::node).containsExactly("report");
            // the interval rolled back: day 2 still has its previous rows (not the new kind c, not -49)
            assertThat(TestProject.rows(w, "SELECT day::text, kind, total::text FROM cdm.daily ORDER BY 1, 2")).isEqualTo(before);
            assertThat(TestProject.rows(w, "SELECT a.error FROM strata.task_attempts a JOIN strata.task_runs r ON r.id = a.run_id "
                    + "WHERE r.node = 'daily' AND r.interval_start = '2022-10-02' AND a.state = 'failed'"))
                    .singleElement().satisfies(row -> assertThat(row.get(0)).contains("no_negative_totals").contains("total=-49"));
            assertThat(TestProject.rows(w, "SELECT status, failures::text, samples FROM strata.test_results "
                    + "WHERE test = 'no_negative_totals' AND interval_start = '2022-10-02' ORDER BY id DESC LIMIT 1"))
                    .singleElement().satisfies(row -> {
                        assertThat(row.subList(0, 2)).containsExactly("fail", "1");
                        assertThat(row.get(2)).contains("\"total\":\"-49\"");
                    });

            // fixed at the source: the same backfill runs the day and then its downstream
            TestProject.sql(w, "DELETE FROM raw.events WHERE amount < 0");
            Backfill.Result fixed = backfill.run(Backfill.Options.of(DAY2, DAY2).withRerun(true), Backfill.Progress.NONE);
            assertThat(fixed.ok()).isTrue();
            assertThat(TestProject.rows(w, "SELECT total::text FROM cdm.report WHERE day = '2022-10-02'"))
                    .containsExactly(List.of("12"));
        }
    }
}
