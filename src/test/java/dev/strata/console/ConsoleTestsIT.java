package dev.strata.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.strata.config.EnvResolver;
import dev.strata.config.ProjectConfig;
import dev.strata.config.ProjectLoader;
import dev.strata.runtime.Environment;
import dev.strata.schedule.Backfill;
import dev.strata.schedule.Pipeline;
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
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The console shows data tests: the runs grid marks the cell whose run had failing tests and names
 * them, a run's detail lists every test with its offending rows, and {@code /metrics} counts tests
 * by the status of their latest run. Against a real backfill on the embedded PostgreSQL.
 */
class ConsoleTestsIT {
    @TempDir
    Path dir;

    @Test
    void shouldShowFailingTestsPerIntervalInTheRunsGridAndCountThemInMetrics() throws Exception {
        Files.createDirectories(dir.resolve("marts"));
        Files.writeString(dir.resolve("strata.yaml"), """
                name: console_tests
                marts:
                  daily:
                    materialized: incremental
                    time_column: day
                    tests:
                      - expression: "total >= 0"
                        name: no_negative_totals
                      - row_count: { max: 1 }
                        severity: warn
                schedule:
                  marts: { every: 1d, start: 2022-10-01 }
                """);
        Files.writeString(dir.resolve("marts/daily.sql"), """
                select cast(e.ts as date) as day, e.kind, sum(e.amount) as total from raw.events e
                where e.ts >= {{ interval_start }} and e.ts < {{ interval_end }} group by 1, 2
                """);
        try (Warehouse w = TestServers.newDatabase()) {
            w.migrate();
            try (Connection c = w.connection(); Statement s = c.createStatement()) {
                s.execute("CREATE SCHEMA raw");
                s.execute("CREATE TABLE raw.events (ts timestamp, kind text, amount int)");
                s.execute("INSERT INTO raw.events VALUES ('2022-10-01 10:00', 'a', 5), ('2022-10-02 10:00', 'a', -7), "
                        + "('2022-10-03 10:00', 'a', 1), ('2022-10-03 11:00', 'b', 2)");
            }
            ProjectConfig project = new ProjectLoader(EnvResolver.of(Map.of())).load(dir);
            Pipeline pipeline = Pipeline.load(project, w.adapter());
            Backfill.Result r = new Backfill(pipeline, w, "w1", Clock.systemUTC()).run(Backfill.Options.of(
                    Instant.parse("2022-10-01T00:00:00Z"), Instant.parse("2022-10-03T00:00:00Z")), Backfill.Progress.NONE);
            assertThat(r.failed()).hasSize(1);

            PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            Environment env = new Environment(project, w, "localhost:9", metrics, Clock.systemUTC(), "test-worker");
            try (ConsoleServer console = ConsoleServer.start(env, ConsoleHooks.forPipeline(pipeline))) {
                Http http = new Http(console.url());
                JsonNode grid = http.get("/api/runs").json();
                JsonNode day2 = cell(grid, "2022-10-02T00:00:00Z");
                assertThat(day2.get("state").asText()).isEqualTo("failed");
                assertThat(day2.get("tests")).singleElement().satisfies(t -> {
                    assertThat(t.get("test").asText()).isEqualTo("no_negative_totals");
                    assertThat(t.get("severity").asText()).isEqualTo("error");
                    assertThat(t.get("failures").asLong()).isEqualTo(1);
                });
                // day 3 succeeded with a failing warn test: marked too
                JsonNode day3 = cell(grid, "2022-10-03T00:00:00Z");
                assertThat(day3.get("state").asText()).isEqualTo("success");
                assertThat(day3.get("tests")).extracting(t -> t.get("test").asText() + "/" + t.get("severity").asText())
                        .containsExactly("row_count/warn");
                assertThat(cell(grid, "2022-10-01T00:00:00Z").get("tests")).isEmpty();

                JsonNode detail = http.get("/api/runs/" + day2.get("id").asLong()).json();
                assertThat(detail.get("tests")).extracting(t -> t.get("test").asText() + "=" + t.get("status").asText())
                        .containsExactly("no_negative_totals=fail", "row_count=pass");
                assertThat(detail.get("tests").get(0).get("samples").get(0).get("total").asText()).isEqualTo("-7");

                if (Files.isExecutable(Chromium.BROWSER) && Files.isExecutable(Chromium.DRIVER)) {
                    browse(console.url(), day2.get("id").asLong());
                }
                await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(http.get("/metrics").body())
                        .contains("strata_data_tests{severity=\"error\",status=\"fail\"} 1.0")
                        .contains("strata_data_tests{severity=\"error\",status=\"pass\"} 2.0")
                        .contains("strata_data_tests{severity=\"warn\",status=\"fail\"} 1.0"));
            }
        }
    }

    /** The runs page in a real browser: the failing cells are marked and the detail lists the tests with samples. */
    private void browse(String url, long failedRun) throws Exception {
        org.openqa.selenium.chrome.ChromeDriver browser = Chromium.start(dir.resolve("profile"));
        try {
            browser.get(url + "runs.html");
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(browser.findElements(
                    org.openqa.selenium.By.cssSelector("#grid .sq.tests-failed"))).hasSize(2));
            org.openqa.selenium.WebElement cell = browser.findElement(org.openqa.selenium.By.cssSelector(
                    "#grid .sq[data-run-id='" + failedRun + "']"));
            assertThat(cell.getAttribute("data-failed-tests")).isEqualTo("no_negative_totals");
            assertThat(cell.getAttribute("title")).contains("test no_negative_totals (error): 1 offending rows");
            cell.click();
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(browser.findElements(
                    org.openqa.selenium.By.cssSelector("#run-tests tbody tr[data-test]"))).hasSize(2));
            assertThat(browser.findElement(org.openqa.selenium.By.cssSelector("#run-tests pre[data-samples-of=no_negative_totals]"))
                    .getText()).contains("\"total\":\"-7\"");
            Path shots = Path.of("target", "screenshots");
            Files.createDirectories(shots);
            Files.write(shots.resolve("runs-failing-tests.png"),
                    browser.getScreenshotAs(org.openqa.selenium.OutputType.BYTES));
        } finally {
            browser.quit();
        }
    }

    private static JsonNode cell(JsonNode grid, String start) {
        for (JsonNode c : grid.get("cells")) {
            if (c.get("interval_start").asText().equals(start)) {
                return c;
            }
        }
        throw new AssertionError("no cell for " + start + " in " + grid);
    }
}
