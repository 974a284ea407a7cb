package dev.strata.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import dev.strata.testing.TestServers;
import dev.strata.warehouse.Warehouse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scenario 004's star schema with the existing materializations: {@code cdm.fact_sales} is an
 * {@code incremental} mart on {@code sale_date}, so each daily run replaces exactly its partition
 * ({@code DELETE … WHERE sale_date} in the day, then {@code INSERT}); {@code cdm.dim_customers} is
 * a {@code table} mart holding the latest satellite row per hub key (SCD1 over the satellite's
 * SCD2 history); {@code cdm.sales_by_country} is recomputed over the whole fact. Expected rows
 * are computed in Java from the source rows.
 */
class PartitionedFactIT {
    private static final String YAML = """
            name: retail_star
            marts:
              fact_sales: { materialized: incremental, time_column: sale_date, unique_key: [sale_id] }
              dim_customers: { materialized: table, unique_key: [id] }
              sales_by_country: { materialized: table }
            schedule:
              marts: { every: 1d, start: 2022-08-13, end: 2022-08-15 }
            """;
    private static final Map<String, String> FILES = Map.of(
            "marts/fact_sales.sql", """
                    select s.id as sale_id, s.customer_id, s.product_id, s.qty, s.modify_date as sale_date
                    from src.sales s
                    where s.modify_date >= {{ interval_start }} and s.modify_date < {{ interval_end }}
                    """,
            "marts/dim_customers.sql", """
                    select h.id, s.name, s.country
                    from dds.h_customer h
                    join (select h_customer_hk, name, country,
                                 row_number() over (partition by h_customer_hk order by load_dt desc) as rn
                          from dds.s_customer) s on s.h_customer_hk = h.h_customer_hk and s.rn = 1
                    """,
            "marts/sales_by_country.sql", """
                    select d.country, sum(f.qty) as total_qty, count(*) as sales_cnt
                    from {{ ref('fact_sales') }} f join {{ ref('dim_customers') }} d on d.id = f.customer_id
                    group by d.country
                    """);
    private static final Instant D13 = Instant.parse("2022-08-13T00:00:00Z");
    private static final Instant D14 = Instant.parse("2022-08-14T00:00:00Z");
    private static final Instant D15 = Instant.parse("2022-08-15T00:00:00Z");

    @TempDir
    Path dir;

    /** A source sale: id, customer, product, qty, day. */
    record Sale(int id, int customer, int product, int qty, LocalDate day) {
        List<String> factRow() {
            return List.of(String.valueOf(id), String.valueOf(customer), String.valueOf(product), String.valueOf(qty), day.toString());
        }
    }

