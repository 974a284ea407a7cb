package dev.strata.examples.fooddelivery;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The expected content of the two counters marts, computed in plain Java from the generator's log
 * and dictionaries (scenario 002 §5.3 and §9): for each order its latest message by
 * ({@code sent_dttm}, log position) decides the status; only CLOSED orders count; each order counts
 * once per distinct dish and once per distinct category, whatever the quantities and however many
 * times its messages arrived. Malformed messages count for nothing.
 */
public final class GroundTruth {
    /** One expected row of {@code user_product_counters}, by business keys. */
    public record ProductCount(String userId, String productId, String productName, int orderCount) {
    }

    /** One expected row of {@code user_category_counters}, by business keys. */
    public record CategoryCount(String userId, String categoryName, int orderCount) {
    }

    private final Map<String, ProductCount> products;   // key: user|product
    private final Map<String, CategoryCount> categories; // key: user|category
    private final int orders;
    private final int closedOrders;

    private GroundTruth(Map<String, ProductCount> products, Map<String, CategoryCount> categories, int orders,
                        int closedOrders) {
        this.products = products;
        this.categories = categories;
        this.orders = orders;
        this.closedOrders = closedOrders;
    }

    public static GroundTruth compute(List<OrderMessage> log, Dictionaries dict) {
        Map<Long, JsonNode> latest = new HashMap<>();
        Map<Long, String> latestSent = new HashMap<>();
        for (OrderMessage m : log) {
            if (m.kind() == OrderMessage.Kind.MALFORMED) {
                continue;
            }
            JsonNode root;
            try {
                root = Dictionaries.JSON.readTree(m.value());
            } catch (IOException e) {
                throw new IllegalStateException("the log holds an order message that is not JSON: " + m.index(), e);
            }
            long id = root.get("object_id").asLong();
            String sent = root.get("sent_dttm").asText();
            String previous = latestSent.get(id);
            // later in the log wins ties: that is the later offset
            if (previous == null || sent.compareTo(previous) >= 0) {
                latest.put(id, root);
                latestSent.put(id, sent);
            }
        }
        Map<String, String> categoryOfDish = new HashMap<>();
        Map<String, String> nameOfDish = new HashMap<>();
        for (Dictionaries.Restaurant r : dict.restaurants()) {
            for (Dictionaries.Dish d : r.menu()) {
                categoryOfDish.put(d.id(), d.category());
                nameOfDish.put(d.id(), d.name());
            }
        }
        Map<String, int[]> productCounts = new TreeMap<>();
        Map<String, int[]> categoryCounts = new TreeMap<>();
        int closed = 0;
        for (JsonNode order : latest.values()) {
            JsonNode payload = order.get("payload");
            if (!"CLOSED".equals(payload.get("final_status").asText())) {
                continue;
            }
            closed++;
            String user = payload.get("user").get("id").asText();
            Set<String> dishes = new LinkedHashSet<>();
            Set<String> cats = new LinkedHashSet<>();
            for (JsonNode item : payload.get("order_items")) {
                String dish = item.get("id").asText();
                dishes.add(dish);
                String category = categoryOfDish.get(dish);
                if (category != null) {
                    cats.add(category);
                }
            }
            dishes.forEach(d -> productCounts.computeIfAbsent(user + "|" + d, k -> new int[1])[0]++);
            cats.forEach(c -> categoryCounts.computeIfAbsent(user + "|" + c, k -> new int[1])[0]++);
        }
        Map<String, ProductCount> products = new TreeMap<>();
        productCounts.forEach((k, v) -> {
            String[] p = k.split("\\|", 2);
            products.put(k, new ProductCount(p[0], p[1], nameOfDish.get(p[1]), v[0]));
        });
        Map<String, CategoryCount> categories = new TreeMap<>();
        categoryCounts.forEach((k, v) -> {
            String[] p = k.split("\\|", 2);
            categories.put(k, new CategoryCount(p[0], p[1], v[0]));
        });
        return new GroundTruth(products, categories, latest.size(), closed);
    }

    public Map<String, ProductCount> productCounters() {
        return products;
    }

    public Map<String, CategoryCount> categoryCounters() {
        return categories;
    }

    /** Distinct orders seen in the log. */
    public int orders() {
        return orders;
    }

    public int closedOrders() {
        return closedOrders;
    }

    /** The count the pizza lover's Pizza row must show. */
    public int categoryCount(String userId, String category) {
        CategoryCount c = categories.get(userId + "|" + category);
        return c == null ? 0 : c.orderCount();
    }
}
