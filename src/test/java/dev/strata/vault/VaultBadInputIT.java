package dev.strata.vault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.strata.config.EnvResolver;
import dev.strata.config.ProjectConfig;
import dev.strata.config.ProjectLoader;
import dev.strata.testing.TestServers;
import dev.strata.warehouse.Warehouse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A value its declared type rejects stops the target with a message naming the STG row, and loses nothing. */
class VaultBadInputIT {
    @Test
    void shouldNameTheRowWhoseValueTheTypeRejectsAndLoadItOnceTheDeclarationAllowsIt() throws Exception {
        String yaml = """
                name: shop
                sources:
                  orders: { kafka: { topic: orders } }
                vault:
                  hubs:
                    h_order: { key: order_id, from: { orders: $.id } }
                  satellites:
                    s_cost:
                      parent: h_order
                      attributes: { cost: %s }
                      from:
                        orders: { each: $.lines, order_id: $.id, cost: $item.cost }
                """;
        ProjectLoader reader = new ProjectLoader(EnvResolver.of(Map.of()));
        ProjectConfig strict = reader.parse(Path.of("."), yaml.formatted("\"numeric(10,2)\""), "strata.yaml");
        try (Warehouse w = TestServers.newDatabase()) {
            StgFixture.create(w, "orders");
            StgFixture.land(w, "orders", List.of(
                    new StgFixture.Row(null, "{\"id\": \"a\", \"lines\": [{\"cost\": 12.5}]}", null),
                    new StgFixture.Row(null, "{\"id\": \"b\", \"lines\": [{\"cost\": 3}, {\"cost\": \"twelve\"}]}", null)));
            VaultLoader loader = new VaultLoader(w, "shop", strict.vault());
            assertThatThrownBy(() -> loader.load("s_cost"))
                    .hasMessageContaining("loading vault target 's_cost' failed: stg.orders row _seq 2: cost = $item.cost is "
                            + "'twelve', which is not a numeric(10,2). Nothing was loaded and the watermark did not move");
            assertThat(count(w)).isZero();

            // declared as text, the same rows load: nothing was lost
            ProjectConfig lenient = reader.parse(Path.of("."), yaml.formatted("text"), "strata.yaml");
            try (Connection c = w.connection(); Statement s = c.createStatement()) {
                s.execute("DROP TABLE dds.s_cost");
            }
            assertThat(new VaultLoader(w, "shop", lenient.vault()).load("s_cost")).isEqualTo(2);
        }
    }

    private static long count(Warehouse w) throws Exception {
        try (Connection c = w.connection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM dds.s_cost")) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
