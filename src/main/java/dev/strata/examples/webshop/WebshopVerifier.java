package dev.strata.examples.webshop;

import dev.strata.examples.Checks;
import dev.strata.warehouse.Warehouse;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * Compares what the webshop pipeline built with what the generators made (scenario 003 §9): STG
 * snapshots against the shop's rows (checksums, item 7), the landed registrations against the
 * events sent (items 5, 6), and the three marts row by row against {@link ShopTruth} (items 8–14).
 * Every expected value comes from the generator's rows and events in plain Java.
 */
public final class WebshopVerifier {
    private static final int SHOWN = 5;
    private static final ObjectMapperHolder JSON = new ObjectMapperHolder();
    /** The marts and their group columns (their key), in the order the checksums are taken. */
    static final Map<String, String> MARTS = new LinkedHashMap<>();

    static {
        MARTS.put("mart_user_activity", "user_id, status");
        MARTS.put("mart_product_sales", "product_id, status");
        MARTS.put("mart_average_check", "status, loyalty_status");
        MARTS.put("users", "user_key");
    }

    private final Warehouse warehouse;

    public WebshopVerifier(Warehouse warehouse) {
        this.warehouse = warehouse;
    }

    /** Item 7: every STG snapshot of {@code dates} equals the shop database and the generator's rows, by count and checksum. */
    public void snapshots(ShopTruth truth, ShopDatabase shop, List<LocalDate> dates, Checks checks) throws SQLException {
        List<String> diffs = new ArrayList<>();
        List<String> sums = new ArrayList<>();
        try (Connection src = shop.connect()) {
            for (String table : ShopDatabase.TABLES) {
                RowChecksum.Sum generated = truth.checksum(table);
                String cols = String.join(", ", ShopTruth.COLUMNS.get(table));
                String key = ShopTruth.COLUMNS.get(table).get(0);
                RowChecksum.Sum source;
                try (Statement s = src.createStatement(); ResultSet rs = s.executeQuery("SELECT " + cols + " FROM "
                        + ShopDatabase.SCHEMA + "." + table + " ORDER BY " + key)) {
                    source = new RowChecksum().addAll(rs).sum();
                }
                if (!source.equals(generated)) {
                    diffs.add(table + " in the shop database: " + source + ", generated " + generated);
                }
                for (LocalDate d : dates) {
                    RowChecksum.Sum stg;
                    try (Connection c = warehouse.connection(); PreparedStatement ps = c.prepareStatement("SELECT " + cols
                            + " FROM stg.shop_" + table + " WHERE _snapshot_date = ? ORDER BY " + key)) {
                        ps.setObject(1, d);
                        try (ResultSet rs = ps.executeQuery()) {
                            stg = new RowChecksum().addAll(rs).sum();
                        }
                    }
                    if (!stg.equals(source)) {
                        diffs.add("stg.shop_" + table + " of " + d + ": " + stg + ", the shop database " + source);
                    }
                }
                sums.add(table + " " + generated);
            }
        }
        checks.check("7", diffs, "snapshot parity: stg.shop_* of " + dates + " equal the shop database and the generator "
                + "(count and MD5 of rows by key, decimals to 2 places, timestamps to seconds): " + String.join("; ", sums));
    }

