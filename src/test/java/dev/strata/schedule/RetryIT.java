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

class RetryIT {
    private static final String YAML = """
            name: retries
            marts:
              per_day:
                materialized: incremental
                time_column: day
                checks:
                  not_broken: "select day from raw.broken where day = date '{{ ds }}'"
            schedule:
              marts:
                every: 1d
                start: 2022-10-01
                depends_on_past: true
                retries: 2
                retry_delay: 1s
            """;
    private static final String MART = """
            select cast(e.ts as date) as day, count(*) as cnt
            from raw.events e
            where e.ts >= {{ interval_start }} and e.ts < {{ interval_end }}
            group by 1
            """;

    @TempDir
    Path dir;

    @Test
    void shouldRetryAfterTheDelayThenFailAndHoldLaterIntervalsUntilFixed() throws Exception {
        try (Warehouse w = TestServers.newDatabase()) {
            w.migrate();
            TestProject.sql(w, "CREATE SCHEMA raw",
                    "CREATE TABLE raw.events AS SELECT g AS ts FROM generate_series(timestamp '2022-10-01', "
                            + "timestamp '2022-10-10 23:00', interval '1 hour') g",
                    "CREATE TABLE raw.broken (day date)", "INSERT INTO raw.broken VALUES ('2022-10-05')");
            TestProject.write(dir, YAML, Map.of("marts/per_day.sql", MART));
            Backfill backfill = new Backfill(TestProject.pipeline(dir, w), w, "w1", Clock.systemUTC());
            Backfill.Options tenDays = Backfill.Options.of(Instant.parse("2022-10-01T00:00:00Z"),
                    Instant.parse("2022-10-10T00:00:00Z")).withParallel(2);

            Backfill.Result first = backfill.run(tenDays, Backfill.Progress.NONE);

            assertThat(first.ok()).isFalse();
            assertThat(first.count(TaskState.SUCCESS)).isEqualTo(4);
            assertThat(first.failed()).singleElement().satisfies(r -> {
                assertThat(r.interval().start()).isEqualTo(Instant.parse("2022-10-05T00:00:00Z"));
                assertThat(r.attempts()).isEqualTo(3);
                assertThat(r.error()).contains("test 'not_broken'").contains("2022-10-05");
            });
            // retried twice, each no earlier than retry_delay after the previous failure
            List<List<String>> attempts = TestProject.rows(w, "SELECT a.state, extract(epoch FROM a.started_at - "
                    + "lag(a.finished_at) OVER (ORDER BY a.attempt)) FROM strata.task_attempts a "
                    + "JOIN strata.task_runs r ON r.id = a.run_id WHERE r.interval_start = '2022-10-05' ORDER BY a.attempt");
            assertThat(attempts).extracting(r -> r.get(0)).containsExactly("failed", "failed", "failed");
            assertThat(attempts.subList(1, 3)).extracting(r -> Double.parseDouble(r.get(1)))
                    .allSatisfy(gap -> assertThat(gap).isGreaterThanOrEqualTo(0.999));
            // depends_on_past: nothing after the failed day ran
            assertThat(first.notRun()).hasSize(5).allSatisfy(r -> assertThat(r.attempts()).isZero());
            assertThat(TestProject.rows(w, "SELECT day FROM cdm.per_day ORDER BY day")).extracting(r -> r.get(0))
                    .containsExactly("2022-10-01", "2022-10-02", "2022-10-03", "2022-10-04");

            // Fix the cause and run again: it continues from the failed day.
            TestProject.sql(w, "DELETE FROM raw.broken");
            Backfill.Result second = backfill.run(tenDays, Backfill.Progress.NONE);

            assertThat(second.ok()).isTrue();
            assertThat(second.count(TaskState.SUCCESS)).isEqualTo(10);
            assertThat(TestProject.rows(w, "SELECT count(*), sum(cnt) FROM cdm.per_day").get(0)).containsExactly("10", "240");
            // the four days done before were not run again
            assertThat(TestProject.count(w, "SELECT count(*) FROM strata.task_attempts a JOIN strata.task_runs r "
                    + "ON r.id = a.run_id WHERE r.interval_start < '2022-10-05'")).isEqualTo(4);
        }
    }
}
