package dev.strata.examples.retail;

import dev.strata.examples.Checks;
import dev.strata.warehouse.Backups;
import dev.strata.warehouse.Warehouse;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/** Reads the warehouse and compares it with a {@link RetailTruth}; each comparison is one numbered check. */
final class RetailVerifier {
    private final Warehouse w;

    RetailVerifier(Warehouse w) {
        this.w = w;
    }

    List<List<String>> rows(String sql) throws SQLException {
        List<List<String>> out = new ArrayList<>();
        try (Connection c = w.connection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            ResultSetMetaData md = rs.getMetaData();
            while (rs.next()) {
                List<String> row = new ArrayList<>();
                for (int i = 1; i <= md.getColumnCount(); i++) {
                    row.add(rs.getString(i));
                }
                out.add(row);
            }
        }
        return out;
    }

    long count(String sql) throws SQLException {
        return Long.parseLong(rows(sql).get(0).get(0));
    }

    void execute(String... sql) throws SQLException {
        try (Connection c = w.connection(); Statement s = c.createStatement()) {
            for (String q : sql) {
                s.execute(q);
            }
        }
    }

    /** Acceptance 1 (and 7's one row per id): both dims equal the current state of every customer and product. */
    void dims(RetailTruth t, Checks checks, String item, String label) throws SQLException {
        List<String> diffs = new ArrayList<>();
        Map<Integer, List<String>> customers = new TreeMap<>();
        for (List<String> r : rows("SELECT id, name, country FROM cdm.dim_customers")) {
            if (customers.put(Integer.parseInt(r.get(0)), r.subList(1, 3)) != null) {
                diffs.add("dim_customers: id " + r.get(0) + " twice");
            }
        }
        t.customers.values().forEach(c -> {
            List<String> got = customers.remove(c.id());
            if (!List.of(c.name(), c.country()).equals(got)) {
                diffs.add("dim_customers id " + c.id() + ": " + got + ", expected [" + c.name() + ", " + c.country() + "]");
            }
        });
        customers.keySet().forEach(id -> diffs.add("dim_customers: unexpected id " + id));
        Map<Integer, List<String>> products = new TreeMap<>();
        for (List<String> r : rows("SELECT id, name, groupname FROM cdm.dim_products")) {
            if (products.put(Integer.parseInt(r.get(0)), r.subList(1, 3)) != null) {
                diffs.add("dim_products: id " + r.get(0) + " twice");
            }
        }
        t.products.values().forEach(p -> {
            List<String> got = products.remove(p.id());
            if (!List.of(p.name(), p.groupname()).equals(got)) {
                diffs.add("dim_products id " + p.id() + ": " + got + ", expected [" + p.name() + ", " + p.groupname() + "]");
            }
        });
        products.keySet().forEach(id -> diffs.add("dim_products: unexpected id " + id));
        checks.check(item, cap(diffs), String.format("%s: cdm.dim_customers has exactly %,d rows (ids %d-%d) and "
                        + "cdm.dim_products %,d (ids %d-%d), names, countries and groups as in the source", label,
                t.customers.size(), first(t.customers), last(t.customers), t.products.size(), first(t.products),
                last(t.products)));
    }

    /** Acceptance 2 / 8: fact_sales holds every sale once, each in its sale_date partition, with the source's values. */
    void facts(RetailTruth t, Checks checks, String item, String label) throws SQLException {
        List<String> diffs = new ArrayList<>();
        Map<Long, List<String>> got = new TreeMap<>();
        for (List<String> r : rows("SELECT sale_id, customer_id, product_id, qty, sale_date FROM cdm.fact_sales")) {
            if (got.put(Long.parseLong(r.get(0)), r.subList(1, 5)) != null) {
                diffs.add("sale " + r.get(0) + " twice");
            }
        }
        long qty = 0;
        for (RetailData.Sale s : t.sales.values()) {
            List<String> expected = List.of(String.valueOf(s.customerId()), String.valueOf(s.productId()),
                    String.valueOf(s.qty()), s.modifyDate().toString());
            List<String> row = got.remove(s.id());
            if (!expected.equals(row)) {
                diffs.add("sale " + s.id() + ": " + row + ", expected " + expected);
            }
            qty += s.qty();
        }
        got.keySet().forEach(id -> diffs.add("unexpected sale " + id));
        long sum = count("SELECT coalesce(sum(qty), 0) FROM cdm.fact_sales");
        if (sum != t.totalQty()) {
            diffs.add("sum(qty) " + sum + ", expected " + t.totalQty());
        }
        Map<LocalDate, List<RetailData.Sale>> byDate = t.salesByDate();
        checks.check(item, cap(diffs), String.format("%s: cdm.fact_sales has exactly %,d rows, sum(qty) = %,d, each sale in "
                        + "the partition of its modify_date (%d dates) with the source's id, customer, product and qty", label,
                t.sales.size(), qty, byDate.size()));
    }

