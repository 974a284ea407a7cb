package dev.strata.examples.webshop;

import dev.strata.config.JdbcSourceSpec;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.sql.Types;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

/**
 * The shop's PostgreSQL database (scenario 003 §3.1), as pg-datagen made it: the schema and five
 * tables created if missing, each table filled with the generator's rows only when it is empty —
 * so running it again on a filled database inserts nothing (§2.3 step 2, acceptance 3). Connects
 * with the URL, user and password the project's {@code jdbc} sources read, so it fills exactly what
 * the pipeline snapshots. The rows keep the generator's ids; the serial columns' sequences are not
 * moved past them (an insert without an id by hand would collide with id 1).
 */
public final class ShopDatabase {
    public static final String SCHEMA = "postgres_finals_schema";
    /** The tables in the order they are filled (parents first) and the source that snapshots each. */
    public static final List<String> TABLES = List.of("users", "product_categories", "products", "orders", "order_details");
    private static final int BATCH = 5_000;
    private static final List<String> DDL = List.of(
            "CREATE SCHEMA IF NOT EXISTS " + SCHEMA,
            "CREATE TABLE IF NOT EXISTS " + SCHEMA + ".users (user_id serial PRIMARY KEY, first_name varchar(200), "
                    + "last_name varchar(200), email varchar(200), phone varchar(200), registration_date timestamp, "
                    + "loyalty_status varchar(20))",
            "CREATE TABLE IF NOT EXISTS " + SCHEMA + ".product_categories (category_id serial PRIMARY KEY, name varchar(200), "
                    + "parent_category_id int NULL)",
            "CREATE TABLE IF NOT EXISTS " + SCHEMA + ".products (product_id serial PRIMARY KEY, name varchar(200), "
                    + "description text, category_id int REFERENCES " + SCHEMA + ".product_categories (category_id), "
                    + "price decimal(10,2), stock_quantity int, creation_date timestamp)",
            "CREATE TABLE IF NOT EXISTS " + SCHEMA + ".orders (order_id serial PRIMARY KEY, user_id int REFERENCES " + SCHEMA
                    + ".users (user_id), order_date timestamp, total_amount decimal(10,2), status varchar(20), "
                    + "delivery_date timestamp)",
            "CREATE TABLE IF NOT EXISTS " + SCHEMA + ".order_details (order_detail_id serial PRIMARY KEY, order_id int "
                    + "REFERENCES " + SCHEMA + ".orders (order_id), product_id int REFERENCES " + SCHEMA + ".products (product_id), "
                    + "quantity int, price_per_unit decimal(10,2), total_price decimal(10,2))");

    private final String url;
    private final String user;
    private final String password;

    public ShopDatabase(JdbcSourceSpec spec) {
        this(spec.url(), spec.user(), spec.password().reveal());
    }

    public ShopDatabase(String url, String user, String password) {
        this.url = url;
        this.user = user;
        this.password = password;
    }

