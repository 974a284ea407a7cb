package dev.strata.app;

import dev.strata.examples.fooddelivery.FoodDeliveryExample;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.strata.cli.Main;
import dev.strata.config.EnvResolver;
import dev.strata.config.KafkaSourceSpec;
import dev.strata.config.ProjectConfig;
import dev.strata.config.ProjectLoader;
import dev.strata.embedded.EmbeddedKafka;
import dev.strata.examples.ExampleProjects;
import dev.strata.examples.fooddelivery.Dictionaries;
import dev.strata.examples.fooddelivery.DictionarySeeder;
import dev.strata.examples.fooddelivery.GroundTruth;
import dev.strata.examples.fooddelivery.MartVerifier;
import dev.strata.examples.fooddelivery.OrderMessage;
import dev.strata.examples.fooddelivery.OrderStream;
import dev.strata.warehouse.Warehouse;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 20 item 1, end to end: the bundled food-delivery pipeline ({@code strata run}'s runtime on
 * embedded PostgreSQL, Kafka and Redis) receives one order whose {@code object_id} is
 * {@code "not-a-number"}. Every other order reaches the vault and the marts (checked against
 * ground truth computed in Java); {@code strata vault rejects list}, {@code strata status},
 * {@code /api/graph} and {@code /metrics} show the rejected row; once the STG row is fixed,
 * {@code strata vault rejects reload} loads it and the marts include the order.
 */