    private static void writeSales(Warehouse w, List<Sale> sales) throws Exception {
        TestProject.sql(w, "DELETE FROM src.sales");
        try (Connection c = w.connection(); PreparedStatement ps = c.prepareStatement("INSERT INTO src.sales VALUES (?, ?, ?, ?, ?)")) {
            for (Sale s : sales) {
                ps.setInt(1, s.id());
                ps.setInt(2, s.customer());
                ps.setInt(3, s.product());
                ps.setInt(4, s.qty());
                ps.setObject(5, s.day());
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    private static List<List<String>> partition(Warehouse w, LocalDate day) throws Exception {
        return TestProject.rows(w, "SELECT sale_id, customer_id, product_id, qty, sale_date FROM cdm.fact_sales "
                + "WHERE sale_date = date '" + day + "' ORDER BY sale_id");
    }

    private static List<List<String>> expected(List<Sale> sales, LocalDate day) {
        return sales.stream().filter(s -> s.day().equals(day)).sorted(java.util.Comparator.comparingInt(Sale::id))
                .map(Sale::factRow).toList();
    }

    /** country → {qty, count}, from the sales and each customer's current country. */
    private static Map<String, long[]> byCountry(List<Sale> sales, Map<Integer, String> country) {
        Map<String, long[]> out = new TreeMap<>();
        for (Sale s : sales) {
            long[] a = out.computeIfAbsent(country.get(s.customer()), k -> new long[2]);
            a[0] += s.qty();
            a[1]++;
        }
        return out;
    }

    private static Map<String, long[]> byCountry(Warehouse w) throws Exception {
        Map<String, long[]> out = new TreeMap<>();
        for (List<String> r : TestProject.rows(w, "SELECT country, total_qty, sales_cnt FROM cdm.sales_by_country")) {
            out.put(r.get(0), new long[] {Long.parseLong(r.get(1)), Long.parseLong(r.get(2))});
        }
        return out;
    }

    private static String checksum(Warehouse w, String table) throws Exception {
        return TestProject.rows(w, "SELECT count(*) || ':' || coalesce(md5(string_agg(t::text, '|' ORDER BY t::text)), '') FROM "
                + table + " t").get(0).get(0);
    }

    @Test
    void shouldReplaceOneDaysPartitionOfTheFactAndKeepOneCurrentRowPerCustomer() throws Exception {
        try (Warehouse w = TestServers.newDatabase()) {
            w.migrate();
            TestProject.sql(w, "CREATE SCHEMA src", "CREATE TABLE src.sales (id int, customer_id int, product_id int, qty int, modify_date date)",
                    "CREATE SCHEMA dds", "CREATE TABLE dds.h_customer (h_customer_hk uuid PRIMARY KEY, id int)",
                    "CREATE TABLE dds.s_customer (h_customer_hk uuid, load_dt timestamptz, name text, country text, "
                            + "PRIMARY KEY (h_customer_hk, load_dt))");
            for (int id = 1; id <= 3; id++) {
                TestProject.sql(w, "INSERT INTO dds.h_customer VALUES (md5('" + id + "')::uuid, " + id + ")");
            }
            TestProject.sql(w, "INSERT INTO dds.s_customer VALUES (md5('1')::uuid, '2022-01-13', 'Ivanova Maria', 'Ukraine'), "
                    + "(md5('2')::uuid, '2022-01-20', 'Ivanov Ivan', 'Russia'), (md5('3')::uuid, '2022-01-23', 'Montgomery Berns', 'USA')");
            List<Sale> sales = new ArrayList<>(List.of(
                    new Sale(1, 1, 6, 6, LocalDate.of(2022, 8, 14)), new Sale(2, 3, 3, 2, LocalDate.of(2022, 8, 14)),
                    new Sale(3, 2, 1, 10, LocalDate.of(2022, 8, 14)), new Sale(4, 2, 20, 6, LocalDate.of(2022, 8, 13)),
                    new Sale(5, 3, 18, 15, LocalDate.of(2022, 8, 15)), new Sale(6, 1, 1, 1, LocalDate.of(2022, 8, 12))));
            writeSales(w, sales);
            TestProject.write(dir, YAML, FILES);
            Pipeline p = TestProject.pipeline(dir, w);
            Backfill backfill = new Backfill(p, w, "test", Clock.systemUTC());
            assertThat(backfill.run(Backfill.Options.of(D13, D15), Backfill.Progress.NONE).ok()).isTrue();

            List<Sale> inRange = sales.stream().filter(s -> !s.day().isBefore(LocalDate.of(2022, 8, 13))).toList();
            for (LocalDate d = LocalDate.of(2022, 8, 13); !d.isAfter(LocalDate.of(2022, 8, 15)); d = d.plusDays(1)) {
                assertThat(partition(w, d)).as("partition %s", d).isEqualTo(expected(sales, d));
            }
            assertThat(TestProject.count(w, "SELECT count(*) FROM cdm.fact_sales WHERE sale_date = date '2022-08-12'"))
                    .as("a day outside the backfill is not loaded").isZero();
            Map<Integer, String> country = new LinkedHashMap<>(Map.of(1, "Ukraine", 2, "Russia", 3, "USA"));
            assertThat(byCountry(w)).usingRecursiveComparison().isEqualTo(byCountry(inRange, country));

            // the source changes on 2022-08-14: one sale deleted, one re-quantified, one added; and customer 1
            // moves to Germany (a new satellite row, later load_dt)
            sales.removeIf(s -> s.id() == 2);
            sales.replaceAll(s -> s.id() == 3 ? new Sale(3, 2, 1, 12, s.day()) : s);
            sales.add(new Sale(7, 1, 17, 10, LocalDate.of(2022, 8, 14)));
            writeSales(w, sales);
            TestProject.sql(w, "INSERT INTO dds.s_customer VALUES (md5('1')::uuid, '2022-09-01', 'Ivanova Maria', 'Germany')");
            String before13 = checksum(w, "(SELECT * FROM cdm.fact_sales WHERE sale_date = date '2022-08-13')");
            String before15 = checksum(w, "(SELECT * FROM cdm.fact_sales WHERE sale_date = date '2022-08-15')");

            Backfill.Result rerun = backfill.run(Backfill.Options.of(D14, D14).withRerun(true), Backfill.Progress.NONE);
            assertThat(rerun.ok()).isTrue();
            assertThat(rerun.runs()).hasSize(3);
            assertThat(partition(w, LocalDate.of(2022, 8, 14))).isEqualTo(expected(sales, LocalDate.of(2022, 8, 14)));
            assertThat(checksum(w, "(SELECT * FROM cdm.fact_sales WHERE sale_date = date '2022-08-13')")).isEqualTo(before13);
            assertThat(checksum(w, "(SELECT * FROM cdm.fact_sales WHERE sale_date = date '2022-08-15')")).isEqualTo(before15);
            // SCD1: one row per customer, the latest country; every sale of customer 1 now counts for Germany
            assertThat(TestProject.rows(w, "SELECT id, name, country FROM cdm.dim_customers ORDER BY id")).containsExactly(
                    List.of("1", "Ivanova Maria", "Germany"), List.of("2", "Ivanov Ivan", "Russia"),
                    List.of("3", "Montgomery Berns", "USA"));
            country.put(1, "Germany");
            inRange = sales.stream().filter(s -> !s.day().isBefore(LocalDate.of(2022, 8, 13))).toList();
            assertThat(byCountry(w)).usingRecursiveComparison().isEqualTo(byCountry(inRange, country));
            assertThat(byCountry(w)).doesNotContainKey("Ukraine");

            // re-running every day changes nothing
            String fact = checksum(w, "cdm.fact_sales");
            String dim = checksum(w, "cdm.dim_customers");
            String marts = checksum(w, "cdm.sales_by_country");
            assertThat(backfill.run(Backfill.Options.of(D13, D15).withRerun(true), Backfill.Progress.NONE).ok()).isTrue();
            assertThat(List.of(checksum(w, "cdm.fact_sales"), checksum(w, "cdm.dim_customers"), checksum(w, "cdm.sales_by_country")))
                    .containsExactly(fact, dim, marts);
        }
    }
}