    /** Acceptance 3–5: the three marts equal what Java computes from the sales and the current dims. */
    void marts(RetailTruth t, Checks checks, String label) throws SQLException {
        List<String> diffs = new ArrayList<>();
        List<RetailTruth.Ranked> expected = t.popularity();
        List<List<String>> got = rows("SELECT popularity_rank, product_id, name, total_qty FROM cdm.product_popularity "
                + "ORDER BY popularity_rank");
        if (got.size() != expected.size()) {
            diffs.add(got.size() + " rows, expected " + expected.size());
        }
        for (int i = 0; i < Math.min(got.size(), expected.size()); i++) {
            RetailTruth.Ranked e = expected.get(i);
            List<String> want = List.of(String.valueOf(e.rank()), String.valueOf(e.productId()), e.name(), String.valueOf(e.qty()));
            if (!want.equals(got.get(i))) {
                diffs.add("rank " + (i + 1) + ": " + got.get(i) + ", expected " + want);
            }
        }
        String top = rows("SELECT cdm.most_popular_product()").get(0).get(0);
        if (!Objects.equals(top, expected.get(0).name())) {
            diffs.add("most_popular_product() = " + top + ", expected " + expected.get(0).name());
        }
        StringBuilder ranks = new StringBuilder();
        for (RetailTruth.Ranked r : expected.subList(0, Math.min(7, expected.size()))) {
            ranks.append(ranks.length() == 0 ? "" : ", ").append(r.rank()).append(": product ").append(r.productId())
                    .append(" (").append(r.qty()).append(')');
        }
        checks.check("3", cap(diffs), String.format("%s: most_popular_product() = '%s' (product %d, total qty %d); "
                + "cdm.product_popularity ranks %s%s", label, expected.get(0).name(), expected.get(0).productId(),
                expected.get(0).qty(), ranks, expected.size() > 7 ? ", ... (" + expected.size() + " products)" : ""));
        totals("4", "sales_by_country", "country", t.byCountry(), checks, label);
        totals("5", "sales_by_product_group", "groupname", t.byGroup(), checks, label);
    }

    private void totals(String item, String mart, String column, Map<String, RetailTruth.Total> expected, Checks checks,
                        String label) throws SQLException {
        Map<String, RetailTruth.Total> got = new TreeMap<>();
        for (List<String> r : rows("SELECT " + column + ", total_qty, sales_cnt FROM cdm." + mart)) {
            got.put(r.get(0), new RetailTruth.Total(Long.parseLong(r.get(1)), Long.parseLong(r.get(2))));
        }
        List<String> diffs = new ArrayList<>();
        expected.forEach((k, v) -> {
            if (!v.equals(got.get(k))) {
                diffs.add(k + ": " + got.get(k) + ", expected " + v);
            }
        });
        got.keySet().stream().filter(k -> !expected.containsKey(k)).forEach(k -> diffs.add("unexpected " + k));
        List<Map.Entry<String, RetailTruth.Total>> order = new ArrayList<>(expected.entrySet());
        order.sort((a, b) -> Long.compare(b.getValue().qty(), a.getValue().qty()));
        StringBuilder text = new StringBuilder();
        for (Map.Entry<String, RetailTruth.Total> e : order.subList(0, Math.min(5, order.size()))) {
            text.append(text.length() == 0 ? "" : ", ").append(e.getKey()).append(' ').append(e.getValue().qty())
                    .append(" (").append(e.getValue().sales()).append(e.getValue().sales() == 1 ? " sale)" : " sales)");
        }
        checks.check(item, cap(diffs), String.format("%s: cdm.%s: %s%s", label, mart, text,
                order.size() > 5 ? ", ... (" + order.size() + " rows)" : ""));
    }

    /** Row count and checksum of every table of these schemas, as the warehouse's backup computes them; without {@code skip}. */
    Map<String, String> checksums(List<String> schemas, List<String> skip) throws SQLException {
        Map<String, String> out = new TreeMap<>();
        try (Connection c = w.connection()) {
            c.setAutoCommit(false);
            for (String schema : schemas) {
                for (Backups.TableSummary s : w.backups().summarize(c, schema)) {
                    String name = schema + "." + s.table();
                    if (!skip.contains(name)) {
                        out.put(name, s.rows() + " rows, " + s.checksum());
                    }
                }
            }
            c.rollback();
        }
        return out;
    }

    static List<String> differences(Map<String, String> before, Map<String, String> after) {
        List<String> diffs = new ArrayList<>();
        before.forEach((k, v) -> {
            if (!v.equals(after.get(k))) {
                diffs.add(k + ": " + v + " -> " + after.get(k));
            }
        });
        after.keySet().stream().filter(k -> !before.containsKey(k)).forEach(k -> diffs.add("new table " + k));
        return diffs;
    }

    private static List<String> cap(List<String> diffs) {
        if (diffs.size() <= 20) {
            return diffs;
        }
        List<String> out = new ArrayList<>(diffs.subList(0, 20));
        out.add("... " + (diffs.size() - 20) + " more");
        return out;
    }

    private static int first(Map<Integer, ?> m) {
        return m.keySet().stream().findFirst().orElse(0);
    }

    private static int last(Map<Integer, ?> m) {
        return m.keySet().stream().reduce((a, b) -> b).orElse(0);
    }
}
