package dev.strata.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.strata.app.PipelineRuntime;
import dev.strata.config.EnvResolver;
import dev.strata.config.ProjectConfig;
import dev.strata.config.ProjectLoader;
import dev.strata.warehouse.Warehouse;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code strata run} on embedded defaults can be fed: it creates the sources' topics, prints every
 * embedded server's address and test commands, and {@code strata produce} sends JSON lines to the
 * running broker and Redis, from which they land. Real embedded PostgreSQL, Kafka and Redis.
 */
class ProduceCommandIT {
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int strata(InputStream stdin, String... args) {
        out.getBuffer().setLength(0);
        err.getBuffer().setLength(0);
        InputStream before = System.in;
        System.setIn(stdin);
        try {
            return Main.execute(new PrintWriter(out, true), new PrintWriter(err, true), args);
        } finally {
            System.setIn(before);
        }
    }

    private int strata(String... args) {
        return strata(new ByteArrayInputStream(new byte[0]), args);
    }

    @Test
    void shouldFeedAKafkaAndARedisSourceOfARunningProjectFromAFileAndStdin(@TempDir Path dir) throws Exception {
        Path project = dir.resolve("shop");
        Files.createDirectories(project);
        Files.writeString(project.resolve("strata.yaml"), """
                name: shop
                sources:
                  orders:
                    kafka: { topic: shop_orders, bootstrap: embedded }
                    key: $.id
                    event_time: $.at
                  customers:
                    redis: { url: embedded, keys: "customer:*", refresh: 1s }
                vault:
                  hubs:
                    h_customer: { key: customer_id, from: { orders: $.customer, customers: $.cid } }
                    h_order: { key: { order_id: bigint }, from: { orders: $.id } }
                """);
        ProjectConfig config = new ProjectLoader(EnvResolver.of(Map.of())).load(project);
        Path data = project.resolve(".strata");
        try (PipelineRuntime runtime = PipelineRuntime.start(config,
                PipelineRuntime.Options.defaults().withDataDir(data).withConsole(false))) {
            Warehouse w = runtime.env().warehouse();
            try (Admin admin = runtime.services().kafka().orElseThrow().admin()) {
                assertThat(admin.listTopics().names().get()).contains("shop_orders");
            }

            StringWriter banner = new StringWriter();
            RunBanner.print(new PrintWriter(banner, true), config, project, runtime);
            String printed = banner.toString();
            assertThat(printed)
                    .contains("kafka    : " + runtime.services().kafka().orElseThrow().bootstrap() + " (embedded), topic(s) shop_orders")
                    .contains("redis    : " + runtime.services().redis().orElseThrow().url() + " (embedded), keys customer:*")
                    .contains("warehouse: embedded PostgreSQL, data in " + data.resolve("postgres"));

            // the printed commands, as a user pastes them: echo '<json>' | strata produce <source> - <dir> [--key ...]
            List<String[]> commands = new ArrayList<>();
            Matcher m = Pattern.compile("echo '([^']*)' \\| \\S+ produce (\\S+) - '?([^' ]+)'?(?: --key '([^']*)')?").matcher(printed);
            while (m.find()) {
                commands.add(new String[] {m.group(1), m.group(2), m.group(3), m.group(4)});
            }
            assertThat(commands).extracting(c -> c[1]).containsExactly("orders", "customers");
            for (String[] c : commands) {
                List<String> args = new ArrayList<>(List.of("produce", c[1], "-", c[2]));
                if (c[3] != null) {
                    args.addAll(List.of("--key", c[3]));
                }
                assertThat(strata(new ByteArrayInputStream((c[0] + "\n").getBytes(StandardCharsets.UTF_8)),
                        args.toArray(String[]::new))).as(err.toString()).isZero();
                assertThat(out.toString()).startsWith("sent 1 record(s) to ");
            }

            Path records = dir.resolve("orders.jsonl");
            Files.writeString(records, """
                    {"id": 10, "customer": "c1", "at": "2022-10-01T08:00:00Z"}

                    {"id": 11, "customer": "c2", "at": "2022-10-01T09:00:00Z"}
                    """);
            assertThat(strata("produce", "orders", records.toString(), project.toString())).as(err.toString()).isZero();
            assertThat(out.toString()).contains("sent 2 record(s) to topic shop_orders on localhost:");
            Path customers = dir.resolve("customers.jsonl");
            Files.writeString(customers, "{\"cid\": \"c1\", \"name\": \"Ann\"}\n{\"cid\": \"c2\", \"name\": \"Bob\"}\n");
            assertThat(strata("produce", "customers", customers.toString(), project.toString(), "--key", "$.cid"))
                    .as(err.toString()).isZero();
            assertThat(out.toString()).contains("sent 2 record(s) to Redis redis://127.0.0.1:", "(first key customer:c1)");

            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                assertThat(rows(w, "SELECT _payload->>'id' FROM stg.orders ORDER BY 1")).contains("10", "11", "1");
                // a Redis row's _key is the entry's key and a hash of its value
                assertThat(rows(w, "SELECT split_part(_key, '#', 1) FROM stg.customers ORDER BY 1"))
                        .contains("customer:c1", "customer:c2", "customer:test");
            });

            // a bad file sends nothing and says where; a Redis record needs its key
            Path bad = dir.resolve("bad.jsonl");
            Files.writeString(bad, "{\"id\": 12}\n{\"id\": 13,\n");
            assertThat(strata("produce", "orders", bad.toString(), project.toString())).isEqualTo(2);
            assertThat(err.toString()).contains(bad + ":2:", "not a JSON value", "nothing was sent");
            assertThat(strata("produce", "customers", customers.toString(), project.toString())).isEqualTo(2);
            assertThat(err.toString()).contains("give --key");
            // standard input is sent as read and stops at the first bad line, saying what was sent
            assertThat(strata(new ByteArrayInputStream("{\"id\": 20}\nnot json\n{\"id\": 21}\n"
                    .getBytes(StandardCharsets.UTF_8)), "produce", "orders", "-", project.toString())).isEqualTo(2);
            assertThat(err.toString()).contains("<stdin>:2:", "not a JSON value", "1 earlier record(s) were sent");
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                    assertThat(rows(w, "SELECT _payload->>'id' FROM stg.orders ORDER BY 1")).contains("20"));
            assertThat(rows(w, "SELECT _payload->>'id' FROM stg.orders ORDER BY 1")).doesNotContain("12", "13", "21");
            assertThat(strata("produce", "nope", customers.toString(), project.toString())).isEqualTo(2);
            assertThat(err.toString()).contains("has no source 'nope' (its sources: orders, customers)");
        }

        // nothing runs the embedded servers any more: say so, and how to start them
        assertThat(strata(new ByteArrayInputStream("{\"id\": 1}\n".getBytes(StandardCharsets.UTF_8)),
                "produce", "orders", "-", project.toString())).isEqualTo(1);
        assertThat(err.toString()).contains("runs inside `strata run`", "start `strata run ");
    }

    private static List<String> rows(Warehouse w, String sql) throws Exception {
        List<String> out = new ArrayList<>();
        try (Connection c = w.connection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }
}
