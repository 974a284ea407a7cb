package dev.strata.examples.retail;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The rows of the sales database (scenario 004 §4): the seed's fixture, exactly as its
 * {@code test_data} DAG inserted it, and the deterministic scale data added after it: more customers,
 * products and sales dated after the fixture's year, then a few customers and products changed
 * again with a later {@code modify_date} (§4 "5 % updated later").
 */
public final class RetailData {
    public record Customer(int id, String name, String country, LocalDate modifyDate) {
    }

    public record Product(int id, String name, String groupname, LocalDate modifyDate) {
    }

    public record Sale(long id, int customerId, int productId, int qty, LocalDate modifyDate) {
    }

    /** A set of rows: inserted as they are, or (changes) applied as updates of existing rows by id. */
    public record Rows(List<Customer> customers, List<Product> products, List<Sale> sales) {
        public Rows {
            customers = List.copyOf(customers);
            products = List.copyOf(products);
            sales = List.copyOf(sales);
        }
    }

    private RetailData() {
    }

    /** The fixture of §4; the sales get ids 1–9 in the seed's order (§4 "for the rebuild"). */
    public static Rows fixture() {
        List<Product> p = new ArrayList<>();
        String[][] products = {
                {"OLVARIT APPLE WITH BISCUIT 200G", "FOOD FRUIT JARS", "2022-05-13"},
                {"OLVARIT BANANA APPLE COOKIE CRUMBLE 200G", "FOOD FRUIT JARS", "2022-05-13"},
                {"OLVARIT APPLE BANANA ORANGE BISCUIT 200G", "FOOD FRUIT JARS", "2022-06-13"},
                {"OLVARIT APPLE PEACH APRICOT BISCUIT 200G", "FOOD FRUIT JARS", "2022-06-15"},
                {"OLVARIT APRICOT APPLE BANANA 2X200G", "FOOD FRUIT JARS", "2022-07-10"},
                {"BISCUITS CEREALS", "FOOD PLAIN CEREALS", "2022-07-12"},
                {"NUTRILON A.R. 1 4X(5X22G)", "MILK IFFO SPECIALS", "2022-07-13"},
                {"NUTRILON PEPTI 1 4X(5X22,7G)", "MILK IFFO SPECIALS", "2022-08-13"},
                {"NUTRILON B.M.F 4X50X2.2G", "MILK IFFO SPECIALS", "2022-08-13"},
                {"OLV 8M858 BANANA STRAW 90G", "FOOD FRUIT POUCHES", "2022-08-13"},
                {"OLV 8M862 APRICOT PEAR BANANA 90G", "FOOD FRUIT POUCHES", "2022-09-05"},
                {"OLV 12M863 STRAWBERRY BANANA KIWI 90G", "FOOD FRUIT POUCHES", "2022-09-06"},
                {"OLV 6M860 APPLE BANANA 90G", "FOOD FRUIT POUCHES", "2022-09-06"},
                {"OLV 12M864 BLUEBERRY BLACKCURRANT 90G", "FOOD FRUIT POUCHES", "2022-09-06"},
                {"OLV 6M859 PEAR APPLE 90G", "FOOD FRUIT POUCHES", "2022-09-06"},
                {"OLV 12M866 FOREST FRUIT YOG 90G", "FOOD FRUIT POUCHES", "2022-09-06"},
                {"OLV 12M865 EXOTIC MANGO 90G", "FOOD FRUIT POUCHES", "2022-12-20"},
                {"NTRLN EX-PREMATURE, BLG 6X800G", "MILK IFFO SPECIALS", "2022-12-20"},
                {"OLVARIT 7 CEREALS 6X200G", "FOOD PLAIN CEREALS", "2022-12-20"},
                {"OLVARIT APPLE MANGO BANANA", "FOOD FRUIT JARS", "2022-12-29"}};
        for (int i = 0; i < products.length; i++) {
            p.add(new Product(i + 1, products[i][0], products[i][1], LocalDate.parse(products[i][2])));
        }
        List<Customer> c = new ArrayList<>();
        String[][] customers = {
                {"Ivanova Maria", "Ukraine", "2022-01-13"}, {"Ivanov Ivan", "Russia", "2022-01-20"},
                {"Montgomery Berns", "USA", "2022-01-23"}, {"Eugenii Marchenko", "Ukraine", "2022-02-02"},
                {"Carmen Electra", "USA", "2022-02-03"}, {"Richard Mayer", "Germany", "2022-03-13"},
                {"Alex McLane", "Canada", "2022-03-13"}, {"Johnny Depp", "USA", "2022-10-13"},
                {"John Simpson", "USA", "2022-12-20"}};
        for (int i = 0; i < customers.length; i++) {
            c.add(new Customer(i + 1, customers[i][0], customers[i][1], LocalDate.parse(customers[i][2])));
        }
        int[][] sales = {{1, 6, 6}, {4, 3, 2}, {5, 1, 10}, {2, 20, 6}, {6, 18, 15}, {7, 17, 10}, {6, 10, 27}, {8, 18, 24},
                {9, 17, 10}};
        String[] dates = {"2022-08-14", "2022-08-14", "2022-08-14", "2022-02-13", "2022-03-23", "2022-06-13", "2022-05-13",
                "2022-10-14", "2022-12-21"};
        List<Sale> s = new ArrayList<>();
        for (int i = 0; i < sales.length; i++) {
            s.add(new Sale(i + 1, sales[i][0], sales[i][1], sales[i][2], LocalDate.parse(dates[i])));
        }
        return new Rows(c, p, s);
    }