    /**
     * Items 5 and 6 (the landing side): every landed registration is a JSON object of exactly the six
     * fields, with a known loyalty status, equal to the event sent at its offset; each sent event landed
     * once; and every 10 minutes of the stream's clock hold 200 ± 10 % events.
     */
    public void registrations(List<Registration> sent, Checks checks) throws SQLException {
        List<String> diffs = new ArrayList<>();
        Map<Long, Registration> byOffset = new HashMap<>();
        for (int i = 0; i < sent.size(); i++) {
            byOffset.put((long) i, sent.get(i));
        }
        int landed = 0;
        List<LocalDateTime> times = new ArrayList<>();
        try (Connection c = warehouse.connection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT _partition, _offset, _payload FROM stg.new_users_events ORDER BY _partition, _offset")) {
            while (rs.next()) {
                landed++;
                long offset = rs.getLong(2);
                Map<String, Object> fields = JSON.read(rs.getString(3));
                Registration expected = byOffset.remove(offset);
                if (!fields.keySet().equals(Set.of("first_name", "last_name", "email", "phone", "registration_date",
                        "loyalty_status")) || !fields.values().stream().allMatch(v -> v instanceof String)) {
                    add(diffs, "offset " + offset + ": not the six string fields: " + fields.keySet());
                    continue;
                }
                if (!ShopGenerator.LOYALTY.contains(fields.get("loyalty_status"))) {
                    add(diffs, "offset " + offset + ": loyalty_status " + fields.get("loyalty_status"));
                }
                Registration got = new Registration((String) fields.get("first_name"), (String) fields.get("last_name"),
                        (String) fields.get("email"), (String) fields.get("phone"),
                        LocalDateTime.parse((String) fields.get("registration_date"), Registration.TEXT),
                        (String) fields.get("loyalty_status"));
                if (!got.equals(expected)) {
                    add(diffs, "offset " + offset + ": " + got + (expected == null ? " was not sent (or landed twice)"
                            : ", sent " + expected));
                }
                times.add(got.registrationDate());
            }
        }
        if (!byOffset.isEmpty()) {
            diffs.add(byOffset.size() + " events sent did not land, e.g. offset " + byOffset.keySet().iterator().next());
        }
        checks.check("5", diffs, String.format("%,d registrations landed in stg.new_users_events, each once, each a JSON "
                + "object of exactly the 6 fields with loyalty_status in Gold/Silver/Bronze, equal to the event sent", landed));
        List<String> windows = new ArrayList<>();
        int min = Integer.MAX_VALUE;
        int max = 0;
        times.sort(null);
        for (int i = 0, j = 0; i < times.size(); i++) {
            LocalDateTime end = times.get(i).plus(Duration.ofMinutes(10));
            if (end.isAfter(times.get(times.size() - 1).plus(RegistrationStream.INTERVAL))) {
                break;                                  // a window past the last event is not a full one
            }
            while (j < times.size() && times.get(j).isBefore(end)) {
                j++;
            }
            int n = j - i;
            min = Math.min(min, n);
            max = Math.max(max, n);
            if (n < 180 || n > 220) {
                add(windows, "the 10 minutes from " + times.get(i) + " hold " + n + " events");
            }
        }
        boolean anyWindow = max > 0;
        checks.check("5", anyWindow ? windows : List.of("fewer than 10 minutes of events: no window to count"),
                "every 10 minutes of the stream's clock (registration_date) hold " + min + ".." + max
                        + " events (200 ± 10 %; one every " + RegistrationStream.INTERVAL.toSeconds() + " s)");
    }

    /** Item 6 (the user set): cdm.users holds every shop user of the snapshot and one row per landed event, no more. */
    public void userSet(ShopData shop, List<Registration> sent, Checks checks) throws SQLException {
        List<String> diffs = new ArrayList<>();
        long total = count("SELECT count(*) FROM cdm.users");
        long distinct = count("SELECT count(DISTINCT user_key) FROM cdm.users");
        long streamed = count("SELECT count(*) FROM cdm.users WHERE source = 'stream'");
        long hub = count("SELECT count(*) FROM dds.hub_stream_user");
        long expected = shop.users().size() + (long) sent.size();
        if (total != expected || distinct != total) {
            diffs.add(String.format("cdm.users has %,d rows (%,d distinct keys), expected %,d + %,d = %,d", total, distinct,
                    shop.users().size(), sent.size(), expected));
        }
        if (streamed != sent.size() || hub != sent.size()) {
            diffs.add(String.format("%,d streamed users in cdm.users, %,d in dds.hub_stream_user, %,d events sent", streamed,
                    hub, sent.size()));
        }
        checks.check("6", diffs, String.format("the warehouse user set (cdm.users) holds %,d + %,d = %,d users, each once",
                shop.users().size(), sent.size(), expected));
    }

