package dev.strata.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.strata.config.EnvResolver;
import dev.strata.config.ProjectConfig;
import dev.strata.config.ProjectLoader;
import dev.strata.runtime.Environment;
import dev.strata.testing.TestServers;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * One topic carrying two object types lands into two STG tables, each source keeping its own type
 * by its {@code filter:}; records of neither type are skipped (no dead letter) and positions still
 * reach the end of the topic; a key of several paths, one of them the whole payload, drops exact
 * re-deliveries however late they come and keeps a re-send whose payload differs.
 */
class SourceFilterIT {

    private static String message(String type, String id, String sent, String payload) {
        return "{\"object_id\":\"" + id + "\",\"object_type\":\"" + type + "\",\"sent_dttm\":\"" + sent
                + "\",\"payload\":" + payload + "}";
    }

    @Test
    void shouldRouteOneTopicIntoTwoTablesByObjectTypeAndDropExactRedeliveriesWhateverTheirDelay() throws Exception {
        try (LandingFixture f = new LandingFixture(3)) {
            String yaml = "name: " + f.pipeline + "\nsources:\n"
                    + source("transactions", f.topic, "TRANSACTION") + source("currencies", f.topic, "CURRENCY");
            ProjectConfig project = new ProjectLoader(EnvResolver.of(Map.of())).parse(Path.of("."), yaml, "strata.yaml");
            Set<String> transactions = new LinkedHashSet<>();
            Set<String> currencies = new LinkedHashSet<>();
            List<String> sent = new java.util.ArrayList<>();
            for (int i = 0; i < 3000; i++) {
                String sentAt = String.format("2022-10-01T%02d:%02d:%02d", i / 3600, (i / 60) % 60, i % 60);
                String m = switch (i % 7) {
                    case 0 -> message("CURRENCY", "c-" + i, sentAt, "{\"currency_code\":410,\"currency_with_div\":0.5" + i % 10 + "}");
                    case 1 -> message("SOMETHING_ELSE", "x-" + i, sentAt, "{}");
                    default -> message("TRANSACTION", "op-" + i / 3, sentAt, "{\"status\":\"done\",\"amount\":" + i + "}");
                };
                sent.add(m);
                if (m.contains("\"CURRENCY\"")) {
                    currencies.add(m);
                } else if (m.contains("\"TRANSACTION\"")) {
                    transactions.add(m);
                }
            }
            // the same operation at the same send time with another payload is a distinct message
            String changed = message("TRANSACTION", "op-3", "2022-10-01T00:00:09", "{\"status\":\"done\",\"amount\":-1}");
            sent.add(changed);
            transactions.add(changed);
            int p = 0;
            for (String m : sent) {
                f.send(p++ % 3, null, m);
            }
            f.send(0, null, "{\"object_type\":\"TRANSACTION\"");   // unreadable: each source reports it
            f.flush();
            Environment env = new Environment(project, f.warehouse, TestServers.kafka().bootstrap(), new SimpleMeterRegistry(),
                    Clock.systemUTC(), "test");
            try (Landing landing = Landing.start(env)) {
                await().atMost(Duration.ofSeconds(60)).until(() -> caughtUp(f, "transactions") && caughtUp(f, "currencies"));
                // every 10th message again, exactly, long after the first copy was landed
                for (int i = 0; i < sent.size(); i += 10) {
                    f.send(i % 3, null, sent.get(i));
                }
                f.flush();
                await().atMost(Duration.ofSeconds(60)).until(() -> caughtUp(f, "transactions") && caughtUp(f, "currencies"));
            }
            assertThat(f.strings("SELECT _payload::text FROM stg.transactions")).hasSize(transactions.size())
                    .allSatisfy(v -> assertThat(v).contains("\"object_type\": \"TRANSACTION\""));
            assertThat(f.strings("SELECT _payload::text FROM stg.currencies")).hasSize(currencies.size())
                    .allSatisfy(v -> assertThat(v).contains("\"object_type\": \"CURRENCY\""));
            assertThat(f.strings("SELECT _key FROM stg.transactions WHERE _payload ->> 'object_id' = 'op-3'"))
                    .hasSize(4).allSatisfy(k -> assertThat(k).startsWith("op-3|2022-10-01T00:00:").matches(".*\\|[0-9a-f]{32}"));
            assertThat(f.strings("SELECT source || ':' || reason FROM strata.dead_letters ORDER BY source"))
                    .hasSize(2).allSatisfy(r -> assertThat(r).contains("not valid JSON"))
                    .anySatisfy(r -> assertThat(r).startsWith("currencies:"))
                    .anySatisfy(r -> assertThat(r).startsWith("transactions:"));
            assertThat(f.scalar("SELECT count(*) FROM stg.transactions WHERE _payload ->> 'object_type' = 'SOMETHING_ELSE'"))
                    .isZero();
        }
    }

    private static String source(String name, String topic, String type) {
        return "  " + name + ":\n"
                + "    kafka: { bootstrap: " + TestServers.kafka().bootstrap() + ", topic: " + topic + " }\n"
                + "    filter: { path: $.object_type, equals: " + type + " }\n"
                + "    key: [$.object_id, $.sent_dttm, $.payload]\n"
                + "    batch: { max_records: 500 }\n";
    }

    private static boolean caughtUp(LandingFixture f, String source) throws Exception {
        Map<Integer, Long> positions = new HashMap<>();
        for (String row : f.strings("SELECT partition_id || ':' || position FROM strata.source_positions WHERE pipeline = '"
                + f.pipeline + "' AND source = '" + source + "'")) {
            String[] parts = row.split(":");
            positions.put(Integer.parseInt(parts[0]), Long.parseLong(parts[1]));
        }
        return positions.equals(f.endOffsets());
    }
}
