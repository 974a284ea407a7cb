package dev.strata.vault;

import static org.assertj.core.api.Assertions.assertThat;

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
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * A value its declared type rejects does not stop the target: its STG row is set aside in
 * {@code strata.vault_rejects} naming the row and the value, the other rows load, and nothing is
 * lost: the row loads once it is fixed.
 */
class VaultBadInputIT {
    @Test
    @org.junit.jupiter.api.Tag("reliability")
    void shouldSetTheRowWhoseValueTheTypeRejectsAsideAndLoadItOnceFixed() throws Exception {
        String yaml = """
                name: shop
                sources:
                  orders: { kafka: { topic: orders } }
                vault:
                  hubs:
                    h_order: { key: { order_id: "varchar(3)" }, from: { orders: $.id } }
                  satellites:
                    s_cost:
                      parent: h_order
                      attributes: { cost: "numeric(10,2)" }
                      from:
                        orders: { each: $.lines, order_id: $.id, cost: $item.cost }
                """;
        ProjectConfig project = new ProjectLoader(EnvResolver.of(Map.of())).parse(Path.of("."), yaml, "strata.yaml");
        try (Warehouse w = TestServers.newDatabase()) {
            StgFixture.create(w, "orders");
            StgFixture.land(w, "orders", List.of(
                    new StgFixture.Row(null, "{\"id\": \"a\", \"lines\": [{\"cost\": 12.5}]}", null),
                    new StgFixture.Row(null, "{\"id\": \"b\", \"lines\": [{\"cost\": 3}, {\"cost\": \"twelve\"}]}", null),
                    new StgFixture.Row(null, "{\"id\": \"long\", \"lines\": []}", null)));
            VaultLoader loader = new VaultLoader(w, "shop", project.vault());
            assertThat(loader.load("s_cost")).as("row a; row b is rejected whole, both its items").isEqualTo(1);
            assertThat(loader.load("h_order")).as("a and b; 'long' is too long for varchar(3)").isEqualTo(2);
            VaultRejects rejects = new VaultRejects(w, "shop");
            assertThat(rejects.list(Optional.empty(), false, 10)).extracting(VaultRejects.Reject::describe).containsExactly(
                    "stg.orders row _seq 2: cost = $item.cost is 'twelve', which is not a numeric(10,2)",
                    "stg.orders row _seq 3: order_id = $.id is 'long', which is not a varchar(3)");

            try (Connection c = w.connection(); Statement s = c.createStatement()) {
                s.execute("UPDATE stg.orders SET _payload = jsonb_set(_payload, '{lines,1,cost}', '12') WHERE _seq = 2");
            }
            assertThat(loader.reloadRejected("s_cost", Optional.empty())).isEqualTo(new VaultLoader.Reload("s_cost", 1, 1, 0));
            assertThat(count(w)).as("b's two items at the same load_dt: the last counts").isEqualTo(2);
            assertThat(rejects.list(Optional.empty(), false, 10)).singleElement()
                    .extracting(VaultRejects.Reject::target).isEqualTo("h_order");
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
