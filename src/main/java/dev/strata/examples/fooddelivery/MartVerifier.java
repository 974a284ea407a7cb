package dev.strata.examples.fooddelivery;

import dev.strata.vault.HashStandard;
import dev.strata.warehouse.SqlDialect;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.UUID;

/**
 * Compares the two counters marts in the warehouse with {@link GroundTruth}. Expected rows are
 * keyed by Strata's standard hash of their business keys (the Java reference in
 * {@link HashStandard}, not the SQL that built the marts), so a mart row matches only when its hash
 * keys, names and counts are all right. Reports every differing row.
 */
public final class MartVerifier {
    /** The outcome: row counts and, when the marts differ from the truth, the differences (first 20 of each). */
    public record Result(int productRows, int categoryRows, List<String> differences) {
        public boolean matches() {
            return differences.isEmpty();
        }
    }

    private record Row(String name, long count) {
    }

    private MartVerifier() {
    }

    /** Compares the marts in {@code schema}; hash keys are read through the warehouse's {@code dialect}. */
    public static Result verify(Connection c, SqlDialect dialect, String schema, GroundTruth truth) throws SQLException {
        Map<String, Row> expectedProducts = new TreeMap<>();
        truth.productCounters().values().forEach(p -> expectedProducts.put(
                key(HashStandard.hashKey(List.of(p.userId())), HashStandard.hashKey(List.of(p.productId()))),
                new Row(p.productName(), p.orderCount())));
        Map<String, Row> expectedCategories = new TreeMap<>();
        truth.categoryCounters().values().forEach(cc -> expectedCategories.put(
                key(HashStandard.hashKey(List.of(cc.userId())), HashStandard.hashKey(List.of(cc.categoryName()))),
                new Row(cc.categoryName(), cc.orderCount())));
        Map<String, Row> actualProducts = read(c, dialect, "SELECT user_id, product_id, product_name, order_cnt FROM "
                + schema + ".user_product_counters");
        Map<String, Row> actualCategories = read(c, dialect, "SELECT user_id, category_id, category_name, order_cnt FROM "
                + schema + ".user_category_counters");
        List<String> differences = new ArrayList<>();
        compare("user_product_counters", expectedProducts, actualProducts, differences);
        compare("user_category_counters", expectedCategories, actualCategories, differences);
        return new Result(actualProducts.size(), actualCategories.size(), differences);
    }

    private static Map<String, Row> read(Connection c, SqlDialect dialect, String sql) throws SQLException {
        Map<String, Row> rows = new TreeMap<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                String k = key(dialect.readHashKey(rs, 1), dialect.readHashKey(rs, 2));
                if (rows.put(k, new Row(rs.getString(3), rs.getLong(4))) != null) {
                    rows.put(k + " (duplicate row)", new Row(rs.getString(3), rs.getLong(4)));
                }
            }
        }
        return rows;
    }

    private static String key(UUID a, UUID b) {
        return a + "/" + b;
    }

    private static void compare(String mart, Map<String, Row> expected, Map<String, Row> actual, List<String> out) {
        int reported = 0;
        for (Map.Entry<String, Row> e : expected.entrySet()) {
            Row a = actual.get(e.getKey());
            if (!Objects.equals(a, e.getValue()) && reported++ < 20) {
                out.add(mart + " " + e.getKey() + ": expected " + e.getValue().name() + " = " + e.getValue().count()
                        + ", found " + (a == null ? "no row" : a.name() + " = " + a.count()));
            }
        }
        for (Map.Entry<String, Row> e : actual.entrySet()) {
            if (!expected.containsKey(e.getKey()) && reported++ < 20) {
                out.add(mart + " " + e.getKey() + ": unexpected row " + e.getValue().name() + " = " + e.getValue().count());
            }
        }
        if (reported > 20) {
            out.add(mart + ": " + (reported - 20) + " more differences");
        }
    }
}
