package dev.strata.vault;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.strata.config.EnvResolver;
import dev.strata.config.ProjectConfig;
import dev.strata.config.ProjectLoader;
import dev.strata.examples.fooddelivery.Dictionaries;
import dev.strata.examples.fooddelivery.OrderMessage;
import dev.strata.examples.fooddelivery.OrderStream;
import dev.strata.testing.TestServers;
import dev.strata.warehouse.Warehouse;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Test 4 of the vault issue: the food-delivery Data Vault of scenario 002 §3.4 is declared in
 * {@code strata.yaml} and loads correctly, batch by batch, from sample STG rows made by the
 * scenario's generator. Expected contents are computed here in plain Java from the messages.
 */
class FoodDeliveryVaultIT {
    static final String YAML = """
            name: food_delivery
            sources:
              orders: { kafka: { topic: order-service_orders } }
              users: { redis: { keys: "user:*" } }
              restaurants: { redis: { keys: "restaurant:*" } }
            vault:
              hubs:
                h_user:
                  key: user_id
                  from: { orders: $.payload.user.id, users: $._id }
                h_restaurant:
                  key: restaurant_id
                  from: { orders: $.payload.restaurant.id, restaurants: $._id }
                h_order:
                  key: { order_id: bigint }
                  from: { orders: $.object_id }
                h_product:
                  key: product_id
                  from:
                    orders: { each: $.payload.order_items, product_id: $item.id }
                    restaurants: { each: $.menu, product_id: $item._id }
                h_category:
                  key: category_name
                  from:
                    restaurants: { each: $.menu, category_name: $item.category }
              links:
                l_order_product:
                  hubs: [h_order, h_product]
                  from:
                    orders: { each: $.payload.order_items, h_order: $.object_id, h_product: $item.id }
                l_order_user:
                  hubs: [h_order, h_user]
                  from:
                    orders: { h_order: $.object_id, h_user: $.payload.user.id }
                l_product_restaurant:
                  hubs: [h_product, h_restaurant]
                  from:
                    restaurants: { each: $.menu, h_product: $item._id, h_restaurant: $._id }
                l_product_category:
                  hubs: [h_product, h_category]
                  from:
                    restaurants: { each: $.menu, h_product: $item._id, h_category: $item.category }
              satellites:
                s_user_names:
                  parent: h_user
                  attributes: { username: text, userlogin: text }
                  from:
                    users: { user_id: $._id, username: $.name, userlogin: $.login }
                s_product_names:
                  parent: h_product
                  attributes: { name: text }
                  from:
                    restaurants: { each: $.menu, product_id: $item._id, name: $item.name }
                s_restaurant_names:
                  parent: h_restaurant
                  attributes: { name: text }
                  from:
                    restaurants: { restaurant_id: $._id, name: $.name }
                s_order_cost:
                  parent: h_order
                  attributes: { cost: "numeric(19,5)", payment: "numeric(19,5)" }
                  from:
                    orders: { order_id: $.object_id, cost: $.payload.cost, payment: $.payload.payment, load_dt: $.sent_dttm }
                s_order_status:
                  parent: h_order
                  attributes: { status: text }
                  from:
                    orders: { order_id: $.object_id, status: $.payload.final_status, load_dt: $.sent_dttm }
            """;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final DateTimeFormatter TS = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");
    private static Warehouse warehouse;

    @BeforeAll
    static void start() {
        warehouse = TestServers.newDatabase();
    }

    @AfterAll
    static void stop() {
        warehouse.close();
    }

