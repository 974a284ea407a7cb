package dev.strata.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import dev.strata.testing.TestServers;
import dev.strata.warehouse.Warehouse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BackfillIT {
    private static final String YAML = """
            name: daily
            marts:
              daily_totals:
                materialized: incremental
                time_column: day
                unique_key: [day, bucket]
            schedule:
              marts:
                every: 1d
                start: 2022-10-02
                end: 2022-11-01
                offset: -1d
            """;
    private static final String MART = """
            select cast(e.ts as date) as day, e.account % 7 as bucket, count(*) as cnt, sum(e.amount) as total
            from raw.events e
            where e.ts >= {{ interval_start }} and e.ts < {{ interval_end }}
            group by 1, 2
            """;

    @TempDir
    Path dir;

    /** (day, bucket) → {count, total}, computed in Java from the generated rows. */
    private static Map<String, long[]> generate(Warehouse w) throws Exception {
        TestProject.sql(w, "CREATE SCHEMA raw", "CREATE TABLE raw.events (id bigint, ts timestamp, account int, amount bigint)");
        Map<String, long[]> expected = new TreeMap<>();
        Random random = new Random(42);
        try (Connection c = w.connection();
             PreparedStatement ps = c.prepareStatement("INSERT INTO raw.events VALUES (?, ?, ?, ?)")) {
            long id = 0;
            // September 30 to November 1: rows outside the backfilled days must not leak in.
            for (LocalDate d = LocalDate.of(2022, 9, 30); !d.isAfter(LocalDate.of(2022, 11, 1)); d = d.plusDays(1)) {
                int n = 200 + random.nextInt(300);
                for (int i = 0; i < n; i++) {
                    LocalDateTime ts = d.atStartOfDay().plusSeconds(random.nextInt(86_400));
                    int account = random.nextInt(1000);
                    long amount = random.nextInt(10_000);
                    ps.setLong(1, ++id);
                    ps.setTimestamp(2, Timestamp.valueOf(ts));
                    ps.setInt(3, account);
                    ps.setLong(4, amount);
                    ps.addBatch();
                    if (!d.isBefore(LocalDate.of(2022, 10, 1)) && d.isBefore(LocalDate.of(2022, 11, 1))) {
                        long[] agg = expected.computeIfAbsent(d + "|" + account % 7, k -> new long[2]);
                        agg[0]++;
                        agg[1] += amount;
                    }
                }
            }
            ps.executeBatch();
        }
        return expected;
    }

    private static List<String> martRows(Warehouse w) throws Exception {
        List<String> out = new ArrayList<>();
        for (List<String> r : TestProject.rows(w, "SELECT day, bucket, cnt, total FROM cdm.daily_totals ORDER BY day, bucket")) {
            out.add(String.join("|", r));
        }
        return out;
    }

    @Test
    void shouldBackfill31DaysOnceEachWithRowsEqualToAnIndependentComputation() throws Exception {
        try (Warehouse w = TestServers.newDatabase()) {
            w.migrate();
            Map<String, long[]> expected = generate(w);
            TestProject.write(dir, YAML, Map.of("marts/daily_totals.sql", MART));
            Pipeline p = TestProject.pipeline(dir, w);
            Backfill backfill = new Backfill(p, w, "test-worker", Clock.systemUTC());

            Backfill.Result result = backfill.run(Backfill.Options.of(Instant.parse("2022-10-02T00:00:00Z"),
                    Instant.parse("2022-11-01T00:00:00Z")).withParallel(2), Backfill.Progress.NONE);

            assertThat(result.ok()).as("failures: %s", result.failed()).isTrue();
            assertThat(result.count(TaskState.SUCCESS)).isEqualTo(31);
            assertThat(TestProject.count(w, "SELECT count(*) FROM strata.task_runs WHERE node = 'daily_totals' AND state = 'success'"))
                    .isEqualTo(31);
            assertThat(TestProject.count(w, "SELECT count(*) FROM strata.task_attempts")).isEqualTo(31);
            // the run dated 2022-10-02 wrote business day 2022-10-01, the one dated 2022-11-01 wrote 2022-10-31
            assertThat(TestProject.rows(w, "SELECT min(logical_date)::date, min(interval_start)::date, max(logical_date)::date, "
                    + "max(interval_start)::date FROM strata.task_runs").get(0))
                    .containsExactly("2022-10-02", "2022-10-01", "2022-11-01", "2022-10-31");
            List<String> expectedRows = new ArrayList<>();
            expected.forEach((k, v) -> expectedRows.add(k + "|" + v[0] + "|" + v[1]));
            List<String> actual = martRows(w);
            assertThat(actual).containsExactlyElementsOf(expectedRows);

            // Re-running any interval leaves the mart identical.
            Backfill.Result again = backfill.run(Backfill.Options.of(Instant.parse("2022-10-15T00:00:00Z"),
                    Instant.parse("2022-10-15T00:00:00Z")).withRerun(true), Backfill.Progress.NONE);
            assertThat(again.runs()).singleElement().satisfies(r -> {
                assertThat(r.state()).isEqualTo(TaskState.SUCCESS);
                assertThat(r.attempts()).isEqualTo(2);
            });
            assertThat(martRows(w)).isEqualTo(actual);
            // Without --rerun, a finished backfill has nothing left to do.
            Backfill.Result noop = backfill.run(Backfill.Options.of(Instant.parse("2022-10-02T00:00:00Z"),
                    Instant.parse("2022-11-01T00:00:00Z")), Backfill.Progress.NONE);
            assertThat(noop.count(TaskState.SUCCESS)).isEqualTo(31);
            assertThat(TestProject.count(w, "SELECT count(*) FROM strata.task_attempts")).isEqualTo(32);
        }
    }

    @Test
    void shouldStopClaimingWhenAskedAndContinueWhereItStoppedWhenRunAgain() throws Exception {
        try (Warehouse w = TestServers.newDatabase()) {
            w.migrate();
            TestProject.write(dir, """
                    name: slow_days
                    marts:
                      slow: { materialized: incremental, time_column: day }
                    schedule:
                      marts: { every: 1d, start: 2022-10-01, end: 2022-10-10, depends_on_past: true }
                    """, Map.of("marts/slow.sql", "select cast({{ interval_start }} as date) as day from pg_sleep(0.5)"));
            Pipeline p = TestProject.pipeline(dir, w);
            Backfill backfill = new Backfill(p, w, "test-worker", Clock.systemUTC());
            Backfill.Options all = Backfill.Options.of(Instant.parse("2022-10-01T00:00:00Z"), Instant.parse("2022-10-10T00:00:00Z"));
            Thread ctrlC = new Thread(() -> {
                try {
                    Thread.sleep(1600);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                backfill.requestStop();
            });
            ctrlC.start();

            Backfill.Result stopped = backfill.run(all, Backfill.Progress.NONE);
            ctrlC.join();

            long done = stopped.count(TaskState.SUCCESS);
            assertThat(done).as("ran some days, then stopped claiming").isBetween(1L, 9L);
            assertThat(stopped.notRun()).hasSize((int) (10 - done)).allMatch(r -> r.state() == TaskState.QUEUED);
            assertThat(TestProject.count(w, "SELECT count(*) FROM strata.task_runs WHERE state = 'running'")).isZero();

            Backfill.Result resumed = new Backfill(p, w, "test-worker", Clock.systemUTC()).run(all, Backfill.Progress.NONE);
            assertThat(resumed.ok()).isTrue();
            assertThat(TestProject.count(w, "SELECT count(*) FROM strata.task_attempts")).as("no day ran twice").isEqualTo(10);
            assertThat(TestProject.count(w, "SELECT count(*) FROM cdm.slow")).isEqualTo(10);
        }
    }
}
