package dev.strata.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.strata.cli.Main;
import dev.strata.config.ProjectConfig;
import dev.strata.console.ConsoleHooks;
import dev.strata.console.ConsoleServer;
import dev.strata.runtime.Environment;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A captured table's lag (now − source time of the newest change landed) in {@code strata status},
 * the console's streams API and {@code /metrics}: small right after a change lands, and growing
 * while nothing new lands.
 */
class CdcLagIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void shouldShowEachCapturedTablesLagInStatusConsoleAndMetrics(@TempDir Path dir) throws Exception {
        try (CdcFixture f = new CdcFixture()) {
            f.source("CREATE TABLE items (id int PRIMARY KEY, v int)", "INSERT INTO items VALUES (1, 1)");
            String yaml = f.yaml(List.of("items"), "");
            ProjectConfig project = f.project(yaml);
            PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            Environment env = new Environment(project, f.warehouse, null, registry, Clock.systemUTC(), "worker-test");
            Files.writeString(dir.resolve("strata.yaml"), yaml.replaceFirst("\nsources:", "\nwarehouse: { url: \""
                    + f.warehouseUrl + "\", user: postgres }\nsources:"));
            assertThat(status(dir)).contains("shop_items  no change landed yet");
            try (Landing landing = Landing.start(env);
                 ConsoleServer console = ConsoleServer.start(env, ConsoleHooks.basic(project))) {
                await().atMost(Duration.ofSeconds(60)).until(() -> f.changes("items").size() == 1);
                f.source("UPDATE items SET v = 2 WHERE id = 1");
                await().atMost(Duration.ofSeconds(60)).until(() -> f.changes("items").size() == 2);
                String sourceTime = f.warehouseText("SELECT to_char(_source_time AT TIME ZONE 'UTC', "
                        + "'YYYY-MM-DD\"T\"HH24:MI:SS') FROM stg.shop_items ORDER BY _seq DESC LIMIT 1");

                double statusLag = statusLag(status(dir));
                assertThat(statusLag).isBetween(0.0, 30.0);
                assertThat(status(dir)).contains("(newest change " + sourceTime);

                JsonNode table = await().atMost(Duration.ofSeconds(30)).until(() -> streams(console),
                        t -> t != null && t.path("lag_seconds").isNumber());
                assertThat(table.path("kind").asText()).isEqualTo("cdc");
                assertThat(table.path("topic").asText()).isEqualTo("public.items");
                double first = table.path("lag_seconds").asDouble();
                assertThat(first).isBetween(0.0, 30.0);
                // nothing new lands: the newest change ages, and so does the lag
                await().atMost(Duration.ofSeconds(30)).until(() -> streams(console).path("lag_seconds").asDouble() >= first + 2);
                await().atMost(Duration.ofSeconds(30)).until(() -> get(console, "/metrics")
                        .contains("strata_stream_lag_seconds{partition=\"public.items\",source=\"shop_items\"}"));
                assertThat(statusLag(status(dir))).isGreaterThan(statusLag);
            }
        }
    }

    private static String status(Path dir) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.execute(new PrintWriter(out, true), new PrintWriter(err, true), "status", dir.toString());
        assertThat(code).as(err.toString()).isZero();
        return out.toString();
    }

    private static double statusLag(String status) {
        Matcher m = Pattern.compile("shop_items  lag ([0-9.]+) s").matcher(status);
        assertThat(m.find()).as(status).isTrue();
        return Double.parseDouble(m.group(1));
    }

    private static JsonNode streams(ConsoleServer console) throws Exception {
        for (JsonNode s : JSON.readTree(get(console, "/api/streams")).path("sources")) {
            if (s.path("source").asText().equals("shop_items")) {
                return s;
            }
        }
        return null;
    }

    private static String get(ConsoleServer console, String path) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create(console.url().replaceAll("/$", "") + path)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(path).isEqualTo(200);
        return r.body();
    }
}
