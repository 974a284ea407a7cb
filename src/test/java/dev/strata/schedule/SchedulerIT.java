package dev.strata.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.strata.testing.TestServers;
import dev.strata.warehouse.Warehouse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SchedulerIT {
    @TempDir
    Path dir;

    @Test
    void shouldCatchUpDueIntervalsInOrderThenRunNothingTwice() throws Exception {
        // four due hours, and a fifth must not fall due while the test runs: away from the hour's end
        Instant nextHour = Instant.now().truncatedTo(ChronoUnit.HOURS).plus(Duration.ofHours(1));
        if (Duration.between(Instant.now(), nextHour).compareTo(Duration.ofMinutes(2)) < 0) {
            Thread.sleep(Duration.between(Instant.now(), nextHour).toMillis() + 1000);
        }
        Instant start = Instant.now().truncatedTo(ChronoUnit.HOURS).minus(Duration.ofHours(4));
        try (Warehouse w = TestServers.newDatabase()) {
            w.migrate();
            TestProject.write(dir, """
                    name: hourly
                    marts:
                      hours: { materialized: incremental, time_column: hour }
                      total: { materialized: table }
                    schedule:
                      marts: { every: 1h, start: '%s', depends_on_past: true }
                    """.formatted(start), Map.of(
                    "marts/hours.sql", "select {{ interval_start }} as hour, '{{ logical_date }}' as label",
                    "marts/total.sql", "select count(*) as n from {{ ref('hours') }}"));
            Pipeline p = TestProject.pipeline(dir, w);
            try (Scheduler scheduler = new Scheduler(p, w, "runner", Clock.systemUTC(),
                    Scheduler.Options.defaults().withWorkers(2))) {
                scheduler.start();
                await().atMost(Duration.ofSeconds(90)).until(() -> TestProject.count(w,
                        "SELECT count(*) FROM strata.task_runs WHERE state = 'success'") == 8);
                assertThat(scheduler.tick()).isZero(); // nothing new is due within the hour
            }
            assertThat(TestProject.rows(w, "SELECT hour FROM cdm.hours ORDER BY hour")).hasSize(4)
                    .first().isEqualTo(List.of(TestProject.rows(w, "SELECT timestamp '" + start.toString().replace("T", " ")
                            .replace("Z", "") + "'").get(0).get(0)));
            assertThat(TestProject.count(w, "SELECT n FROM cdm.total")).isEqualTo(4);
            // each total ran after the hours interval it covers
            assertThat(TestProject.count(w, "SELECT count(*) FROM strata.task_runs t JOIN strata.task_runs h "
                    + "ON h.node = 'hours' AND h.interval_start = t.interval_start WHERE t.node = 'total' "
                    + "AND t.started_at < h.finished_at")).isZero();
        }
    }

    @Test
    void shouldRollBackAndRequeueARunningTaskWhenStoppedBeforeItFinishes() throws Exception {
        try (Warehouse w = TestServers.newDatabase()) {
            w.migrate();
            TestProject.write(dir, """
                    name: stopping
                    marts:
                      slow: { materialized: table }
                    schedule:
                      marts: { every: 1d, start: 2022-10-01, end: 2022-10-01 }
                    """, Map.of("marts/slow.sql", "select g as id from generate_series(1, 10) g cross join (select pg_sleep(60)) s"));
            Scheduler scheduler = new Scheduler(TestProject.pipeline(dir, w), w, "runner", Clock.systemUTC(),
                    Scheduler.Options.defaults().withGrace(Duration.ofMillis(500)));
            scheduler.start();
            await().atMost(Duration.ofSeconds(20)).until(() -> TestProject.count(w,
                    "SELECT count(*) FROM pg_stat_activity WHERE state = 'active' AND query LIKE '%pg_sleep(60)%' "
                            + "AND query NOT LIKE '%pg_stat_activity%'") == 1);
            long t0 = System.nanoTime();
            scheduler.close();
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(15));

            assertThat(TestProject.rows(w, "SELECT state, worker FROM strata.task_runs")).containsExactly(
                    java.util.Arrays.asList("queued", null));
            assertThat(TestProject.rows(w, "SELECT state FROM strata.task_attempts")).containsExactly(List.of("abandoned"));
            // nothing half-built is left behind
            assertThat(TestProject.count(w, "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'cdm'")).isZero();
        }
    }
}