    /**
     * How much scale data: customers and products up to these totals (fixture included), this many
     * more sales, dated {@code from} .. {@code to}; changes dated after {@code to}.
     */
    public record Scale(int customers, int products, int sales, LocalDate from, LocalDate to, int changeDays, double changed) {
        /** The scenario's proposal (§4): 1,000 customers in 12 countries, 200 products in 10 groups, 50,000 sales, 5 % changed. */
        public static Scale seed() {
            return new Scale(1_000, 200, 50_000, LocalDate.parse("2023-01-01"), LocalDate.parse("2023-01-07"), 3, 0.05);
        }

        /** Fewer rows over fewer days (tests). */
        public static Scale small() {
            return new Scale(100, 40, 2_000, LocalDate.parse("2023-01-01"), LocalDate.parse("2023-01-04"), 2, 0.05);
        }

        /** The first date of the changes. */
        public LocalDate changesFrom() {
            return to.plusDays(1);
        }

        /** The last date anything is dated. */
        public LocalDate last() {
            return to.plusDays(changeDays);
        }
    }

    static final List<String> COUNTRIES = List.of("Ukraine", "Russia", "USA", "Germany", "Canada", "France", "Poland",
            "Italy", "Spain", "Netherlands", "Sweden", "Austria");
    static final List<String> GROUPS = List.of("FOOD FRUIT JARS", "FOOD PLAIN CEREALS", "MILK IFFO SPECIALS",
            "FOOD FRUIT POUCHES", "FOOD SAVOURY JARS", "FOOD SNACKS", "MILK GROWING UP", "MILK STANDARD", "DRINKS JUICE",
            "CARE WIPES");

    /** The scale data's new rows (ids after the fixture's), seeded. */
    public static Rows scale(Scale scale, long seed) {
        Random r = new Random(seed);
        Rows f = fixture();
        int days = (int) (scale.to().toEpochDay() - scale.from().toEpochDay()) + 1;
        List<Customer> c = new ArrayList<>();
        for (int id = f.customers().size() + 1; id <= scale.customers(); id++) {
            c.add(new Customer(id, "Customer " + id, COUNTRIES.get(r.nextInt(COUNTRIES.size())),
                    scale.from().plusDays(r.nextInt(days))));
        }
        List<Product> p = new ArrayList<>();
        for (int id = f.products().size() + 1; id <= scale.products(); id++) {
            p.add(new Product(id, "PRODUCT " + id + " " + (50 + r.nextInt(900)) + "G", GROUPS.get(r.nextInt(GROUPS.size())),
                    scale.from().plusDays(r.nextInt(days))));
        }
        List<Sale> s = new ArrayList<>();
        long next = f.sales().size() + 1;
        for (int i = 0; i < scale.sales(); i++) {
            s.add(new Sale(next++, 1 + r.nextInt(scale.customers()), 1 + r.nextInt(scale.products()), 1 + r.nextInt(30),
                    scale.from().plusDays(r.nextInt(days))));
        }
        return new Rows(c, p, s);
    }

    /**
     * The later changes (§4): {@code changed} of all customers get another country (and a few a new
     * name), of all products another group, each with a {@code modify_date} after the scale data's.
     * Rows are the new state of existing ids; applied as updates.
     */
    public static Rows changes(Scale scale, long seed) {
        Random r = new Random(seed + 1);
        Map<Integer, Customer> customers = new LinkedHashMap<>();
        all(scale, seed).customers().forEach(x -> customers.put(x.id(), x));
        Map<Integer, Product> products = new LinkedHashMap<>();
        all(scale, seed).products().forEach(x -> products.put(x.id(), x));
        List<Customer> c = new ArrayList<>();
        for (Customer old : pick(new ArrayList<>(customers.values()), (int) Math.round(customers.size() * scale.changed()), r)) {
            String country;
            do {
                country = COUNTRIES.get(r.nextInt(COUNTRIES.size()));
            } while (country.equals(old.country()));
            String name = r.nextInt(4) == 0 ? old.name() + " (married)" : old.name();
            c.add(new Customer(old.id(), name, country, scale.changesFrom().plusDays(r.nextInt(scale.changeDays()))));
        }
        List<Product> p = new ArrayList<>();
        for (Product old : pick(new ArrayList<>(products.values()), (int) Math.round(products.size() * scale.changed()), r)) {
            String group;
            do {
                group = GROUPS.get(r.nextInt(GROUPS.size()));
            } while (group.equals(old.groupname()));
            p.add(new Product(old.id(), old.name(), group, scale.changesFrom().plusDays(r.nextInt(scale.changeDays()))));
        }
        c.sort(Comparator.comparingInt(Customer::id));
        p.sort(Comparator.comparingInt(Product::id));
        return new Rows(c, p, List.of());
    }

    /** The fixture and the scale data's new rows together. */
    public static Rows all(Scale scale, long seed) {
        Rows f = fixture();
        Rows s = scale(scale, seed);
        List<Customer> c = new ArrayList<>(f.customers());
        c.addAll(s.customers());
        List<Product> p = new ArrayList<>(f.products());
        p.addAll(s.products());
        List<Sale> sa = new ArrayList<>(f.sales());
        sa.addAll(s.sales());
        return new Rows(c, p, sa);
    }

    private static <T> List<T> pick(List<T> from, int n, Random r) {
        java.util.Collections.shuffle(from, r);
        return from.subList(0, Math.min(n, from.size()));
    }
}
