package dev.strata.vault;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.strata.config.EnvResolver;
import dev.strata.config.ProjectConfig;
import dev.strata.config.ProjectLoader;
import dev.strata.examples.ExampleProjects;
import dev.strata.examples.fooddelivery.Dictionaries;
import dev.strata.examples.fooddelivery.OrderMessage;
import dev.strata.examples.fooddelivery.OrderStream;
import dev.strata.testing.TestServers;
import dev.strata.warehouse.Warehouse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 20 item 1 at the loader: a mistyped STG row of the bundled food-delivery vault does not stop
 * the targets that read it. Every other row loads and the watermark moves; the row is recorded
 * per target and column in {@code strata.vault_rejects}; once the row is fixed a reload loads it.
 */
@Tag("reliability")
class VaultRejectsIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The food-delivery vault has ghost records (one row per hub and satellite that no load wrote). */
    private static final String NOT_GHOST = "%s <> '" + HashStandard.GHOST_KEY + "'";
    private static final List<String> ORDER_TARGETS = List.of("h_order", "l_order_product", "l_order_user", "s_order_cost",
            "s_order_status");

    @Test
    void shouldLoadEveryOtherRowSetThePoisonRowAsideAndLoadItOnceFixed(@TempDir Path dir) throws Exception {
        ExampleProjects.copy("food-delivery", dir);
        ProjectConfig project = new ProjectLoader(EnvResolver.of(Map.of())).load(dir);
        OrderStream stream = new OrderStream(Dictionaries.generate(3, 30, 3, 12), 5, new OrderStream.Profile(0, 0, 0, 0, 0.8));
        List<JsonNode> orders = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            OrderMessage m = stream.next();
            orders.add(JSON.readTree(m.value()));
        }
        // row 21: its order id is not a number (every order target rejects it); row 31: its cost is not one
        ObjectNode poison = ((ObjectNode) orders.get(20).deepCopy()).put("object_id", "not-a-number");
        ObjectNode badCost = orders.get(30).deepCopy();
        ((ObjectNode) badCost.get("payload")).put("cost", "twelve");
        List<JsonNode> landed = new ArrayList<>(orders);
        landed.set(20, poison);
        landed.set(30, badCost);

        try (Warehouse w = TestServers.newDatabase()) {
            for (String s : List.of("orders", "users", "restaurants")) {
                StgFixture.create(w, s);
            }
            List<StgFixture.Row> rows = new ArrayList<>();
            landed.forEach(o -> rows.add(new StgFixture.Row(null, o.toString(), null)));
            StgFixture.land(w, "orders", rows);
            VaultLoader loader = new VaultLoader(w, project.name(), project.vault());

            Map<String, Long> inserted = loader.loadAll();

            Set<String> goodIds = new TreeSet<>();
            for (int i = 0; i < orders.size(); i++) {
                if (i != 20) {
                    goodIds.add(orders.get(i).get("object_id").asText());
                }
            }
            assertThat(strings(w, "SELECT order_id::text FROM dds.h_order WHERE " + NOT_GHOST.formatted("h_order_hk"))).containsExactlyInAnyOrderElementsOf(goodIds);
            assertThat(inserted.get("h_order")).isEqualTo(39);
            assertThat(inserted.get("l_order_user")).isEqualTo(39);
            assertThat(inserted.get("s_order_status")).isEqualTo(39);
            assertThat(inserted.get("s_order_cost")).as("the bad cost row is left out of s_order_cost only").isEqualTo(38);
            Set<String> users = new HashSet<>();
            landed.forEach(o -> users.add(o.at("/payload/user/id").asText()));
            assertThat(inserted.get("h_user")).as("h_user reads the poison row's valid user id").isEqualTo(users.size());
            for (String t : ORDER_TARGETS) {
                assertThat(scalar(w, "SELECT watermark FROM strata.layer_watermarks WHERE target = '" + t + "'"))
                        .as("%s's watermark moved past every row", t).isEqualTo(40);
            }

            VaultRejects rejects = new VaultRejects(w, project.name());
            List<VaultRejects.Reject> pending = rejects.list(Optional.empty(), false, 100);
            assertThat(pending).extracting(VaultRejects.Reject::target, VaultRejects.Reject::stgSeq, VaultRejects.Reject::column,
                            VaultRejects.Reject::value)
                    .containsExactlyInAnyOrder(
                            org.assertj.core.groups.Tuple.tuple("h_order", 21L, "order_id", "not-a-number"),
                            org.assertj.core.groups.Tuple.tuple("l_order_product", 21L, "h_order", "not-a-number"),
                            org.assertj.core.groups.Tuple.tuple("l_order_user", 21L, "h_order", "not-a-number"),
                            org.assertj.core.groups.Tuple.tuple("s_order_cost", 21L, "order_id", "not-a-number"),
                            org.assertj.core.groups.Tuple.tuple("s_order_cost", 31L, "cost", "twelve"),
                            org.assertj.core.groups.Tuple.tuple("s_order_status", 21L, "order_id", "not-a-number"));
            VaultRejects.Reject first = pending.stream().filter(r -> r.target().equals("h_order")).findFirst().orElseThrow();
            assertThat(first.describe()).isEqualTo("stg.orders row _seq 21: order_id = $.object_id is 'not-a-number', which is not a bigint");
            assertThat(rejects.stgRow(first).orElseThrow().payload()).contains("not-a-number");
            assertThat(rejects.pending()).containsOnlyKeys(ORDER_TARGETS).extractingByKey("s_order_cost")
                    .extracting(VaultRejects.Pending::rows).isEqualTo(2L);

            assertThat(loader.loadAll().values()).as("the next load finds nothing new and rejects nothing again").containsOnly(0L);
            assertThat(rejects.list(Optional.empty(), true, 100)).hasSize(6);

            // reloading before the row is fixed loads nothing and keeps it pending
            VaultLoader.Reload early = loader.reloadRejected("h_order", Optional.empty());
            assertThat(early).isEqualTo(new VaultLoader.Reload("h_order", 0, 0, 1));

            // fix the row in STG; reload each target: the order is loaded everywhere except where cost still fails
            try (Connection c = w.connection();
                 PreparedStatement ps = c.prepareStatement("UPDATE stg.orders SET _payload = CAST(? AS jsonb) WHERE _seq = 21")) {
                ps.setString(1, orders.get(20).toString());
                ps.executeUpdate();
            }
            for (String t : ORDER_TARGETS) {
                VaultLoader.Reload r = loader.reloadRejected(t, Optional.empty());
                assertThat(r.reloaded()).as(t).isEqualTo(1);
                assertThat(r.stillRejected()).as(t).isEqualTo(t.equals("s_order_cost") ? 1 : 0);
                assertThat(r.rows()).as(t).isEqualTo(t.equals("l_order_product") ? products(orders.get(20)) : 1);
            }
            goodIds.add(orders.get(20).get("object_id").asText());
            assertThat(strings(w, "SELECT order_id::text FROM dds.h_order WHERE " + NOT_GHOST.formatted("h_order_hk"))).containsExactlyInAnyOrderElementsOf(goodIds);
            assertThat(rejects.list(Optional.empty(), false, 100)).singleElement()
                    .satisfies(r -> assertThat(r.describe()).isEqualTo("stg.orders row _seq 31: cost = $.payload.cost is 'twelve', which is not a numeric(19,5)"));
            assertThat(rejects.list(Optional.of("h_order"), true, 100)).singleElement()
                    .satisfies(r -> assertThat(r.reloadedAt()).isPresent());
            assertThat(loader.loadAll().values()).as("reloads left the loads idempotent").containsOnly(0L);
        }
    }

    @Test
    void shouldReloadARowWithAllItsPendingColumnsAndKeepItPendingWhileOneStillFails(@TempDir Path dir) throws Exception {
        ExampleProjects.copy("food-delivery", dir);
        ProjectConfig project = new ProjectLoader(EnvResolver.of(Map.of())).load(dir);
        OrderStream stream = new OrderStream(Dictionaries.generate(3, 30, 3, 12), 9, new OrderStream.Profile(0, 0, 0, 0, 0.8));
        ObjectNode order = (ObjectNode) JSON.readTree(stream.next().value());
        ObjectNode bad = order.deepCopy();
        ((ObjectNode) bad.get("payload")).put("cost", "x").put("payment", "y");
        try (Warehouse w = TestServers.newDatabase()) {
            StgFixture.create(w, "orders");
            StgFixture.land(w, "orders", List.of(new StgFixture.Row(null, bad.toString(), null)));
            VaultLoader loader = new VaultLoader(w, project.name(), project.vault());
            assertThat(loader.load("s_order_cost")).isZero();
            VaultRejects rejects = new VaultRejects(w, project.name());
            List<VaultRejects.Reject> two = rejects.list(Optional.of("s_order_cost"), false, 10);
            assertThat(two).extracting(VaultRejects.Reject::column).containsExactly("cost", "payment");

            // only the cost is fixed: reloading the cost entry reloads the row with both, and payment still fails
            ((ObjectNode) bad.get("payload")).put("cost", 10);
            try (Connection c = w.connection(); PreparedStatement ps = c.prepareStatement("UPDATE stg.orders SET _payload = CAST(? AS jsonb)")) {
                ps.setString(1, bad.toString());
                ps.executeUpdate();
            }
            assertThat(loader.reloadRejected("s_order_cost", Optional.of(List.of(two.get(0).id()))))
                    .isEqualTo(new VaultLoader.Reload("s_order_cost", 0, 0, 1));
            assertThat(rejects.list(Optional.of("s_order_cost"), false, 10)).extracting(VaultRejects.Reject::column)
                    .containsExactly("cost", "payment");
            assertThat(scalar(w, "SELECT count(*) FROM dds.s_order_cost WHERE " + NOT_GHOST.formatted("h_order_hk"))).isZero();
        }
    }

    private static long products(JsonNode order) {
        Set<String> ids = new HashSet<>();
        order.at("/payload/order_items").forEach(i -> ids.add(i.get("id").asText()));
        return ids.size();
    }

    private static List<String> strings(Warehouse w, String sql) throws Exception {
        List<String> out = new ArrayList<>();
        try (Connection c = w.connection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }

    private static long scalar(Warehouse w, String sql) throws Exception {
        try (Connection c = w.connection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