    /** Items 8–14: each mart row by row against the ground truth, and the totals against the generator's rows. */
    public void marts(ShopTruth truth, Checks checks) throws SQLException {
        List<String> d = martDifferences(truth);
        checks.check("8-12", d, String.format("mart_user_activity %,d rows, mart_product_sales %,d rows, mart_average_check "
                        + "%,d rows equal the ground truth row by row (inner joins, by status, average_check rounded half-up)",
                truth.userActivity().size(), truth.productSales().size(), truth.averageCheck().size()));
        List<String> totals = new ArrayList<>();
        long orderCount = count("SELECT sum(order_count) FROM cdm.mart_user_activity");
        BigDecimal spent = decimal("SELECT sum(total_spent) FROM cdm.mart_user_activity");
        if (orderCount != truth.orderCount() || spent == null || spent.compareTo(truth.totalAmount()) != 0) {
            totals.add("Σ order_count " + orderCount + ", Σ total_spent " + spent + "; orders " + truth.orderCount()
                    + ", Σ total_amount " + truth.totalAmount());
        }
        checks.check("13", totals, String.format("Σ order_count = %,d orders, Σ total_spent = %s = Σ orders.total_amount",
                truth.orderCount(), truth.totalAmount().toPlainString()));
        long quantity = count("SELECT sum(total_quantity_sold) FROM cdm.mart_product_sales");
        checks.check("14", quantity == truth.totalQuantity(), String.format("Σ total_quantity_sold = %,d = Σ "
                + "order_details.quantity%s", truth.totalQuantity(), quantity == truth.totalQuantity() ? "" : " (mart: " + quantity + ")"));
    }

    /** The differences between the three marts and {@code truth}, the first few per mart; empty when they match. */
    public List<String> martDifferences(ShopTruth truth) throws SQLException {
        List<String> diffs = new ArrayList<>();
        Map<String, Object> ua = new TreeMap<>();
        read("SELECT user_id, first_name, last_name, status, order_count, total_spent FROM cdm.mart_user_activity", rs ->
                ua.put(ShopTruth.key(rs.getInt(1), rs.getString(4)), new ShopTruth.UserActivity(rs.getInt(1), rs.getString(2),
                        rs.getString(3), rs.getString(4), rs.getLong(5), rs.getBigDecimal(6))));
        compare("mart_user_activity", truth.userActivity(), ua, diffs);
        Map<String, Object> ps = new TreeMap<>();
        read("SELECT product_id, name, status, total_quantity_sold, total_sales FROM cdm.mart_product_sales", rs ->
                ps.put(ShopTruth.key(rs.getInt(1), rs.getString(3)), new ShopTruth.ProductSales(rs.getInt(1), rs.getString(2),
                        rs.getString(3), rs.getLong(4), rs.getBigDecimal(5))));
        compare("mart_product_sales", truth.productSales(), ps, diffs);
        Map<String, Object> ac = new TreeMap<>();
        read("SELECT status, loyalty_status, average_check FROM cdm.mart_average_check", rs ->
                ac.put(ShopTruth.key(rs.getString(1), rs.getString(2)), new ShopTruth.AverageCheck(rs.getString(1),
                        rs.getString(2), rs.getBigDecimal(3))));
        compare("mart_average_check", truth.averageCheck(), ac, diffs);
        return diffs;
    }

    /** Each mart's checksum: MD5 of its rows sorted by its group columns (items 15, 16). */
    public Map<String, RowChecksum.Sum> martChecksums() throws SQLException {
        Map<String, RowChecksum.Sum> out = new LinkedHashMap<>();
        for (Map.Entry<String, String> m : MARTS.entrySet()) {
            try (Connection c = warehouse.connection(); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT * FROM cdm." + m.getKey() + " ORDER BY " + m.getValue())) {
                out.put(m.getKey(), new RowChecksum().addAll(rs).sum());
            }
        }
        return out;
    }

