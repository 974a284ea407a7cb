package dev.strata.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.strata.cli.Main;
import dev.strata.config.EnvResolver;
import dev.strata.config.ProjectConfig;
import dev.strata.config.ProjectLoader;
import dev.strata.console.ConsoleHooks;
import dev.strata.console.ConsoleServer;
import dev.strata.embedded.EmbeddedMariaDb;
import dev.strata.examples.DemoOptions;
import dev.strata.examples.Examples;
import dev.strata.examples.fooddelivery.Dictionaries;
import dev.strata.examples.fooddelivery.FoodDeliveryScenario;
import dev.strata.examples.fooddelivery.GroundTruth;
import dev.strata.examples.fooddelivery.MartVerifier;
import dev.strata.examples.fooddelivery.OrderLog;
import dev.strata.examples.fooddelivery.OrderMessage;
import dev.strata.runtime.Environment;
import dev.strata.schedule.Pipeline;
import dev.strata.testing.TestServers;
import dev.strata.vault.HashStandard;
import dev.strata.warehouse.Warehouse;
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
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code strata demo --warehouse mariadb}: the food-delivery example end to end on the embedded
 * MariaDB (the same marts as on PostgreSQL), verified against the same ground truth; then, on the
 * warehouse it left, {@code strata status}, {@code plan} and {@code dead-letters list} and the
 * console's API work, and the verification fails once a mart row is corrupted.
 */
class FoodDeliveryDemoMariaDbIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void shouldVerifyTheExampleOnMariaDbAndServeItThroughTheCliAndConsole(@TempDir Path dir) throws Exception {
        StringWriter text = new StringWriter();
        Duration duration = FoodDeliveryScenario.CHECKPOINT_AFTER.multipliedBy(2).plusSeconds(3);
        DemoRunner demo = new DemoRunner(Examples.named("food-delivery"), DemoOptions.defaults().withDuration(duration)
                .withDataDir(dir).withRate(60).withConsole(false).withWarehouse("embedded:mariadb"), new PrintWriter(text, true));
        assertThat(demo.run(new CountDownLatch(1))).as(text.toString()).isTrue();
        assertThat(text.toString()).contains("starting embedded MariaDB, Kafka and Redis").doesNotContain("psql");
        Matcher checks = Pattern.compile("(verified|verified \\(checkpoint\\)): \\d+ rows in user_product_counters")
                .matcher(text.toString());
        List<String> labels = new java.util.ArrayList<>();
        while (checks.find()) {
            labels.add(checks.group(1));
        }
        assertThat(labels).as(text.toString()).containsExactly("verified (checkpoint)", "verified");

