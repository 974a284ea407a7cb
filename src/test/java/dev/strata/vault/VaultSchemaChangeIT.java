package dev.strata.vault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.strata.ErrorCode;
import dev.strata.StrataException;
import dev.strata.config.EnvResolver;
import dev.strata.config.ProjectConfig;
import dev.strata.config.ProjectLoader;
import dev.strata.testing.TestServers;
import dev.strata.warehouse.Warehouse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Declarations change: new satellite attributes are added in place, destructive changes are refused. */
class VaultSchemaChangeIT {
    private static final String BASE = """
            name: shop
            sources:
              orders: { kafka: { topic: orders } }
            vault:
              hubs:
                h_order: { key: { order_id: bigint }, from: { orders: $.id } }
                h_user: { key: user_id, from: { orders: $.user } }
              links:
                l_order_user: { hubs: [h_order, h_user], from: { orders: { h_order: $.id, h_user: $.user } } }
              satellites:
                s_order:
                  parent: h_order
                  attributes: %s
                  from: { orders: { order_id: $.id, %s } }
            """;

    private static ProjectConfig project(String attributes, String mapping) {
        return new ProjectLoader(EnvResolver.of(Map.of())).parse(Path.of("."), BASE.formatted(attributes, mapping), "strata.yaml");
    }

    @Test
    void shouldAddANewAttributeInPlaceAndKeepTheHistory() throws Exception {
        try (Warehouse w = TestServers.newDatabase()) {
            StgFixture.create(w, "orders");
            ProjectConfig v1 = project("{ status: text }", "status: $.status");
            StgFixture.land(w, "orders", List.of(row("{\"id\": 1, \"user\": \"u\", \"status\": \"OPEN\", \"cost\": 5}", 1)));
            assertThat(new VaultLoader(w, "shop", v1.vault()).load("s_order")).isEqualTo(1);

            ProjectConfig v2 = project("{ status: text, cost: \"numeric(10,2)\" }", "status: $.status, cost: $.cost");
            VaultLoader loader = new VaultLoader(w, "shop", v2.vault());
            loader.prepare();
            assertThat(columns(w, "s_order")).containsExactly("h_order_hk", "load_dt", "hashdiff", "record_source", "status", "cost");
            StgFixture.land(w, "orders", List.of(
                    row("{\"id\": 1, \"user\": \"u\", \"status\": \"OPEN\", \"cost\": 5}", 2),
                    row("{\"id\": 1, \"user\": \"u\", \"status\": \"OPEN\", \"cost\": 5}", 3)));
            // the hashdiff now covers cost: one new version, then the repeat collapses
            assertThat(loader.load("s_order")).isEqualTo(1);
            assertThat(query(w, "SELECT status || ' ' || coalesce(cost::text, 'null') FROM dds.s_order ORDER BY load_dt"))
                    .containsExactly("OPEN null", "OPEN 5.00");
        }
    }

    @Test
    void shouldRefuseDroppedRetypedAndRekeyedColumnsListingThemAllAndChangeNothing() throws Exception {
        try (Warehouse w = TestServers.newDatabase()) {
            new VaultLoader(w, "shop", project("{ status: text, cost: integer }", "status: $.status, cost: $.c").vault()).prepare();
            String changed = BASE.formatted("{ status: varchar(10), note: text }", "status: $.status, note: $.n")
                    .replace("h_user: { key: user_id,", "h_user: { key: [user_id, tenant], ")
                    .replace("from: { orders: $.user } }", "from: { orders: [$.user, $.t] } }")
                    .replace("h_user: $.user } }", "h_user: [$.user, $.t] } }");
            ProjectConfig v2 = new ProjectLoader(EnvResolver.of(Map.of())).parse(Path.of("."), changed, "strata.yaml");
            assertThatThrownBy(() -> new VaultLoader(w, "shop", v2.vault()).load("s_order"))
                    .isInstanceOf(StrataException.class)
                    .satisfies(e -> assertThat(((StrataException) e).code()).isEqualTo(ErrorCode.CONFIG))
                    .hasMessageContaining("the vault declaration no longer matches the warehouse; nothing was changed")
                    .hasMessageContaining("dds.h_user: column 'tenant' is declared but missing from the table")
                    .hasMessageContaining("dds.s_order: column 'cost' exists but is no longer declared")
                    .hasMessageContaining("dds.s_order: column 'status' is text in the warehouse but declared varchar(10)");
            // the new attribute 'note' was not added: the whole change was rolled back
            assertThat(columns(w, "s_order")).containsExactly("h_order_hk", "load_dt", "hashdiff", "record_source", "status", "cost");
        }
    }

    private static StgFixture.Row row(String json, int minute) {
        return new StgFixture.Row(null, json, OffsetDateTime.of(2024, 1, 1, 0, minute, 0, 0, ZoneOffset.UTC));
    }

    private static List<String> columns(Warehouse w, String table) throws Exception {
        try (Connection c = w.connection()) {
            return List.copyOf(w.catalog().columnTypes(c, "dds", table).keySet());
        }
    }

    private static List<String> query(Warehouse w, String sql) throws Exception {
        try (Connection c = w.connection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            List<String> out = new java.util.ArrayList<>();
            while (rs.next()) {
                out.add(rs.getString(1));
            }
            return out;
        }
    }
}
