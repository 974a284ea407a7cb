package dev.strata.examples.retail;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the marts must hold, computed in Java from the rows put into the sales database — never with
 * the pipeline's SQL: the current state of every customer and product (the last change wins), the
 * sales, and the three aggregates of scenario 004 §3.5 with §5.2's ranking.
 */
final class RetailTruth {
    /** A mart row of sales_by_country / sales_by_product_group: total quantity and number of sales. */
    record Total(long qty, long sales) {
    }

    /** A row of product_popularity. */
    record Ranked(int rank, int productId, String name, long qty) {
    }

    final Map<Integer, RetailData.Customer> customers = new TreeMap<>();
    final Map<Integer, RetailData.Product> products = new TreeMap<>();
    final Map<Long, RetailData.Sale> sales = new TreeMap<>();

    /** The state after inserting each of {@code inserted} and then applying each of {@code changes}. */
    RetailTruth(List<RetailData.Rows> inserted, List<RetailData.Rows> changes) {
        for (RetailData.Rows r : inserted) {
            r.customers().forEach(c -> customers.put(c.id(), c));
            r.products().forEach(p -> products.put(p.id(), p));
            r.sales().forEach(s -> sales.put(s.id(), s));
        }
        for (RetailData.Rows r : changes) {
            r.customers().forEach(c -> customers.put(c.id(), c));
            r.products().forEach(p -> products.put(p.id(), p));
        }
    }

    Map<String, Total> byCountry() {
        Map<String, long[]> t = new TreeMap<>();
        for (RetailData.Sale s : sales.values()) {
            long[] a = t.computeIfAbsent(customers.get(s.customerId()).country(), k -> new long[2]);
            a[0] += s.qty();
            a[1]++;
        }
        Map<String, Total> out = new TreeMap<>();
        t.forEach((k, a) -> out.put(k, new Total(a[0], a[1])));
        return out;
    }

    Map<String, Total> byGroup() {
        Map<String, long[]> t = new TreeMap<>();
        for (RetailData.Sale s : sales.values()) {
            long[] a = t.computeIfAbsent(products.get(s.productId()).groupname(), k -> new long[2]);
            a[0] += s.qty();
            a[1]++;
        }
        Map<String, Total> out = new TreeMap<>();
        t.forEach((k, a) -> out.put(k, new Total(a[0], a[1])));
        return out;
    }

    /** Every product sold, by total quantity descending, ties by the smaller id (§5.2). */
    List<Ranked> popularity() {
        Map<Integer, Long> qty = new TreeMap<>();
        sales.values().forEach(s -> qty.merge(s.productId(), (long) s.qty(), Long::sum));
        List<Map.Entry<Integer, Long>> order = new ArrayList<>(qty.entrySet());
        order.sort(Comparator.<Map.Entry<Integer, Long>>comparingLong(Map.Entry::getValue).reversed()
                .thenComparing(Map.Entry::getKey));
        List<Ranked> out = new ArrayList<>();
        for (Map.Entry<Integer, Long> e : order) {
            out.add(new Ranked(out.size() + 1, e.getKey(), products.get(e.getKey()).name(), e.getValue()));
        }
        return out;
    }

    long totalQty() {
        return sales.values().stream().mapToLong(RetailData.Sale::qty).sum();
    }

    /** The sales of each date. */
    Map<LocalDate, List<RetailData.Sale>> salesByDate() {
        Map<LocalDate, List<RetailData.Sale>> out = new TreeMap<>();
        sales.values().forEach(s -> out.computeIfAbsent(s.modifyDate(), k -> new ArrayList<>()).add(s));
        return out;
    }
}