    /**
     * Item 17: each mart's run of each date started after every snapshot of that date had succeeded,
     * and STG holds each date's snapshot whole (so a mart reading more than its date would be seen).
     */
    public void dependency(String pipeline, List<LocalDate> dates, Map<String, List<String>> snapshotsRead, Checks checks)
            throws SQLException {
        List<String> diffs = new ArrayList<>();
        int pairs = 0;
        int expected = 0;
        try (Connection c = warehouse.connection(); PreparedStatement ps = c.prepareStatement(
                "SELECT m.logical_date, m.started_at, s.state, s.finished_at FROM strata.task_runs m "
                        + "JOIN strata.task_runs s ON s.pipeline = m.pipeline AND s.interval_start = m.interval_start "
                        + "WHERE m.pipeline = ? AND m.state = 'success' AND m.node = ? AND s.node = ?")) {
            for (Map.Entry<String, List<String>> e : snapshotsRead.entrySet()) {
                for (String source : e.getValue()) {
                    expected += dates.size();
                    ps.setString(1, pipeline);
                    ps.setString(2, e.getKey());
                    ps.setString(3, source);
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            pairs++;
                            java.sql.Timestamp started = rs.getTimestamp(2);
                            java.sql.Timestamp done = rs.getTimestamp(4);
                            if (!"success".equals(rs.getString(3)) || done == null || started.before(done)) {
                                add(diffs, e.getKey() + " of " + rs.getString(1) + " started " + started + ", " + source
                                        + " " + rs.getString(3) + " at " + done);
                            }
                        }
                    }
                }
            }
        }
        if (pairs < expected) {
            diffs.add("only " + pairs + " (mart run, snapshot run) pairs in strata.task_runs, expected at least " + expected);
        }
        checks.check("17", diffs, "each mart's runs of " + dates + " started after the snapshots of its date it reads had "
                + "succeeded (" + pairs + " pairs of runs in strata.task_runs: " + snapshotsRead + "); the marts read their "
                + "date's snapshot alone while STG holds " + dates.size() + " snapshot dates");
    }

    long count(String sql) throws SQLException {
        try (Connection c = warehouse.connection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private BigDecimal decimal(String sql) throws SQLException {
        try (Connection c = warehouse.connection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getBigDecimal(1);
        }
    }

    private interface RowReader {
        void read(ResultSet rs) throws SQLException;
    }

    private void read(String sql, RowReader reader) throws SQLException {
        try (Connection c = warehouse.connection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                reader.read(rs);
            }
        }
    }

    /** Rows of one mart against the truth: missing, unexpected and differing rows (decimals by value). */
    private static void compare(String mart, Map<String, ?> expected, Map<String, Object> actual, List<String> diffs) {
        int shown = 0;
        Set<String> keys = new java.util.TreeSet<>(expected.keySet());
        keys.addAll(actual.keySet());
        for (String k : keys) {
            Object e = expected.get(k);
            Object a = actual.get(k);
            if (!same(e, a) && shown++ < SHOWN) {
                diffs.add(mart + ": " + (a == null ? "missing row, expected " + e : e == null ? "unexpected row " + a
                        : a + ", expected " + e));
            }
        }
    }

    /** Equal records, decimals compared by value (2.50 = 2.5). */
    private static boolean same(Object e, Object a) {
        if (e == null || a == null) {
            return e == a;
        }
        return Objects.equals(normalized(e), normalized(a));
    }

    private static Object normalized(Object r) {
        if (r instanceof ShopTruth.UserActivity u) {
            return new ShopTruth.UserActivity(u.userId(), u.firstName(), u.lastName(), u.status(), u.orderCount(),
                    u.totalSpent() == null ? null : u.totalSpent().stripTrailingZeros());
        }
        if (r instanceof ShopTruth.ProductSales p) {
            return new ShopTruth.ProductSales(p.productId(), p.name(), p.status(), p.totalQuantitySold(),
                    p.totalSales() == null ? null : p.totalSales().stripTrailingZeros());
        }
        if (r instanceof ShopTruth.AverageCheck c) {
            return new ShopTruth.AverageCheck(c.status(), c.loyaltyStatus(),
                    c.averageCheck() == null ? null : c.averageCheck().stripTrailingZeros());
        }
        return r;
    }

    private static void add(List<String> diffs, String d) {
        if (diffs.size() < SHOWN) {
            diffs.add(d);
        }
    }

    /** Jackson, for the landed payloads. */
    private static final class ObjectMapperHolder {
        private final com.fasterxml.jackson.databind.ObjectMapper mapper = new com.fasterxml.jackson.databind.ObjectMapper();

        @SuppressWarnings("unchecked")
        Map<String, Object> read(String json) {
            try {
                return mapper.readValue(json, LinkedHashMap.class);
            } catch (java.io.IOException e) {
                return Map.of("not JSON", e.getMessage());
            }
        }
    }
}
