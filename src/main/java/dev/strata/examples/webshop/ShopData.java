package dev.strata.examples.webshop;

import java.math.BigDecimal;
import java.time.LocalDateTime;
import java.util.List;

/**
 * The rows of the shop database (scenario 003 §3.1) as the generator made them, in key order. The
 * ground truth and the snapshot checks are computed from these, never read back from the pipeline.
 */
public record ShopData(List<User> users, List<Category> categories, List<Product> products, List<Order> orders,
                       List<OrderDetail> details) {
    public record User(int userId, String firstName, String lastName, String email, String phone,
                       LocalDateTime registrationDate, String loyaltyStatus) {
    }

    /** {@code parentCategoryId} is null for a top-level category. */
    public record Category(int categoryId, String name, Integer parentCategoryId) {
    }

    public record Product(int productId, String name, String description, int categoryId, BigDecimal price,
                          int stockQuantity, LocalDateTime creationDate) {
    }

    public record Order(int orderId, int userId, LocalDateTime orderDate, BigDecimal totalAmount, String status,
                        LocalDateTime deliveryDate) {
    }

    public record OrderDetail(int orderDetailId, int orderId, int productId, int quantity, BigDecimal pricePerUnit,
                              BigDecimal totalPrice) {
    }

    /** How many rows of each table a generation makes. */
    public record Counts(int users, int products, int categories, int orders, int details) {
        /** The seed's defaults (§4): 5,000 users, 500 products, 5,000 categories, 10,000 orders, 40,000 order details. */
        public static Counts seed() {
            return new Counts(5_000, 500, 5_000, 10_000, 40_000);
        }

        /** These counts times {@code f} (for tests), keeping the 10 top-level categories and one detail per order. */
        public Counts scaled(double f) {
            int o = Math.max(1, (int) Math.round(orders * f));
            return new Counts(Math.max(1, (int) Math.round(users * f)), Math.max(1, (int) Math.round(products * f)),
                    Math.max(ShopGenerator.TOP_LEVEL.size(), (int) Math.round(categories * f)), o,
                    Math.max(o, (int) Math.round(details * f)));
        }

        public int total() {
            return users + products + categories + orders + details;
        }
    }
}