    @Test
    void shouldLoadTheFoodDeliveryVaultFromItsDeclarationBatchByBatch() throws Exception {
        ProjectConfig project = new ProjectLoader(EnvResolver.of(Map.of())).parse(Path.of("."), YAML, "strata.yaml");
        VaultLoader loader = new VaultLoader(warehouse, project.name(), project.vault());
        Dictionaries dict = Dictionaries.generate(7, 40, 4, 25);
        OrderStream stream = new OrderStream(dict, 11, new OrderStream.Profile(0.25, 0.05, 0.08, 0.01, 0.8));
        List<JsonNode> orders = new ArrayList<>();
        Set<OrderMessage.Kind> kinds = new HashSet<>();
        for (int i = 0; i < 500; i++) {
            OrderMessage m = stream.next();
            kinds.add(m.kind());
            if (m.kind() != OrderMessage.Kind.MALFORMED) {
                orders.add(JSON.readTree(m.value()));
            }
        }
        assertThat(kinds).as("the sample has every kind of message").containsAll(List.of(OrderMessage.Kind.values()));
        for (String s : List.of("orders", "users", "restaurants")) {
            StgFixture.create(warehouse, s);
        }
        landDictionaries(dict);
        long inserted = 0;
        for (int from = 0; from < orders.size(); from += 90) {
            List<StgFixture.Row> batch = new ArrayList<>();
            for (JsonNode o : orders.subList(from, Math.min(orders.size(), from + 90))) {
                batch.add(new StgFixture.Row(o.get("object_id").asText(), o.toString(), utc(o.at("/payload/date").asText())));
            }
            StgFixture.land(warehouse, "orders", batch);
            inserted += loader.loadAll().values().stream().mapToLong(Long::longValue).sum();
            if (from == 180) {
                landDictionaries(dict); // the next Redis snapshot, unchanged: no new versions
            }
        }
        assertThat(inserted).isEqualTo(totalRows());
        checkHubs(dict, orders);
        checkLinks(dict, orders);
        checkSatellites(dict, orders);

        assertThat(loader.loadAll().values()).as("a re-run with nothing new").containsOnly(0L);
        execute("DELETE FROM strata.layer_watermarks");
        assertThat(loader.loadAll().values()).as("re-processing every STG row").containsOnly(0L);
        assertThat(totalRows()).isEqualTo(inserted);
    }

    private void landDictionaries(Dictionaries dict) throws Exception {
        List<StgFixture.Row> users = new ArrayList<>();
        // as the Redis lander lands them: _key = <redis key>#<md5 of the value>, _payload = the value
        dict.users().forEach(u -> users.add(new StgFixture.Row("user:" + u.id() + "#" + HashStandard.md5(dict.userJson(u)),
                dict.userJson(u), null)));
        StgFixture.land(warehouse, "users", users);
        List<StgFixture.Row> restaurants = new ArrayList<>();
        dict.restaurants().forEach(r -> restaurants.add(new StgFixture.Row("restaurant:" + r.id() + "#"
                + HashStandard.md5(dict.restaurantJson(r)), dict.restaurantJson(r), null)));
        StgFixture.land(warehouse, "restaurants", restaurants);
    }

    private void checkHubs(Dictionaries dict, List<JsonNode> orders) throws Exception {
        Map<UUID, String> users = new HashMap<>();
        Map<UUID, String> restaurants = new HashMap<>();
        Map<UUID, String> orderIds = new HashMap<>();
        Map<UUID, String> products = new HashMap<>();
        Map<UUID, String> categories = new HashMap<>();
        for (JsonNode o : orders) {
            put(users, o.at("/payload/user/id").asText());
            put(restaurants, o.at("/payload/restaurant/id").asText());
            put(orderIds, o.get("object_id").asText());
            o.at("/payload/order_items").forEach(i -> put(products, i.get("id").asText()));
        }
        dict.users().forEach(u -> put(users, u.id()));
        for (Dictionaries.Restaurant r : dict.restaurants()) {
            put(restaurants, r.id());
            r.menu().forEach(d -> {
                put(products, d.id());
                put(categories, d.category());
            });
        }
        assertThat(keyed("SELECT h_user_hk, user_id FROM dds.h_user")).isEqualTo(users);
        assertThat(keyed("SELECT h_restaurant_hk, restaurant_id FROM dds.h_restaurant")).isEqualTo(restaurants);
        assertThat(keyed("SELECT h_order_hk, order_id::text FROM dds.h_order")).isEqualTo(orderIds);
        assertThat(keyed("SELECT h_product_hk, product_id FROM dds.h_product")).isEqualTo(products);
        assertThat(keyed("SELECT h_category_hk, category_name FROM dds.h_category")).isEqualTo(categories)
                .hasSize(Dictionaries.CATEGORIES.size());
    }

