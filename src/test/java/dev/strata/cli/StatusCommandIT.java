package dev.strata.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.strata.config.Secret;
import dev.strata.testing.TestServers;
import dev.strata.warehouse.Warehouse;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code strata status}: the terminal table of nodes, against a real warehouse. */
class StatusCommandIT {
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @Test
    void shouldShowEachNodeWithItsStateAndHowFarContinuousVaultTargetsAreComplete(@TempDir Path dir) throws Exception {
        String url = TestServers.newDatabaseUrl();
        Files.writeString(dir.resolve("strata.yaml"), """
                name: cli_status
                warehouse: { url: "%s", user: postgres }
                sources:
                  orders: { kafka: { topic: orders } }
                vault:
                  hubs:
                    h_order: { key: order_id, from: { orders: $.id } }
                    h_user: { key: user_id, from: { orders: $.user } }
                marts:
                  order_count: { materialized: table }
                schedule:
                  marts: { every: 1d, start: 2022-10-01 }
                """.formatted(url));
        Files.createDirectories(dir.resolve("marts"));
        Files.writeString(dir.resolve("marts/order_count.sql"), "select count(*) as n from {{ ref('h_order') }}");
        try (Warehouse w = Warehouse.connect(url, "postgres", Secret.empty(), 3)) {
            w.migrate();
            try (Connection c = w.connection(); Statement s = c.createStatement()) {
                // h_order has loaded up to 2022-10-03; h_user is registered but has loaded nothing yet
                s.execute("INSERT INTO strata.node_coverage (pipeline, node, covered_until) VALUES "
                        + "('cli_status', 'h_order', '2022-10-03 00:00:00+00'), ('cli_status', 'h_user', 'epoch')");
            }
        }

        int code = Main.execute(new PrintWriter(out, true), new PrintWriter(err, true), "status", dir.toString());

        assertThat(code).as(err.toString()).isZero();
        assertThat(out.toString())
                .containsPattern("orders\\s+source\\s+continuous\\s+-")
                .containsPattern("h_order\\s+vault\\s+continuous\\s+covered to\\s+2022-10-03 00:00")
                .containsPattern("h_user\\s+vault\\s+continuous\\s+-\\s+-")
                .containsPattern("order_count\\s+mart\\s+never\\s+-");
    }
}
