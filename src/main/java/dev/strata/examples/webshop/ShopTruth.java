package dev.strata.examples.webshop;

import dev.strata.examples.webshop.ShopData.Order;
import dev.strata.examples.webshop.ShopData.OrderDetail;
import dev.strata.examples.webshop.ShopData.Product;
import dev.strata.examples.webshop.ShopData.User;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the three marts must hold, computed in plain Java from the generator's rows (scenario 003
 * §5.3, acceptance 8–14): inner joins, every order status, {@code average_check} the mean of the
 * group's orders rounded half-up to cents, sums exact. Also each source table's checksum
 * (acceptance 7). Never computed with the pipeline's SQL.
 */
public final class ShopTruth {
    /** A row of mart_user_activity. */
    public record UserActivity(int userId, String firstName, String lastName, String status, long orderCount,
                               BigDecimal totalSpent) {
    }

    /** A row of mart_product_sales. */
    public record ProductSales(int productId, String name, String status, long totalQuantitySold, BigDecimal totalSales) {
    }

    /** A row of mart_average_check. */
    public record AverageCheck(String status, String loyaltyStatus, BigDecimal averageCheck) {
    }

    private final ShopData data;
    private final Map<String, UserActivity> userActivity = new TreeMap<>();
    private final Map<String, ProductSales> productSales = new TreeMap<>();
    private final Map<String, AverageCheck> averageCheck = new TreeMap<>();

    public ShopTruth(ShopData data) {
        this.data = data;
        Map<Integer, User> users = new HashMap<>();
        data.users().forEach(u -> users.put(u.userId(), u));
        Map<Integer, Product> products = new HashMap<>();
        data.products().forEach(p -> products.put(p.productId(), p));
        Map<Integer, Order> orders = new HashMap<>();
        data.orders().forEach(o -> orders.put(o.orderId(), o));

        Map<String, long[]> checkCounts = new TreeMap<>();
        Map<String, BigDecimal> checkSums = new TreeMap<>();
        for (Order o : data.orders()) {
            User u = users.get(o.userId());
            if (u == null) {
                continue;                      // inner join
            }
            userActivity.merge(key(o.userId(), o.status()),
                    new UserActivity(u.userId(), u.firstName(), u.lastName(), o.status(), 1, o.totalAmount()),
                    (a, b) -> new UserActivity(a.userId(), a.firstName(), a.lastName(), a.status(), a.orderCount() + 1,
                            a.totalSpent().add(b.totalSpent())));
            String g = key(o.status(), u.loyaltyStatus());
            checkCounts.computeIfAbsent(g, k -> new long[1])[0]++;
            checkSums.merge(g, o.totalAmount(), BigDecimal::add);
        }
        checkCounts.forEach((g, n) -> {
            String[] parts = g.split("\u0000");
            averageCheck.put(g, new AverageCheck(parts[0], parts[1],
                    checkSums.get(g).divide(BigDecimal.valueOf(n[0]), 2, RoundingMode.HALF_UP)));
        });
        for (OrderDetail d : data.details()) {
            Product p = products.get(d.productId());
            Order o = orders.get(d.orderId());
            if (p == null || o == null) {
                continue;                      // inner joins
            }
            productSales.merge(key(p.productId(), o.status()),
                    new ProductSales(p.productId(), p.name(), o.status(), d.quantity(), d.totalPrice()),
                    (a, b) -> new ProductSales(a.productId(), a.name(), a.status(), a.totalQuantitySold() + b.totalQuantitySold(),
                            a.totalSales().add(b.totalSales())));
        }
    }

    /** A map key that sorts by its parts (numbers zero-padded). */
    static String key(Object... parts) {
        return String.join("\u0000", Arrays.stream(parts)
                .map(p -> p instanceof Integer i ? String.format("%012d", i) : String.valueOf(p)).toList());
    }

    public Map<String, UserActivity> userActivity() {
        return userActivity;
    }

    public Map<String, ProductSales> productSales() {
        return productSales;
    }

    public Map<String, AverageCheck> averageCheck() {
        return averageCheck;
    }

    public long orderCount() {
        return data.orders().size();
    }

    public BigDecimal totalAmount() {
        return data.orders().stream().map(Order::totalAmount).reduce(BigDecimal.ZERO, BigDecimal::add);
    }

    public long totalQuantity() {
        return data.details().stream().mapToLong(OrderDetail::quantity).sum();
    }

    /** The checksum of one source table's generated rows, in key order (the columns in table order). */
    public RowChecksum.Sum checksum(String table) {
        RowChecksum c = new RowChecksum();
        switch (table) {
            case "users" -> data.users().forEach(u -> c.add(Arrays.asList(u.userId(), u.firstName(), u.lastName(), u.email(),
                    u.phone(), u.registrationDate(), u.loyaltyStatus())));
            case "product_categories" -> data.categories().forEach(k -> c.add(Arrays.asList(k.categoryId(), k.name(),
                    k.parentCategoryId())));
            case "products" -> data.products().forEach(p -> c.add(Arrays.asList(p.productId(), p.name(), p.description(),
                    p.categoryId(), p.price(), p.stockQuantity(), p.creationDate())));
            case "orders" -> data.orders().forEach(o -> c.add(Arrays.asList(o.orderId(), o.userId(), o.orderDate(),
                    o.totalAmount(), o.status(), o.deliveryDate())));
            case "order_details" -> data.details().forEach(d -> c.add(Arrays.asList(d.orderDetailId(), d.orderId(),
                    d.productId(), d.quantity(), d.pricePerUnit(), d.totalPrice())));
            default -> throw new IllegalArgumentException(table);
        }
        return c.sum();
    }

    /** Each table's columns in order and its key, for reading it back from the shop or from STG. */
    static final Map<String, List<String>> COLUMNS = Map.of(
            "users", List.of("user_id", "first_name", "last_name", "email", "phone", "registration_date", "loyalty_status"),
            "product_categories", List.of("category_id", "name", "parent_category_id"),
            "products", List.of("product_id", "name", "description", "category_id", "price", "stock_quantity", "creation_date"),
            "orders", List.of("order_id", "user_id", "order_date", "total_amount", "status", "delivery_date"),
            "order_details", List.of("order_detail_id", "order_id", "product_id", "quantity", "price_per_unit", "total_price"));
}
