package dev.strata.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.strata.config.Secret;
import dev.strata.testing.TestServers;
import dev.strata.warehouse.Warehouse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WorkerKillIT {
    private static final String YAML = """
            name: killed
            marts:
              per_day:
                materialized: incremental
                time_column: day
                unique_key: [day]
            schedule:
              marts: { every: 1d, start: 2022-10-01 }
            """;
    /** The worker whose connection is named strata-child sleeps in its third interval, so it can be killed there. */
    private static final String MART = """
            select cast(e.ts as date) as day, count(*) as cnt
            from raw.events e
            cross join (select pg_sleep(case when current_setting('application_name') = 'strata-child'
                                              and '{{ ds }}' = '2022-10-03' then 120 else 0 end)) s
            where e.ts >= {{ interval_start }} and e.ts < {{ interval_end }}
            group by 1
            """;

    @TempDir
    Path dir;

    @Test
    void shouldLetAnotherWorkerFinishATaskWhoseWorkerWasKilled() throws Exception {
        String url = TestServers.newDatabaseUrl();
        try (Warehouse w = Warehouse.connect(url, "postgres", Secret.empty(), 4)) {
            w.migrate();
            TestProject.sql(w, "CREATE SCHEMA raw", "CREATE TABLE raw.events AS SELECT g AS ts FROM generate_series("
                    + "timestamp '2022-10-01', timestamp '2022-10-05 23:00', interval '1 hour') g");
            TestProject.write(dir, YAML, Map.of("marts/per_day.sql", MART));
            String from = "2022-10-01T00:00:00Z";
            String to = "2022-10-05T00:00:00Z";
            Process child = new ProcessBuilder(List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
                    "-cp", System.getProperty("java.class.path"), BackfillWorkerChild.class.getName(),
                    url + (url.contains("?") ? "&" : "?") + "ApplicationName=strata-child", dir.toString(), from, to, "2000", "child"))
                    .redirectErrorStream(true).redirectOutput(dir.resolve("child.log").toFile()).start();
            try {
                await().atMost(Duration.ofSeconds(60)).until(() -> TestProject.count(w, "SELECT count(*) FROM pg_stat_activity "
                        + "WHERE application_name = 'strata-child' AND state = 'active' AND wait_event = 'PgSleep'") == 1);
                assertThat(TestProject.rows(w, "SELECT state, worker FROM strata.task_runs WHERE interval_start = '2022-10-03'"))
                        .containsExactly(List.of("running", "child"));
            } finally {
                child.destroyForcibly(); // SIGKILL
                child.waitFor();
            }

            Backfill.Result result = new Backfill(TestProject.pipeline(dir, w), w, "survivor", Clock.systemUTC())
                    .run(Backfill.Options.of(Instant.parse(from), Instant.parse(to)).withLease(Duration.ofSeconds(2)),
                            Backfill.Progress.NONE);

            assertThat(result.ok()).as("%s", result.runs()).isTrue();
            assertThat(result.count(TaskState.SUCCESS)).isEqualTo(5);
            assertThat(TestProject.rows(w, "SELECT a.worker, a.state FROM strata.task_attempts a JOIN strata.task_runs r "
                    + "ON r.id = a.run_id WHERE r.interval_start = '2022-10-03' ORDER BY a.attempt"))
                    .containsExactly(List.of("child", "lost"), List.of("survivor", "success"));
            assertThat(TestProject.count(w, "SELECT count(*) FROM (SELECT run_id FROM strata.task_attempts "
                    + "WHERE state = 'success' GROUP BY run_id HAVING count(*) > 1) x")).isZero();
            assertThat(TestProject.rows(w, "SELECT day, cnt FROM cdm.per_day ORDER BY day")).containsExactly(
                    List.of("2022-10-01", "24"), List.of("2022-10-02", "24"), List.of("2022-10-03", "24"),
                    List.of("2022-10-04", "24"), List.of("2022-10-05", "24"));
        }
    }
}
