package dev.strata.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import dev.strata.testing.TestServers;
import dev.strata.warehouse.Warehouse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TwoWorkersIT {
    private static final String YAML = """
            name: shared
            marts:
              load_day: { materialized: script }
            schedule:
              marts: { every: 1d, start: 2022-10-01 }
            """;
    /** An SQL task that logs each execution it commits, and takes a while. */
    private static final String TASK = """
            insert into raw.exec_log (day, pid) values (date '{{ ds }}', pg_backend_pid());
            select pg_sleep(0.25);
            """;
    private static final Instant FROM = Instant.parse("2022-10-01T00:00:00Z");
    private static final Instant TO = Instant.parse("2022-10-12T00:00:00Z");

    @TempDir
    Path dir;

    @Test
    void shouldNeverRunOneTaskRunTwiceAtOnceAndFinishFasterThanOneWorker() throws Exception {
        try (Warehouse w = TestServers.newDatabase()) {
            w.migrate();
            TestProject.sql(w, "CREATE SCHEMA raw", "CREATE TABLE raw.exec_log (day date, pid int)");
            TestProject.write(dir, YAML, Map.of("marts/load_day.sql", TASK));
            Pipeline p = TestProject.pipeline(dir, w);

            long t0 = System.nanoTime();
            Backfill.Result alone = new Backfill(p, w, "alone", Clock.systemUTC())
                    .run(Backfill.Options.of(FROM, TO), Backfill.Progress.NONE);
            Duration oneWorker = Duration.ofNanos(System.nanoTime() - t0);
            assertThat(alone.count(TaskState.SUCCESS)).isEqualTo(12);

            // The same backfill from scratch, by two processes' worth of workers at once.
            TestProject.sql(w, "TRUNCATE raw.exec_log", "DELETE FROM strata.task_runs");
            CyclicBarrier together = new CyclicBarrier(2);
            t0 = System.nanoTime();
            List<CompletableFuture<Backfill.Result>> workers = List.of("a", "b").stream().map(id ->
                    CompletableFuture.supplyAsync(() -> {
                        try {
                            together.await();
                            return new Backfill(p, w, id, Clock.systemUTC())
                                    .run(Backfill.Options.of(FROM, TO), Backfill.Progress.NONE);
                        } catch (Exception e) {
                            throw new IllegalStateException(e);
                        }
                    })).toList();
            for (CompletableFuture<Backfill.Result> f : workers) {
                assertThat(f.get().ok()).isTrue();
            }
            Duration twoWorkers = Duration.ofNanos(System.nanoTime() - t0);

            // each interval executed (and committed) exactly once, by one of the two
            assertThat(TestProject.rows(w, "SELECT day, count(*) FROM raw.exec_log GROUP BY day HAVING count(*) <> 1")).isEmpty();
            assertThat(TestProject.count(w, "SELECT count(DISTINCT day) FROM raw.exec_log")).isEqualTo(12);
            assertThat(TestProject.rows(w, "SELECT DISTINCT worker FROM strata.task_attempts ORDER BY 1"))
                    .containsExactly(List.of("a"), List.of("b"));
            // no two attempts of a run overlap in time
            assertThat(TestProject.count(w, "SELECT count(*) FROM strata.task_attempts x JOIN strata.task_attempts y "
                    + "ON x.run_id = y.run_id AND x.attempt < y.attempt AND y.started_at < x.finished_at")).isZero();
            System.out.printf("one worker: %d ms, two workers: %d ms%n", oneWorker.toMillis(), twoWorkers.toMillis());
            assertThat(twoWorkers).as("two workers took %s, one took %s", twoWorkers, oneWorker)
                    .isLessThan(oneWorker.multipliedBy(85).dividedBy(100));
        }
    }
}
