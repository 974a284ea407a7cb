package dev.strata.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

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

/**
 * The pipeline run log ({@code strata.pipeline_runs}): one row per run of the scheduled graph for
 * a logical date, for each trigger — the scheduler, a manual trigger (strata trigger, the
 * console's re-run) and a backfill — with the failed task and its error when a run fails, and the
 * copy into the project's own run-log table.
 */
class PipelineRunLogIT {
    /**
     * Two marts, {@code daily} and {@code report} reading it. {@code daily} divides by the number of
     * rows of {@code ctl.ok}: with that table empty it fails with "division by zero".
     */
    private static final String YAML = """
            name: runlog
            marts:
              daily: { materialized: incremental, time_column: day }
              report: { materialized: table }
            schedule:
              marts: { every: 1d, start: 2022-10-01, end: 2022-10-03 }
            run_log:
              table: etl_run_log
              schema: audit
            """;
    private static final Map<String, String> FILES = Map.of(
            "marts/daily.sql", "select date '{{ ds }}' as day, 1 / (select count(*) from ctl.ok) as n",
            "marts/report.sql", "select count(*) as days from {{ ref('daily') }}");
    private static final Instant D1 = Instant.parse("2022-10-01T00:00:00Z");
    private static final Instant D2 = Instant.parse("2022-10-02T00:00:00Z");
    private static final Instant D3 = Instant.parse("2022-10-03T00:00:00Z");

    @TempDir
    Path dir;

    private Pipeline setUp(Warehouse w, boolean ok) throws Exception {
        w.migrate();
        TestProject.sql(w, "CREATE SCHEMA ctl", "CREATE TABLE ctl.ok (x int)");
        if (ok) {
            TestProject.sql(w, "INSERT INTO ctl.ok VALUES (1)");
        }
        TestProject.write(dir, YAML, FILES);
        return TestProject.pipeline(dir, w);
    }

    private static List<List<String>> log(Warehouse w) throws Exception {
        return TestProject.rows(w, "SELECT trigger_type, to_char(logical_date at time zone 'UTC', 'YYYY-MM-DD'), status, "
                + "failed_task, error_message, task_count FROM strata.pipeline_runs ORDER BY started_at, logical_date");
    }

    @Test
    void shouldLogOneRowPerScheduledRunAndMirrorIt() throws Exception {
        try (Warehouse w = TestServers.newDatabase()) {
            Pipeline p = setUp(w, true);
            try (Scheduler scheduler = new Scheduler(p, w, "runner", Clock.systemUTC(), Scheduler.Options.defaults())) {
                scheduler.start();
                await().atMost(Duration.ofSeconds(60)).until(() -> TestProject.count(w,
                        "SELECT count(*) FROM strata.pipeline_runs WHERE status <> 'running'") == 3);
                // a tick that queues nothing starts no pipeline run: those dates are queued already
                assertThat(scheduler.tick()).as("nothing new due").isZero();
                assertThat(scheduler.tick()).isZero();
            }
            assertThat(log(w)).containsExactly(
                    java.util.Arrays.asList("scheduled", "2022-10-01", "success", null, null, "2"),
                    java.util.Arrays.asList("scheduled", "2022-10-02", "success", null, null, "2"),
                    java.util.Arrays.asList("scheduled", "2022-10-03", "success", null, null, "2"));
            // a run ends when its last task does, and starts no later than its first
            assertThat(TestProject.count(w, "SELECT count(*) FROM strata.pipeline_runs r WHERE r.finished_at <> "
                    + "(SELECT max(t.finished_at) FROM strata.pipeline_run_tasks m JOIN strata.task_runs t ON t.id = m.task_run_id "
                    + "WHERE m.run_id = r.run_id) OR r.started_at > (SELECT min(t.started_at) FROM strata.pipeline_run_tasks m "
                    + "JOIN strata.task_runs t ON t.id = m.task_run_id WHERE m.run_id = r.run_id)")).isZero();
            assertThat(TestProject.rows(w, "SELECT rows_loaded FROM strata.pipeline_runs ORDER BY logical_date").get(0))
                    .containsExactly("{\"daily\": 1, \"report\": 1}");
            // the mirror: the same three runs, each once, with the scenario's columns
            await().atMost(Duration.ofSeconds(10)).until(() -> TestProject.count(w, "SELECT count(*) FROM audit.etl_run_log") == 3);
            assertThat(TestProject.rows(w, "SELECT m.run_id = r.run_id, m.pipeline, m.trigger_type, m.status, "
                    + "m.started_at = r.started_at, m.finished_at = r.finished_at, m.rows_loaded ->> 'daily' "
                    + "FROM audit.etl_run_log m JOIN strata.pipeline_runs r ON r.run_id = m.run_id ORDER BY m.logical_date"))
                    .hasSize(3).allSatisfy(r -> assertThat(r).containsExactly("t", "runlog", "scheduled", "success", "t", "t", "1"));
            assertThat(TestProject.rows(w, "SELECT column_name FROM information_schema.columns WHERE table_schema = 'audit' "
                    + "AND table_name = 'etl_run_log' ORDER BY ordinal_position").stream().map(r -> r.get(0)).toList())
                    .containsExactly("run_id", "pipeline", "logical_date", "trigger_type", "status", "started_at", "finished_at",
                            "failed_task", "error_message", "rows_loaded");
        }
    }