    private void checkLinks(Dictionaries dict, List<JsonNode> orders) throws Exception {
        Set<List<UUID>> orderProduct = new HashSet<>();
        Set<List<UUID>> orderUser = new HashSet<>();
        for (JsonNode o : orders) {
            String id = o.get("object_id").asText();
            o.at("/payload/order_items").forEach(i -> orderProduct.add(link(id, i.get("id").asText())));
            orderUser.add(link(id, o.at("/payload/user/id").asText()));
        }
        Set<List<UUID>> productRestaurant = new HashSet<>();
        Set<List<UUID>> productCategory = new HashSet<>();
        for (Dictionaries.Restaurant r : dict.restaurants()) {
            r.menu().forEach(d -> {
                productRestaurant.add(link(d.id(), r.id()));
                productCategory.add(link(d.id(), d.category()));
            });
        }
        assertThat(rows("SELECT l_order_product_hk, h_order_hk, h_product_hk FROM dds.l_order_product"))
                .containsExactlyInAnyOrderElementsOf(orderProduct);
        assertThat(rows("SELECT l_order_user_hk, h_order_hk, h_user_hk FROM dds.l_order_user"))
                .containsExactlyInAnyOrderElementsOf(orderUser).hasSize(orders.stream()
                        .map(o -> o.get("object_id").asLong()).distinct().toList().size());
        assertThat(rows("SELECT l_product_restaurant_hk, h_product_hk, h_restaurant_hk FROM dds.l_product_restaurant"))
                .containsExactlyInAnyOrderElementsOf(productRestaurant);
        assertThat(rows("SELECT l_product_category_hk, h_product_hk, h_category_hk FROM dds.l_product_category"))
                .containsExactlyInAnyOrderElementsOf(productCategory);
    }

    private void checkSatellites(Dictionaries dict, List<JsonNode> orders) throws Exception {
        // per order: its messages by sent_dttm (the last landed of equal ones), consecutive equal states collapsed
        Map<String, TreeMap<String, JsonNode>> byOrder = new LinkedHashMap<>();
        for (JsonNode o : orders) {
            byOrder.computeIfAbsent(o.get("object_id").asText(), k -> new TreeMap<>()).put(o.get("sent_dttm").asText(), o);
        }
        Map<UUID, List<String>> statuses = new HashMap<>();
        Map<UUID, List<String>> costs = new HashMap<>();
        int cancelledAfterClosed = 0;
        for (Map.Entry<String, TreeMap<String, JsonNode>> e : byOrder.entrySet()) {
            List<String> st = new ArrayList<>();
            List<String> co = new ArrayList<>();
            for (Map.Entry<String, JsonNode> v : e.getValue().entrySet()) {
                JsonNode p = v.getValue().get("payload");
                appendIfChanged(st, v.getKey() + " " + p.get("final_status").asText());
                appendIfChanged(co, v.getKey() + " " + new BigDecimal(p.get("cost").asText()).stripTrailingZeros().toPlainString()
                        + " " + new BigDecimal(p.get("payment").asText()).stripTrailingZeros().toPlainString());
            }
            statuses.put(key(e.getKey()), st);
            costs.put(key(e.getKey()), co);
            if (st.size() >= 2 && st.get(st.size() - 1).endsWith("CANCELLED") && st.get(st.size() - 2).endsWith("CLOSED")) {
                cancelledAfterClosed++;
            }
        }
        assertThat(cancelledAfterClosed).as("orders re-sent CLOSED → CANCELLED").isPositive();
        assertThat(history("SELECT h_order_hk, load_dt, status FROM dds.s_order_status")).isEqualTo(statuses);
        assertThat(history("SELECT h_order_hk, load_dt, trim_scale(cost)::text || ' ' || trim_scale(payment)::text "
                + "FROM dds.s_order_cost")).isEqualTo(costs);

        Map<UUID, String> names = new HashMap<>();
        dict.users().forEach(u -> names.put(key(u.id()), u.name() + "/" + u.login()));
        assertThat(keyed("SELECT h_user_hk, username || '/' || userlogin FROM dds.s_user_names")).isEqualTo(names);
        Map<UUID, String> products = new HashMap<>();
        Map<UUID, String> restaurants = new HashMap<>();
        for (Dictionaries.Restaurant r : dict.restaurants()) {
            restaurants.put(key(r.id()), r.name());
            r.menu().forEach(d -> products.put(key(d.id()), d.name()));
        }
        assertThat(keyed("SELECT h_product_hk, name FROM dds.s_product_names")).isEqualTo(products);
        assertThat(keyed("SELECT h_restaurant_hk, name FROM dds.s_restaurant_names")).isEqualTo(restaurants);
    }