    public Connection connect() throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", user);
        p.setProperty("password", password);
        p.setProperty("reWriteBatchedInserts", "true");
        return DriverManager.getConnection(url, p);
    }

    /** Creates what is missing and fills each empty table; returns the rows inserted per table (0 for one that had rows). */
    public Map<String, Integer> fill(ShopData data) throws SQLException {
        Map<String, Integer> inserted = new LinkedHashMap<>();
        try (Connection c = connect()) {
            try (Statement s = c.createStatement()) {
                for (String ddl : DDL) {
                    s.execute(ddl);
                }
            }
            c.setAutoCommit(false);
            inserted.put("users", empty(c, "users") ? insertUsers(c, data.users()) : 0);
            inserted.put("product_categories", empty(c, "product_categories") ? insertCategories(c, data.categories()) : 0);
            inserted.put("products", empty(c, "products") ? insertProducts(c, data.products()) : 0);
            inserted.put("orders", empty(c, "orders") ? insertOrders(c, data.orders()) : 0);
            inserted.put("order_details", empty(c, "order_details") ? insertDetails(c, data.details()) : 0);
            c.commit();
        }
        return inserted;
    }

    /** Rows per table, as the database has them now. */
    public Map<String, Long> counts() throws SQLException {
        Map<String, Long> out = new LinkedHashMap<>();
        try (Connection c = connect(); Statement s = c.createStatement()) {
            for (String t : TABLES) {
                try (ResultSet rs = s.executeQuery("SELECT count(*) FROM " + SCHEMA + "." + t)) {
                    rs.next();
                    out.put(t, rs.getLong(1));
                }
            }
        }
        return out;
    }

    /**
     * Acceptance 4, read from the database and checked in Java: every reference of orders, details,
     * products and categories names an existing row. Returns the dangling references found (empty: none).
     */
    public List<String> danglingReferences() throws SQLException {
        List<String> out = new java.util.ArrayList<>();
        try (Connection c = connect()) {
            Set<Long> users = ids(c, "SELECT user_id FROM " + SCHEMA + ".users");
            Set<Long> orders = ids(c, "SELECT order_id FROM " + SCHEMA + ".orders");
            Set<Long> products = ids(c, "SELECT product_id FROM " + SCHEMA + ".products");
            Set<Long> categories = ids(c, "SELECT category_id FROM " + SCHEMA + ".product_categories");
            missing(c, "SELECT user_id FROM " + SCHEMA + ".orders", users, "orders.user_id", out);
            missing(c, "SELECT order_id FROM " + SCHEMA + ".order_details", orders, "order_details.order_id", out);
            missing(c, "SELECT product_id FROM " + SCHEMA + ".order_details", products, "order_details.product_id", out);
            missing(c, "SELECT category_id FROM " + SCHEMA + ".products", categories, "products.category_id", out);
            missing(c, "SELECT parent_category_id FROM " + SCHEMA + ".product_categories WHERE parent_category_id IS NOT NULL",
                    categories, "product_categories.parent_category_id", out);
        }
        return out;
    }

    private static Set<Long> ids(Connection c, String sql) throws SQLException {
        Set<Long> out = new HashSet<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                out.add(rs.getLong(1));
            }
        }
        return out;
    }

    private static void missing(Connection c, String sql, Set<Long> in, String what, List<String> out) throws SQLException {
        long n = 0;
        long example = 0;
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                if (!in.contains(rs.getLong(1))) {
                    example = n++ == 0 ? rs.getLong(1) : example;
                }
            }
        }
        if (n > 0) {
            out.add(String.format("%,d values of %s name no row (e.g. %d)", n, what, example));
        }
    }

    private static boolean empty(Connection c, String table) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT 1 FROM " + SCHEMA + "." + table + " LIMIT 1")) {
            return !rs.next();
        }
    }

    private interface Binder<T> {
        void bind(PreparedStatement ps, T row) throws SQLException;
    }

    private static <T> int insert(Connection c, String sql, List<T> rows, Binder<T> binder) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            int n = 0;
            for (T row : rows) {
                binder.bind(ps, row);
                ps.addBatch();
                if (++n % BATCH == 0) {
                    ps.executeBatch();
                }
            }
            ps.executeBatch();
            return n;
        }
    }

    private static int insertUsers(Connection c, List<ShopData.User> rows) throws SQLException {
        return insert(c, "INSERT INTO " + SCHEMA + ".users (user_id, first_name, last_name, email, phone, registration_date, "
                + "loyalty_status) VALUES (?, ?, ?, ?, ?, ?, ?)", rows, (ps, u) -> {
            ps.setInt(1, u.userId());
            ps.setString(2, u.firstName());
            ps.setString(3, u.lastName());
            ps.setString(4, u.email());
            ps.setString(5, u.phone());
            ps.setTimestamp(6, Timestamp.valueOf(u.registrationDate()));
            ps.setString(7, u.loyaltyStatus());
        });
    }

    private static int insertCategories(Connection c, List<ShopData.Category> rows) throws SQLException {
        return insert(c, "INSERT INTO " + SCHEMA + ".product_categories (category_id, name, parent_category_id) VALUES (?, ?, ?)",
                rows, (ps, k) -> {
                    ps.setInt(1, k.categoryId());
                    ps.setString(2, k.name());
                    if (k.parentCategoryId() == null) {
                        ps.setNull(3, Types.INTEGER);
                    } else {
                        ps.setInt(3, k.parentCategoryId());
                    }
                });
    }

    private static int insertProducts(Connection c, List<ShopData.Product> rows) throws SQLException {
        return insert(c, "INSERT INTO " + SCHEMA + ".products (product_id, name, description, category_id, price, "
                + "stock_quantity, creation_date) VALUES (?, ?, ?, ?, ?, ?, ?)", rows, (ps, p) -> {
            ps.setInt(1, p.productId());
            ps.setString(2, p.name());
            ps.setString(3, p.description());
            ps.setInt(4, p.categoryId());
            ps.setBigDecimal(5, p.price());
            ps.setInt(6, p.stockQuantity());
            ps.setTimestamp(7, Timestamp.valueOf(p.creationDate()));
        });
    }

    private static int insertOrders(Connection c, List<ShopData.Order> rows) throws SQLException {
        return insert(c, "INSERT INTO " + SCHEMA + ".orders (order_id, user_id, order_date, total_amount, status, delivery_date) "
                + "VALUES (?, ?, ?, ?, ?, ?)", rows, (ps, o) -> {
            ps.setInt(1, o.orderId());
            ps.setInt(2, o.userId());
            ps.setTimestamp(3, Timestamp.valueOf(o.orderDate()));
            ps.setBigDecimal(4, o.totalAmount());
            ps.setString(5, o.status());
            ps.setTimestamp(6, Timestamp.valueOf(o.deliveryDate()));
        });
    }

    private static int insertDetails(Connection c, List<ShopData.OrderDetail> rows) throws SQLException {
        return insert(c, "INSERT INTO " + SCHEMA + ".order_details (order_detail_id, order_id, product_id, quantity, "
                + "price_per_unit, total_price) VALUES (?, ?, ?, ?, ?, ?)", rows, (ps, d) -> {
            ps.setInt(1, d.orderDetailId());
            ps.setInt(2, d.orderId());
            ps.setInt(3, d.productId());
            ps.setInt(4, d.quantity());
            ps.setBigDecimal(5, d.pricePerUnit());
            ps.setBigDecimal(6, d.totalPrice());
        });
    }
}