    @Test
    void shouldLogAFailingManualRunWithItsFailedTaskAndErrorAndTheRerunThatFixedIt() throws Exception {
        try (Warehouse w = TestServers.newDatabase()) {
            Pipeline p = setUp(w, false);
            Backfill trigger = new Backfill(p, w, "cli", Clock.systemUTC()).asManualTrigger();
            Backfill.Result failed = trigger.run(Backfill.Options.of(D2, D2).withRerun(true), Backfill.Progress.NONE);
            assertThat(failed.ok()).isFalse();
            assertThat(trigger.pipelineRuns()).hasSize(1);

            List<PipelineRun> logged = new RunLog(w, "runlog").pipelineRuns(trigger.pipelineRuns());
            assertThat(logged).singleElement().satisfies(r -> {
                assertThat(r.trigger()).isEqualTo("manual");
                assertThat(r.logicalDate()).isEqualTo(D2);
                assertThat(r.status()).isEqualTo("failed");
                assertThat(r.failedTask()).contains("daily");
                assertThat(r.errorMessage()).hasValueSatisfying(e -> assertThat(e).contains("division by zero"));
                assertThat(r.tasks()).isEqualTo(2); // report never ran: blocked by daily, and the run ended anyway
                assertThat(r.finishedAt()).isPresent();
            });

            // fixed and triggered again: a second manual run, successful; the first row is left as it was
            TestProject.sql(w, "INSERT INTO ctl.ok VALUES (1)");
            Backfill again = new Backfill(p, w, "cli", Clock.systemUTC()).asManualTrigger();
            assertThat(again.run(Backfill.Options.of(D2, D2).withRerun(true), Backfill.Progress.NONE).ok()).isTrue();
            assertThat(log(w)).containsExactly(
                    java.util.Arrays.asList("manual", "2022-10-02", "failed", "daily", logged.get(0).errorMessage().orElseThrow(), "2"),
                    java.util.Arrays.asList("manual", "2022-10-02", "success", null, null, "2"));
            assertThat(TestProject.count(w, "SELECT count(*) FROM audit.etl_run_log WHERE status = 'failed' "
                    + "AND failed_task = 'daily' AND error_message LIKE '%division by zero%'")).isEqualTo(1);
        }
    }

    @Test
    void shouldLogOneBackfillRunPerDateIncludingDatesThatHadSucceededAndADateBlockedUpstream() throws Exception {
        try (Warehouse w = TestServers.newDatabase()) {
            Pipeline p = setUp(w, true);
            Backfill first = new Backfill(p, w, "cli", Clock.systemUTC());
            assertThat(first.run(Backfill.Options.of(D1, D1), Backfill.Progress.NONE).ok()).isTrue();

            // daily fails from now on: D2 and D3 fail, D1 had succeeded and is not run again
            TestProject.sql(w, "DELETE FROM ctl.ok");
            Backfill backfill = new Backfill(p, w, "cli", Clock.systemUTC());
            Backfill.Result result = backfill.run(Backfill.Options.of(D1, D3).withParallel(2), Backfill.Progress.NONE);
            assertThat(result.ok()).isFalse();
            assertThat(backfill.pipelineRuns()).hasSize(3);
            List<PipelineRun> runs = new RunLog(w, "runlog").pipelineRuns(backfill.pipelineRuns());
            assertThat(runs).extracting(PipelineRun::logicalDate).containsExactly(D1, D2, D3);
            assertThat(runs).extracting(PipelineRun::trigger).containsOnly("backfill");
            assertThat(runs).extracting(PipelineRun::status).containsExactly("success", "failed", "failed");
            assertThat(runs.get(0).rowsLoaded()).contains("{}"); // nothing ran again for D1
            assertThat(runs.subList(1, 3)).allSatisfy(r -> {
                assertThat(r.failedTask()).contains("daily");
                assertThat(r.errorMessage()).hasValueSatisfying(e -> assertThat(e).contains("division by zero"));
            });
            // exactly one row per run: 1 + 3, nothing left running
            assertThat(TestProject.count(w, "SELECT count(*) FROM strata.pipeline_runs")).isEqualTo(4);
            assertThat(TestProject.count(w, "SELECT count(*) FROM strata.pipeline_runs WHERE status = 'running'")).isZero();
            assertThat(TestProject.count(w, "SELECT count(*) FROM audit.etl_run_log")).isEqualTo(4);
        }
    }

    @Test
    void shouldLogTheConsolesRerunAsAManualRunOfThatTask() throws Exception {
        try (Warehouse w = TestServers.newDatabase()) {
            Pipeline p = setUp(w, true);
            try (Scheduler scheduler = new Scheduler(p, w, "runner", Clock.systemUTC(), Scheduler.Options.defaults())) {
                scheduler.start();
                await().atMost(Duration.ofSeconds(60)).until(() -> TestProject.count(w,
                        "SELECT count(*) FROM strata.pipeline_runs WHERE status <> 'running'") == 3);
                assertThat(scheduler.rerun("report", D2)).isTrue();
                await().atMost(Duration.ofSeconds(30)).until(() -> TestProject.count(w,
                        "SELECT count(*) FROM strata.pipeline_runs WHERE trigger_type = 'manual' AND status = 'success'") == 1);
            }
            assertThat(TestProject.rows(w, "SELECT r.logical_date = timestamptz '2022-10-02 00:00:00+00', r.task_count, t.node, "
                    + "t.attempt FROM strata.pipeline_runs r JOIN strata.pipeline_run_tasks m ON m.run_id = r.run_id "
                    + "JOIN strata.task_runs t ON t.id = m.task_run_id WHERE r.trigger_type = 'manual'"))
                    .containsExactly(List.of("t", "1", "report", "2"));
            assertThat(TestProject.count(w, "SELECT count(*) FROM strata.pipeline_runs")).isEqualTo(4);
        }
    }
}
