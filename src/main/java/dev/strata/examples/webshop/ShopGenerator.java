package dev.strata.examples.webshop;

import dev.strata.examples.webshop.ShopData.Category;
import dev.strata.examples.webshop.ShopData.Counts;
import dev.strata.examples.webshop.ShopData.Order;
import dev.strata.examples.webshop.ShopData.OrderDetail;
import dev.strata.examples.webshop.ShopData.Product;
import dev.strata.examples.webshop.ShopData.User;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The shop database's rows, deterministic from a seed: scenario 003 §4, the rebuild's rules — exactly
 * the configured counts, the first 10 categories the fixed top-level ones (each later one has a
 * parent among the earlier ones half of the time), every order at least one detail (detail i of the
 * first {@code orders} belongs to order i, the rest to random orders), {@code price_per_unit} the
 * product's price, {@code total_price = price_per_unit × quantity} and an order's
 * {@code total_amount} the sum of its details. Dates fall in the year before {@link #REFERENCE},
 * whole seconds. Same seed and counts, same rows.
 */
public final class ShopGenerator {
    /** "Now" for the generated dates: the seed's DAGs start on 2024-12-30. */
    public static final LocalDateTime REFERENCE = LocalDateTime.parse("2024-12-30T00:00:00");
    static final List<String> TOP_LEVEL = List.of("Electronics", "Clothing", "Books", "Home", "Toys", "Sport", "Cars",
            "Beauty", "Health", "Food");
    static final List<String> LOYALTY = List.of("Gold", "Silver", "Bronze");
    static final List<String> STATUSES = List.of("Pending", "Completed");
    static final String[] FIRST = {"Anna", "Boris", "Chen", "Dmitry", "Elena", "Farid", "Galina", "Hugo", "Irina", "Jamal",
            "Kira", "Leon", "Maria", "Nikita", "Olga", "Pavel", "Queenie", "Roman", "Sofia", "Timur", "Ulyana", "Victor",
            "Wen", "Xenia", "Yuri", "Zoe"};
    static final String[] LAST = {"Ivanova", "Smith", "Petrov", "Garcia", "Kuznetsova", "Müller", "O'Brien", "Sokolov",
            "Nakamura", "Popova", "Lebedev", "Novak", "Rossi", "Kowalski", "Volkova", "Dubois"};
    private static final String[] WORDS = {"alpha", "bright", "cedar", "delta", "ember", "frost", "grove", "harbor",
            "iris", "jade", "kite", "lumen", "maple", "nova", "orbit", "pine", "quartz", "river", "solar", "tide"};
    private static final String[] NOUNS = {"Lamp", "Chair", "Novel", "Jacket", "Phone", "Kettle", "Puzzle", "Ball",
            "Cream", "Tea", "Drone", "Scarf", "Mug", "Tyre", "Vitamin"};
    private static final int YEAR_SECONDS = 365 * 24 * 3600;

    private final long seed;
    private final Counts counts;

    public ShopGenerator(long seed, Counts counts) {
        if (counts.categories() < TOP_LEVEL.size() || counts.details() < counts.orders()) {
            throw new IllegalArgumentException("at least " + TOP_LEVEL.size() + " categories and one detail per order: " + counts);
        }
        this.seed = seed;
        this.counts = counts;
    }

    public ShopData generate() {
        Random r = new Random(seed);
        List<Category> categories = new ArrayList<>(counts.categories());
        for (int i = 1; i <= counts.categories(); i++) {
            if (i <= TOP_LEVEL.size()) {
                categories.add(new Category(i, TOP_LEVEL.get(i - 1), null));
            } else {
                Integer parent = r.nextBoolean() ? 1 + r.nextInt(i - 1) : null;
                categories.add(new Category(i, capitalized(WORDS[r.nextInt(WORDS.length)]) + i, parent));
            }
        }
        List<User> users = new ArrayList<>(counts.users());
        for (int i = 1; i <= counts.users(); i++) {
            String first = FIRST[r.nextInt(FIRST.length)];
            String last = LAST[r.nextInt(LAST.length)];
            users.add(new User(i, first, last, (first + "." + last + "." + i + "@example.com").toLowerCase(java.util.Locale.ROOT),
                    phone(r), inLastYear(r), LOYALTY.get(r.nextInt(LOYALTY.size()))));
        }
        List<Product> products = new ArrayList<>(counts.products());
        for (int i = 1; i <= counts.products(); i++) {
            String noun = NOUNS[r.nextInt(NOUNS.length)];
            products.add(new Product(i, capitalized(WORDS[r.nextInt(WORDS.length)]) + " " + noun + " " + i,
                    "A " + WORDS[r.nextInt(WORDS.length)] + " " + noun.toLowerCase(java.util.Locale.ROOT) + ", item " + i,
                    1 + r.nextInt(counts.categories()), cents(1000 + r.nextInt(9001)), 1 + r.nextInt(100), inLastYear(r)));
        }
        int[] orderUser = new int[counts.orders() + 1];
        LocalDateTime[] orderDate = new LocalDateTime[counts.orders() + 1];
        String[] status = new String[counts.orders() + 1];
        for (int i = 1; i <= counts.orders(); i++) {
            orderUser[i] = 1 + r.nextInt(counts.users());
            orderDate[i] = inLastYear(r);
            status[i] = STATUSES.get(r.nextInt(STATUSES.size()));
        }
        BigDecimal[] total = new BigDecimal[counts.orders() + 1];
        java.util.Arrays.fill(total, BigDecimal.ZERO.setScale(2));
        List<OrderDetail> details = new ArrayList<>(counts.details());
        for (int i = 1; i <= counts.details(); i++) {
            int order = i <= counts.orders() ? i : 1 + r.nextInt(counts.orders());
            Product p = products.get(r.nextInt(products.size()));
            int quantity = 1 + r.nextInt(10);
            BigDecimal line = p.price().multiply(BigDecimal.valueOf(quantity)).setScale(2, RoundingMode.HALF_UP);
            details.add(new OrderDetail(i, order, p.productId(), quantity, p.price(), line));
            total[order] = total[order].add(line);
        }
        List<Order> orders = new ArrayList<>(counts.orders());
        for (int i = 1; i <= counts.orders(); i++) {
            orders.add(new Order(i, orderUser[i], orderDate[i], total[i], status[i], orderDate[i].plusDays(1 + r.nextInt(10))));
        }
        return new ShopData(List.copyOf(users), List.copyOf(categories), List.copyOf(products), List.copyOf(orders),
                List.copyOf(details));
    }

    static String phone(Random r) {
        return String.format("+7-9%02d-%03d-%02d-%02d", r.nextInt(100), r.nextInt(1000), r.nextInt(100), r.nextInt(100));
    }

    private static LocalDateTime inLastYear(Random r) {
        return REFERENCE.minusSeconds(1 + r.nextInt(YEAR_SECONDS));
    }

    private static BigDecimal cents(int c) {
        return BigDecimal.valueOf(c, 2);
    }

    private static String capitalized(String w) {
        return Character.toUpperCase(w.charAt(0)) + w.substring(1);
    }
}
