package dev.strata.console;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.strata.config.EnvResolver;
import dev.strata.config.ProjectConfig;
import dev.strata.config.ProjectLoader;
import dev.strata.ingest.StgTable;
import dev.strata.runtime.Environment;
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
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The console draws the scheduler's graph of a real project: sources, marts, their tables and rendered SQL. */
class ConsoleSchedulerGraphIT {
    @TempDir
    Path dir;

    @Test
    void shouldShowTheSchedulersGraphWithTablesRowCountsAndRenderedMartSql() throws Exception {
        String topic = TestServers.uniqueName("orders");
        TestServers.kafka().createTopic(topic, 1);
        Files.writeString(dir.resolve("strata.yaml"), """
                name: shop
                sources:
                  orders:
                    kafka: { bootstrap: embedded, topic: %s }
                marts:
                  orders_per_partition: { materialized: table }
                """.formatted(topic));
        Files.createDirectories(dir.resolve("marts"));
        Files.writeString(dir.resolve("marts/orders_per_partition.sql"),
                "select _partition, count(*) as n from {{ ref('orders') }} group by 1\n");
        ProjectConfig project = new ProjectLoader(EnvResolver.of(Map.of())).load(dir);
        try (Warehouse w = TestServers.newDatabase()) {
            w.migrate();
            try (Connection c = w.connection(); Statement s = c.createStatement()) {
                for (String ddl : StgTable.createStatements(w.adapter(), "orders", false)) {
                    s.execute(ddl);
                }
                s.execute("INSERT INTO stg.orders (_seq, _payload, _partition, _offset, _batch_id) "
                        + "SELECT g, '{}'::jsonb, '0', g, 1 FROM generate_series(1, 7) g");
            }
            Pipeline pipeline = Pipeline.load(project, w.adapter());
            Environment env = new Environment(project, w, TestServers.kafka().bootstrap(),
                    new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), Clock.systemUTC(), "test");
            try (ConsoleServer console = ConsoleServer.start(env, ConsoleHooks.forPipeline(pipeline))) {
                Http http = new Http(console.url());
                Map<String, JsonNode> nodes = new HashMap<>();
                http.get("/api/graph").json().get("nodes").forEach(n -> nodes.put(n.get("name").asText(), n));
                assertThat(nodes).containsOnlyKeys("orders", "orders_per_partition");
                assertThat(nodes.get("orders").get("kind").asText()).isEqualTo("source");
                assertThat(nodes.get("orders").get("table").asText()).isEqualTo("stg.orders");
                assertThat(nodes.get("orders").get("rows").asLong()).isEqualTo(7);
                JsonNode mart = nodes.get("orders_per_partition");
                assertThat(mart.get("kind").asText()).isEqualTo("mart");
                assertThat(mart.get("table").asText()).isEqualTo("cdm.orders_per_partition");
                assertThat(mart.get("inputs")).extracting(JsonNode::asText).containsExactly("orders");
                assertThat(mart.get("rows").isNull()).as("not built yet").isTrue();
                String sql = http.get("/api/graph/nodes/orders_per_partition").json().get("sql").asText();
                assertThat(sql).contains("\"stg\".\"orders\"").doesNotContain("ref(");
                assertThat(http.get("/api/runs").json().get("nodes")).extracting(JsonNode::asText)
                        .containsExactly("orders", "orders_per_partition");
            }
        }
    }
}
