package dev.strata.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.strata.app.SchedulerRerunner;
import dev.strata.config.EnvResolver;
import dev.strata.config.ProjectConfig;
import dev.strata.config.ProjectLoader;
import dev.strata.runtime.Environment;
import dev.strata.schedule.Pipeline;
import dev.strata.schedule.Scheduler;
import dev.strata.testing.TestServers;
import dev.strata.warehouse.Warehouse;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The console's view of the run log against a real scheduler: {@code /api/pipeline-runs} lists
 * each pipeline run with its trigger, status, failed task and error, and the Re-run button
 * ({@code POST /api/runs/rerun}, wired as {@code strata run --console} wires it) is logged as a
 * manual run — a failing one too.
 */
class ConsolePipelineRunsIT {
    private static final String INTERVAL = "2022-10-01T00:00:00Z/2022-10-02T00:00:00Z";

    @TempDir
    Path dir;

    @Test
    void shouldListPipelineRunsAndLogTheConsolesRerunAsManualWhetherItFailsOrSucceeds() throws Exception {
        Files.writeString(dir.resolve("strata.yaml"), """
                name: console_runs
                marts:
                  daily: { materialized: incremental, time_column: day }
                  report: { materialized: table }
                schedule:
                  marts: { every: 1d, start: 2022-10-01, end: 2022-10-01 }
                """);
        Files.createDirectories(dir.resolve("marts"));
        // daily divides by the rows of ctl.ok: it fails with "division by zero" while that table is empty
        Files.writeString(dir.resolve("marts/daily.sql"), "select date '{{ ds }}' as day, 1 / (select count(*) from ctl.ok) as n\n");
        Files.writeString(dir.resolve("marts/report.sql"), "select count(*) as days from {{ ref('daily') }}\n");
        ProjectConfig project = new ProjectLoader(EnvResolver.of(Map.of())).load(dir);
        try (Warehouse w = TestServers.newDatabase()) {
            w.migrate();
            sql(w, "CREATE SCHEMA ctl", "CREATE TABLE ctl.ok (x int)");
            Pipeline pipeline = Pipeline.load(project, w.adapter());
            Environment env = new Environment(project, w, TestServers.kafka().bootstrap(),
                    new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), Clock.systemUTC(), "console-worker");
            try (Scheduler scheduler = new Scheduler(pipeline, w, "console-worker", Clock.systemUTC(), Scheduler.Options.defaults());
                 ConsoleServer console = ConsoleServer.start(env, ConsoleHooks.forPipeline(pipeline)
                         .withRerunner(new SchedulerRerunner(scheduler)))) {
                Http http = new Http(console.url());
                scheduler.start();
                await().atMost(Duration.ofSeconds(60)).until(() -> finished(http) == 1);
                JsonNode scheduled = runs(http).get(0);
                assertThat(scheduled.get("trigger_type").asText()).isEqualTo("scheduled");
                assertThat(scheduled.get("status").asText()).isEqualTo("failed");
                assertThat(scheduled.get("logical_date").asText()).isEqualTo("2022-10-01T00:00:00Z");
                assertThat(scheduled.get("failed_task").asText()).isEqualTo("daily");
                assertThat(scheduled.get("error_message").asText()).contains("division by zero");
                assertThat(scheduled.get("task_count").asInt()).isEqualTo(2);
                assertThat(scheduled.get("finished_at").isNull()).isFalse();

                // the Re-run button while the cause is still there: a failing manual run, logged
                assertThat(http.post("/api/runs/rerun", "{\"node\": \"daily\", \"interval\": \"" + INTERVAL + "\"}").status())
                        .isEqualTo(202);
                await().atMost(Duration.ofSeconds(60)).until(() -> finished(http) == 2);
                JsonNode failedRerun = runs(http).get(0);
                assertThat(failedRerun.get("trigger_type").asText()).isEqualTo("manual");
                assertThat(failedRerun.get("status").asText()).isEqualTo("failed");
                assertThat(failedRerun.get("failed_task").asText()).isEqualTo("daily");
                assertThat(failedRerun.get("error_message").asText()).contains("division by zero");
                assertThat(failedRerun.get("task_count").asInt()).as("the re-run is that one task run").isEqualTo(1);

                // fixed, re-run again: a successful manual run; the earlier rows stay as they were
                sql(w, "INSERT INTO ctl.ok VALUES (1)");
                assertThat(http.post("/api/runs/rerun", "{\"node\": \"daily\", \"interval\": \"" + INTERVAL + "\"}").status())
                        .isEqualTo(202);
                await().atMost(Duration.ofSeconds(60)).until(() -> finished(http) == 3);
                List<String> log = new ArrayList<>();
                runs(http).forEach(r -> log.add(r.get("trigger_type").asText() + " " + r.get("status").asText() + " "
                        + (r.get("failed_task").isNull() ? "-" : r.get("failed_task").asText())));
                assertThat(log).containsExactly("manual success -", "manual failed daily", "scheduled failed daily");
                assertThat(runs(http).get(0).get("rows_loaded").get("daily").asInt()).isEqualTo(1);
                assertThat(runs(http).get(0).get("error_message").isNull()).isTrue();
                assertThat(http.get("/api/pipeline-runs?limit=1").json().get("pipeline_runs")).hasSize(1);
                assertThat(http.get("/api/pipeline-runs?limit=0").status()).isEqualTo(400);
            }
        }
    }

    private static JsonNode runs(Http http) {
        return http.get("/api/pipeline-runs").json().get("pipeline_runs");
    }

    private static long finished(Http http) {
        long n = 0;
        for (JsonNode r : runs(http)) {
            n += r.get("status").asText().equals("running") ? 0 : 1;
        }
        return n;
    }

    private static void sql(Warehouse w, String... statements) throws Exception {
        try (Connection c = w.connection(); Statement s = c.createStatement()) {
            for (String st : statements) {
                s.execute(st);
            }
        }
    }
}
