package dev.strata.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.strata.config.EnvResolver;
import dev.strata.config.ProjectConfig;
import dev.strata.config.ProjectLoader;
import dev.strata.warehouse.Warehouse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code strata run}'s runtime on embedded servers, before any message has arrived: a scheduled
 * mart that reads a source's STG table must find the table (created up front), not fail its first
 * attempt and wait out its retry delay.
 */
class PipelineRuntimeIT {

    @Test
    void shouldRunAMartOverAnEmptySourceOnItsFirstAttempt(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("strata.yaml"), """
                name: quiet
                sources:
                  events: { kafka: { topic: quiet-events }, key: $.id }
                marts:
                  event_count: { materialized: table }
                schedule:
                  marts: { every: 1d, start: 2022-10-01, end: 2022-10-01, retries: 1, retry_delay: 10m }
                """);
        Files.createDirectories(dir.resolve("marts"));
        Files.writeString(dir.resolve("marts/event_count.sql"), "select count(*) as n from {{ ref('events') }}");
        ProjectConfig project = new ProjectLoader(EnvResolver.of(Map.of())).load(dir);

        try (PipelineRuntime runtime = PipelineRuntime.start(project, PipelineRuntime.Options.defaults()
                .withDataDir(dir.resolve("data")).withConsole(false))) {
            Warehouse w = runtime.env().warehouse();
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                    .until(() -> scalar(w, "SELECT count(*) FROM strata.task_runs WHERE node = 'event_count' "
                            + "AND state IN ('success', 'failed', 'up_for_retry')") > 0);
            assertThat(scalar(w, "SELECT count(*) FROM strata.task_attempts a JOIN strata.task_runs r ON r.id = a.run_id "
                    + "WHERE r.node = 'event_count' AND a.state <> 'success'")).as("failed attempts").isZero();
            assertThat(scalar(w, "SELECT n FROM cdm.event_count")).isZero();
        }
    }

    /**
     * Issue 20 item 2: {@code strata run} on the embedded default is durable — an acknowledged
     * commit survives a killed server (it started with fsync and synchronous_commit off, and a
     * server kill undid ~0.6 s of acknowledged commits).
     */
    @Test
    @Tag("reliability")
    void shouldRunTheEmbeddedWarehouseWithDurableSettings(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("strata.yaml"), """
                name: durable
                sources:
                  events: { kafka: { topic: durable-events }, key: $.id }
                """);
        ProjectConfig project = new ProjectLoader(EnvResolver.of(Map.of())).load(dir);
        try (PipelineRuntime runtime = PipelineRuntime.start(project, PipelineRuntime.Options.defaults()
                .withDataDir(dir.resolve("data")).withConsole(false))) {
            Warehouse w = runtime.env().warehouse();
            assertThat(setting(w, "fsync") + "/" + setting(w, "synchronous_commit") + "/" + setting(w, "full_page_writes"))
                    .as("fsync/synchronous_commit/full_page_writes").isEqualTo("on/on/on");
        }
    }

    private static String setting(Warehouse w, String name) throws Exception {
        try (Connection c = w.connection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SHOW " + name)) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static long scalar(Warehouse w, String sql) throws Exception {
        try (Connection c = w.connection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