    private static void appendIfChanged(List<String> versions, String timeAndState) {
        String state = timeAndState.substring(timeAndState.indexOf(' ', 11) + 1);
        if (versions.isEmpty() || !versions.get(versions.size() - 1).substring(20).equals(state)) {
            versions.add(timeAndState);
        }
    }

    private static UUID key(String... parts) {
        return HashStandard.hashKey(List.of(parts));
    }

    private static void put(Map<UUID, String> m, String bk) {
        m.put(key(bk), bk);
    }

    private static List<UUID> link(String a, String b) {
        return List.of(key(a, b), key(a), key(b));
    }

    private static OffsetDateTime utc(String ts) {
        return LocalDateTime.parse(ts, TS).atOffset(ZoneOffset.UTC);
    }

    private Map<UUID, String> keyed(String sql) throws Exception {
        Map<UUID, String> out = new HashMap<>();
        try (Connection c = warehouse.connection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                assertThat(out.put(UUID.fromString(rs.getString(1)), rs.getString(2))).as("one row per key in " + sql).isNull();
            }
        }
        return out;
    }

    private Set<List<UUID>> rows(String sql) throws Exception {
        Set<List<UUID>> out = new HashSet<>();
        try (Connection c = warehouse.connection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                assertThat(out.add(List.of(UUID.fromString(rs.getString(1)), UUID.fromString(rs.getString(2)),
                        UUID.fromString(rs.getString(3))))).isTrue();
            }
        }
        return out;
    }

    /** parent → "yyyy-MM-dd HH:mm:ss state" in load_dt order. */
    private Map<UUID, List<String>> history(String sql) throws Exception {
        Map<UUID, List<String>> out = new HashMap<>();
        try (Connection c = warehouse.connection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(sql + " ORDER BY 1, 2")) {
            while (rs.next()) {
                String t = rs.getObject(2, OffsetDateTime.class).withOffsetSameInstant(ZoneOffset.UTC).format(TS);
                out.computeIfAbsent(UUID.fromString(rs.getString(1)), k -> new ArrayList<>()).add(t + " " + rs.getString(3));
            }
        }
        return out;
    }

    private long totalRows() throws Exception {
        long n = 0;
        try (Connection c = warehouse.connection(); Statement s = c.createStatement()) {
            for (String t : List.of("h_user", "h_restaurant", "h_order", "h_product", "h_category", "l_order_product",
                    "l_order_user", "l_product_restaurant", "l_product_category", "s_user_names", "s_product_names",
                    "s_restaurant_names", "s_order_cost", "s_order_status")) {
                try (ResultSet rs = s.executeQuery("SELECT count(*) FROM dds." + t)) {
                    rs.next();
                    n += rs.getLong(1);
                }
            }
        }
        return n;
    }

    private void execute(String sql) throws Exception {
        try (Connection c = warehouse.connection(); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }
}