@Tag("reliability")
class FoodDeliveryPoisonRowIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofMinutes(3);

    @Test
    void shouldLoadEveryOtherOrderShowThePoisonRowAndLoadItOnceFixed(@TempDir Path dir) throws Exception {
        Path projectDir = dir.resolve("project");
        ExampleProjects.copy(FoodDeliveryExample.NAME, projectDir);
        ProjectConfig project = new ProjectLoader(EnvResolver.of(Map.of())).load(projectDir);
        String topic = ((KafkaSourceSpec) project.sources().get("orders").spec()).topic();
        Dictionaries dict = Dictionaries.generate(11, 200, 4, 25);
        OrderStream stream = new OrderStream(dict, 13, new OrderStream.Profile(0.2, 0.03, 0, 0, 0.8));
        List<OrderMessage> log = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            log.add(stream.next());
        }
        // the poison: an order sent once (no status update or copy of it follows), its id not a number
        Map<Long, Long> perOrder = log.stream().collect(Collectors.groupingBy(OrderMessage::objectId, Collectors.counting()));
        OrderMessage original = log.stream().skip(150).filter(m -> m.kind() == OrderMessage.Kind.ORDER
                && perOrder.get(m.objectId()) == 1).findFirst().orElseThrow();
        ObjectNode poison = ((ObjectNode) JSON.readTree(original.value())).put("object_id", "not-a-number");
        List<OrderMessage> withoutIt = log.stream().filter(m -> m != original).toList();

        Path data = projectDir.resolve(".strata");   // where `strata run` keeps it, so CLI commands attach
        EmbeddedServices services = EmbeddedServices.forProject(project, Optional.of(data));
        EmbeddedKafka kafka = services.kafka().orElseThrow();
        kafka.createTopic(topic, 4);
        DictionarySeeder.seed(services.redis().orElseThrow().url(), services.redis().orElseThrow().password(), dict);
        try (PipelineRuntime runtime = PipelineRuntime.start(project, PipelineRuntime.Options.defaults().withDataDir(data),
                services)) {
            produce(kafka.bootstrap(), topic, log, m -> m == original ? poison.toString().getBytes(StandardCharsets.UTF_8) : m.value());
            Warehouse w = runtime.env().warehouse();

            awaitMartsEqual(w, GroundTruth.compute(withoutIt, dict));

            String list = cli(0, "vault", "rejects", "list", projectDir.toString());
            for (String target : List.of("h_order", "l_order_user", "l_order_product", "s_order_cost", "s_order_status")) {
                assertThat(list).containsPattern("\\d+\\s+" + target + "\\s+stg\\.orders #\\d+\\s+(order_id|h_order)\\s+.*'not-a-number' is not a bigint");
            }
            assertThat(list).doesNotContain("h_user");
            // one reject in full, with the STG row as landed; an unknown id is a usage error
            java.util.regex.Matcher hOrderReject = java.util.regex.Pattern.compile("(?m)^(\\d+)\\s+h_order\\s").matcher(list);
            assertThat(hOrderReject.find()).as(list).isTrue();
            assertThat(cli(0, "vault", "rejects", "show", hOrderReject.group(1), projectDir.toString()))
                    .contains("target:     h_order", "value:      'not-a-number'", "state:      pending")
                    .containsPattern("stg row:    key \\S+, partition \\d+, offset \\d+")
                    .contains("\"object_id\": \"not-a-number\"");
            cli(2, "vault", "rejects", "show", "999999999", projectDir.toString());
            assertThat(cli(0, "status", projectDir.toString()))
                    .containsPattern("h_order\\s+vault\\s+continuous\\s+rejects")
                    .contains("h_order: 1 row(s) pending; latest: stg.orders row _seq")
                    .contains("order_id = $.object_id is 'not-a-number', which is not a bigint");
            String console = runtime.consoleUrl().orElseThrow().replaceAll("/+$", "");
            await().atMost(Duration.ofSeconds(30)).until(() -> get(console + "/metrics"),
                    m -> m.contains("strata_vault_rejects_pending{target=\"h_order\"} 1.0"));
            JsonNode hOrder = node(get(console + "/api/graph"), "h_order");
            assertThat(hOrder.get("rejects").asLong()).isEqualTo(1);
            assertThat(hOrder.get("reject_reason").asText()).contains("'not-a-number', which is not a bigint");
            assertThat(node(get(console + "/api/graph"), "h_user").get("rejects").asLong()).isZero();

            try (Connection c = w.connection();
                 PreparedStatement ps = c.prepareStatement("UPDATE stg.orders SET _payload = CAST(? AS jsonb) "
                         + "WHERE _payload ->> 'object_id' = 'not-a-number'")) {
                ps.setString(1, original.text());
                assertThat(ps.executeUpdate()).isEqualTo(1);
            }
            assertThat(cli(0, "vault", "rejects", "reload", "--all", projectDir.toString()))
                    .containsPattern("h_order\\s+1 row\\(s\\) loaded again, 0 still rejected, 1 row\\(s\\) inserted");
            assertThat(cli(0, "vault", "rejects", "list", projectDir.toString())).contains("no pending vault rejects");

            awaitMartsEqual(w, GroundTruth.compute(log, dict));
            await().atMost(Duration.ofSeconds(30)).until(() -> get(console + "/metrics"),
                    m -> !m.contains("strata_vault_rejects_pending{target=\"h_order\"}"));
        }
    }

    private static void produce(String bootstrap, String topic, List<OrderMessage> log, Function<OrderMessage, byte[]> value) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (OrderMessage m : log) {
                producer.send(new ProducerRecord<>(topic, Long.toString(m.objectId()).getBytes(StandardCharsets.UTF_8), value.apply(m)));
            }
            producer.flush();
        }
    }

    private static void awaitMartsEqual(Warehouse w, GroundTruth truth) {
        await().atMost(WAIT).pollInterval(Duration.ofMillis(500)).until(() -> {
            try (Connection c = w.connection()) {
                return MartVerifier.verify(c, w.sql(), "cdm", truth).matches();
            } catch (java.sql.SQLException notBuiltYet) {
                return false;
            }
        });
    }

    private static String cli(int expectedCode, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.execute(new PrintWriter(out, true), new PrintWriter(err, true), args);
        assertThat(code).as("strata %s: %s%s", String.join(" ", args), out, err).isEqualTo(expectedCode);
        return out.toString();
    }

    private static String get(String url) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(url + ": " + r.body()).isEqualTo(200);
        return r.body();
    }

    private static JsonNode node(String graph, String name) throws Exception {
        for (JsonNode n : JSON.readTree(graph).get("nodes")) {
            if (n.get("name").asText().equals(name)) {
                return n;
            }
        }
        throw new AssertionError("no node " + name + " in " + graph);
    }
}