        List<OrderMessage> log = OrderLog.read(dir.resolve("generator/orders.log"));
        GroundTruth truth = GroundTruth.compute(log, Dictionaries.generate(FoodDeliveryScenario.SEED, FoodDeliveryScenario.USERS, 4, 25));
        long malformed = log.stream().filter(m -> m.kind() == OrderMessage.Kind.MALFORMED).count();
        try (EmbeddedMariaDb db = EmbeddedMariaDb.start(Optional.of(dir.resolve("mariadb")), EmbeddedMariaDb.Options.fast());
             Warehouse w = Warehouse.connect(db.jdbcUrl(), db.user(), db.password(), 3)) {
            try (Connection c = w.connection(); Statement s = c.createStatement()) {
                assertThat(MartVerifier.verify(c, w.sql(), "cdm", truth).matches()).isTrue();
                assertThat(scalar(s, "SELECT count(*) FROM strata.dead_letters WHERE source = 'orders'")).isEqualTo(malformed);
                long rows = scalar(s, "SELECT count(*) FROM stg.orders");
                assertThat(rows).isEqualTo(log.size() - malformed)
                        .isEqualTo(scalar(s, "SELECT count(*) FROM (SELECT DISTINCT _partition, _offset FROM stg.orders) d"));
                // a hub row's key is the standard's 16 bytes, as PostgreSQL's uuid holds them
                try (ResultSet rs = s.executeQuery("SELECT h_user_hk, user_id FROM dds.h_user LIMIT 1")) {
                    rs.next();
                    assertThat(w.sql().readHashKey(rs, 1)).isEqualTo(HashStandard.hashKey(List.of(rs.getString(2))));
                }
            }

            // the CLI against the warehouse the demo left: status, plan, dead letters
            Path project = dir.resolve("cli");
            Files.createDirectories(project);
            Files.writeString(project.resolve("strata.yaml"), Files.readString(dir.resolve("project/strata.yaml"))
                    .replace("${STRATA_WAREHOUSE_URL:-embedded:postgres}", db.jdbcUrl())
                    .replace("${STRATA_WAREHOUSE_USER:-strata}", db.user())
                    .replace("${STRATA_WAREHOUSE_PASSWORD:-}", db.password().reveal()));
            copyDir(dir.resolve("project/marts"), project.resolve("marts"));
            String status = cli(0, "status", project.toString());
            // a last success and a success count (the run the demo stopped before may still be queued)
            assertThat(status).containsPattern("user_category_counters\\s+mart\\s+[-0-9]{10} [:0-9]{5}\\s+\\w+\\s+[-0-9]{10} [:0-9]{5}\\s+[1-9]")
                    .containsPattern("h_order\\s+vault\\s+continuous");
            String plan = cli(0, "plan", project.toString());
            assertThat(plan).contains("`dds`.`h_order`").contains("UNHEX(MD5(")
                    .as("no PostgreSQL cast (a regex's (?: group is not one)").doesNotContainPattern("[\\w)]::[a-z]");
            String letters = cli(0, "dead-letters", "list", project.toString());
            assertThat(letters.lines().filter(l -> l.contains("orders")).count()).as(letters).isEqualTo(malformed);

            // the console's API on MariaDB
            ProjectConfig config = new ProjectLoader(EnvResolver.of(java.util.Map.of())).load(project);
            Pipeline pipeline = Pipeline.load(config, w.adapter());
            Environment env = new Environment(config, w, TestServers.kafka().bootstrap(),
                    new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), Clock.systemUTC(), "test");
            try (ConsoleServer console = ConsoleServer.start(env, ConsoleHooks.forPipeline(pipeline))) {
                JsonNode graph = get(console.url() + "api/graph");
                assertThat(graph.get("nodes").findValuesAsText("name")).contains("orders", "h_order", "user_category_counters");
                JsonNode preview = get(console.url() + "api/marts/user_category_counters/preview");
                assertThat(preview.toString()).containsPattern("\"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\"");
                JsonNode chart = get(console.url() + "api/dashboards/orders_per_category/data");
                assertThat(chart.toString()).contains("Pizza");
                assertThat(get(console.url() + "api/dead-letters").get("dead_letters")).hasSize((int) malformed);
                assertThat(get(console.url() + "api/runs").get("nodes").toString()).contains("user_product_counters");
            }

            try (Connection c = w.connection(); Statement s = c.createStatement()) {
                s.executeUpdate("UPDATE cdm.user_product_counters SET order_cnt = order_cnt + 1 ORDER BY user_id, product_id LIMIT 1");
                MartVerifier.Result corrupted = MartVerifier.verify(c, w.sql(), "cdm", truth);
                assertThat(corrupted.differences()).singleElement().asString().contains("user_product_counters", "expected");
            }
        }
    }

    private static String cli(int expectedCode, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.execute(new PrintWriter(out, true), new PrintWriter(err, true), args);
        assertThat(code).as(String.join(" ", args) + ": " + err + out).isEqualTo(expectedCode);
        return out.toString();
    }

    private static JsonNode get(String url) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(url + ": " + r.body()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    private static long scalar(Statement s, String sql) throws Exception {
        try (ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static void copyDir(Path from, Path to) throws Exception {
        Files.createDirectories(to);
        try (var files = Files.list(from)) {
            for (Path f : files.toList()) {
                Files.copy(f, to.resolve(f.getFileName()));
            }
        }
    }
}
