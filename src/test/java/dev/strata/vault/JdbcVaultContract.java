package dev.strata.vault;

import static org.assertj.core.api.Assertions.assertThat;

import dev.strata.config.EnvResolver;
import dev.strata.config.ProjectConfig;
import dev.strata.config.ProjectLoader;
import dev.strata.ingest.JdbcLanding;
import dev.strata.testing.SourceDatabase;
import dev.strata.testing.WarehouseUnderTest;
import dev.strata.warehouse.Warehouse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * A Data Vault fed by {@code jdbc} sources, on every warehouse: the retail example's shape. Two
 * tables of a PostgreSQL source, {@code customers} and {@code sales}, land incrementally by
 * {@code modify_date} into typed STG tables ({@link JdbcLanding}, as a scheduled run does), and the
 * vault's mappings name their columns ({@code id}, {@code modify_date}). Checked: hubs, the link and
 * the satellites equal the source tables, with the standard's hash keys; {@code load_dt:
 * modify_date} becomes the satellite's version time, and without {@code load_dt:} it is the row's
 * {@code _loaded_at} (a jdbc STG table has no {@code _event_time}); a customer updated in the
 * source is one more version and nothing else changes; loads are idempotent; a value its declared
 * type refuses is rejected ({@code strata.vault_rejects}) while the rest loads, and reloads once fixed.
 * A subclass names the warehouse: {@code PostgresJdbcVaultIT}, {@code MariaDbJdbcVaultIT}.
 */
abstract class JdbcVaultContract {
    private static final String PIPELINE = "retail";
    private static final List<String> TABLES = List.of("hub_customer", "hub_sale", "link_sale", "sat_customer", "sat_sale");
    private static final String VAULT = """
            vault:
              hubs:
                hub_customer: { key: { id: integer }, from: { customers: id } }
                hub_sale: { key: { id: bigint }, from: { sales: { id: id } } }
              links:
                link_sale:
                  hubs: [hub_sale, hub_customer]
                  from: { sales: { hub_sale: id, hub_customer: customer_id } }
              satellites:
                sat_customer:
                  parent: hub_customer
                  attributes: { name: text, country: text }
                  from: { customers: { id: id, name: name, country: country, load_dt: modify_date } }
                sat_sale:
                  parent: hub_sale
                  attributes: { qty: integer, modify_date: date }
                  from: { sales: { id: id, qty: qty, modify_date: modify_date } }
            %s""";

    /** The warehouse under test. */
    protected abstract WarehouseUnderTest warehouse();

    /** The source database, its two jdbc sources and the vault over them, on a fresh warehouse. */
    private final class Retail implements AutoCloseable {
        final SourceDatabase source = SourceDatabase.postgres();
        final Warehouse w;
        ProjectConfig project;
        VaultLoader loader;

        Retail(String customerColumns) throws SQLException {
            source.exec("CREATE TABLE customers (id integer PRIMARY KEY, name varchar(100), country varchar(2), "
                            + "modify_date date" + customerColumns + ")",
                    "CREATE TABLE sales (id bigint PRIMARY KEY, customer_id integer, product_id integer, qty integer, "
                            + "modify_date date)");
            w = warehouse().newDatabase();
            w.migrate();
        }

        void declare(String moreSatellites) {
            String jdbc = "      jdbc: { url: \"" + source.url() + "\", user: " + source.user()
                    + ", password: \"${SOURCE_PASSWORD:-}\", table: %s, mode: incremental, cursor: modify_date }\n";
            String yaml = "name: " + PIPELINE + "\nsources:\n  customers:\n" + jdbc.formatted("customers")
                    + "  sales:\n" + jdbc.formatted("sales") + VAULT.formatted(moreSatellites.indent(4));
            project = new ProjectLoader(EnvResolver.of(Map.of("SOURCE_PASSWORD", source.password().reveal())))
                    .parse(Path.of("."), yaml, "strata.yaml");
            loader = new VaultLoader(w, PIPELINE, project.vault());
        }

        /** Runs each source's incremental landing once; returns the rows landed per source. */
        Map<String, Long> land() throws SQLException {
            Map<String, Long> out = new LinkedHashMap<>();
            for (String s : List.of("customers", "sales")) {
                out.put(s, JdbcLanding.of(PIPELINE, project.sources().get(s)).increment(w, "test-worker"));
            }
            return out;
        }

        @Override
        public void close() {
            w.close();
        }
    }

    @Test
    void shouldLoadTheSourceTablesIntoTheVaultVersionAnUpdatedCustomerOnceAndLoadNothingTwice() throws Exception {
        try (Retail r = new Retail("")) {
            r.source.exec("INSERT INTO customers VALUES (1, 'Ann', 'DE', DATE '2024-01-01'), (2, 'Bob', 'FR', DATE '2024-01-02'), "
                            + "(3, 'Cid', NULL, DATE '2024-01-02')",
                    "INSERT INTO sales VALUES (10, 1, 100, 2, DATE '2024-01-03'), (11, 2, 101, 1, DATE '2024-01-03'), "
                            + "(12, 1, 102, 5, DATE '2024-01-04')");
            r.declare("");
            assertThat(r.land()).containsExactly(Map.entry("customers", 3L), Map.entry("sales", 3L));

            assertThat(r.loader.loadAll()).containsExactly(Map.entry("hub_customer", 3L), Map.entry("hub_sale", 3L),
                    Map.entry("link_sale", 3L), Map.entry("sat_customer", 3L), Map.entry("sat_sale", 3L));
            assertVaultEqualsSource(r);
            Map<String, List<String>> before = tables(r.w);

            // a later modify_date: the customer's new state lands as a new row version and is its second version
            r.source.exec("UPDATE customers SET country = 'ES', modify_date = DATE '2024-02-01' WHERE id = 2");
            assertThat(r.land()).containsExactly(Map.entry("customers", 1L), Map.entry("sales", 0L));
            assertThat(r.loader.loadAll()).containsExactly(Map.entry("hub_customer", 0L), Map.entry("hub_sale", 0L),
                    Map.entry("link_sale", 0L), Map.entry("sat_customer", 1L), Map.entry("sat_sale", 0L));
            assertThat(rows(r.w, satCustomerOf(2))).containsExactly("2|2024-01-02T00:00:00Z|Bob|FR", "2|2024-02-01T00:00:00Z|Bob|ES");
            assertVaultEqualsSource(r);
            Map<String, List<String>> after = tables(r.w);
            for (String t : TABLES) {
                if (t.equals("sat_customer")) {
                    assertThat(after.get(t)).as(t + ": the earlier rows and one more").containsAll(before.get(t))
                            .hasSize(before.get(t).size() + 1);
                } else {
                    assertThat(after.get(t)).as(t + " is unchanged").isEqualTo(before.get(t));
                }
            }

            // idempotent: nothing new to land or load, and a load over nothing new inserts nothing
            assertThat(r.loader.loadAll().values()).containsOnly(0L);
            assertThat(r.land().values()).containsOnly(0L);
            assertThat(r.loader.loadAll().values()).containsOnly(0L);
            assertThat(tables(r.w)).isEqualTo(after);
        }
    }

    @Test
    void shouldRejectAValueItsDeclaredTypeRefusesLoadTheOtherRowsAndReloadItOnceFixed() throws Exception {
        try (Retail r = new Retail(", loyalty varchar(10)")) {
            r.source.exec("INSERT INTO customers VALUES (1, 'Ann', 'DE', DATE '2024-01-01', '10'), "
                    + "(2, 'Bob', 'FR', DATE '2024-01-02', 'abc'), (3, 'Cid', 'NL', DATE '2024-01-02', '30')");
            r.declare("""
                    sat_customer_loyalty:
                      parent: hub_customer
                      attributes: { loyalty: integer }
                      from: { customers: { id: id, loyalty: loyalty, load_dt: modify_date } }
                    """);
            r.land();

            Map<String, Long> loaded = r.loader.loadAll();
            assertThat(loaded).containsEntry("hub_customer", 3L).containsEntry("sat_customer", 3L)
                    .containsEntry("sat_customer_loyalty", 2L);
            assertThat(rows(r.w, "SELECT h.id, s.loyalty FROM dds.sat_customer_loyalty s JOIN dds.hub_customer h"
                    + " ON h.hub_customer_hk = s.hub_customer_hk ORDER BY h.id")).containsExactly("1|10", "3|30");
            long seq = Long.parseLong(rows(r.w, "SELECT _seq FROM stg.customers WHERE id = 2").get(0));
            VaultRejects rejects = new VaultRejects(r.w, PIPELINE);
            List<VaultRejects.Reject> pending = rejects.list(Optional.empty(), false, 100);
            assertThat(pending).extracting(VaultRejects.Reject::target, VaultRejects.Reject::stgTable, VaultRejects.Reject::stgSeq,
                            VaultRejects.Reject::column, VaultRejects.Reject::value)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple("sat_customer_loyalty", "stg.customers", seq, "loyalty", "abc"));
            assertThat(pending.get(0).describe())
                    .isEqualTo("stg.customers row _seq " + seq + ": loyalty = loyalty is 'abc', which is not a integer");
            // `strata vault rejects show`: the STG row as landed, its columns (a jdbc table has no _payload)
            VaultRejects.StgRow landed = rejects.stgRow(pending.get(0)).orElseThrow();
            assertThat(landed.key()).as("the row version's _key").hasSize(32);
            assertThat(landed.partition()).isNull();
            assertThat(landed.offset()).isNull();
            assertThat(landed.payload()).isEqualTo("{\"id\":\"2\",\"name\":\"Bob\",\"country\":\"FR\","
                    + "\"modify_date\":\"2024-01-02\",\"loyalty\":\"abc\"}");
            assertThat(rows(r.w, "SELECT watermark FROM strata.layer_watermarks WHERE target = 'sat_customer_loyalty'"))
                    .as("the watermark moved past the rejected row").containsExactly(
                            rows(r.w, "SELECT max(_seq) FROM stg.customers").get(0));
            assertThat(r.loader.loadAll().values()).as("the next load rejects nothing again").containsOnly(0L);

            // the STG row corrected: the reload loads it
            exec(r.w, "UPDATE stg.customers SET loyalty = '20' WHERE id = 2");
            assertThat(r.loader.reloadRejected("sat_customer_loyalty", Optional.empty()))
                    .isEqualTo(new VaultLoader.Reload("sat_customer_loyalty", 1, 1, 0));
            assertThat(rows(r.w, "SELECT h.id, s.loyalty, s.load_dt FROM dds.sat_customer_loyalty s JOIN dds.hub_customer h"
                    + " ON h.hub_customer_hk = s.hub_customer_hk ORDER BY h.id"))
                    .containsExactly("1|10|2024-01-01T00:00:00Z", "2|20|2024-01-02T00:00:00Z", "3|30|2024-01-02T00:00:00Z");
            assertThat(rejects.list(Optional.empty(), false, 100)).isEmpty();
        }
    }

    /**
     * A snapshot-mode source into the vault: each date's whole table lands again, so the vault sees
     * every unchanged row once per date; hubs take only new keys, the satellite (versioned by
     * {@code _snapshot_date}) only changed rows, and a date run again (a retry, a backfill)
     * changes nothing: the latest date's rows collapse, a past date's are late rows.
     */
    @Test
    void shouldLoadSnapshotsIntoTheVaultAsVersionsOfWhatChangedBetweenDates() throws Exception {
        try (Retail r = new Retail("")) {
            r.source.exec("INSERT INTO customers VALUES (1, 'Ann', 'DE', NULL), (2, 'Bob', 'FR', NULL)");
            String yaml = "name: " + PIPELINE + "\nsources:\n  customers:\n"
                    + "    jdbc: { url: \"" + r.source.url() + "\", user: " + r.source.user()
                    + ", password: \"${SOURCE_PASSWORD:-}\", table: customers, mode: snapshot }\n"
                    + """
                    vault:
                      hubs:
                        hub_customer: { key: { id: integer }, from: { customers: id } }
                      satellites:
                        sat_customer:
                          parent: hub_customer
                          attributes: { name: text, country: text }
                          from: { customers: { id: id, name: name, country: country, load_dt: _snapshot_date } }
                    """;
            r.project = new ProjectLoader(EnvResolver.of(Map.of("SOURCE_PASSWORD", r.source.password().reveal())))
                    .parse(Path.of("."), yaml, "strata.yaml");
            VaultLoader loader = new VaultLoader(r.w, PIPELINE, r.project.vault());
            JdbcLanding landing = JdbcLanding.of(PIPELINE, r.project.sources().get("customers"));
            java.util.function.Function<LocalDate, Long> land = date -> {
                try {
                    return r.w.inTransaction(tx -> landing.snapshot(r.w, tx, date, "test-worker"));
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
            };
            String versions = "SELECT h.id, s.load_dt, s.name, s.country FROM dds.sat_customer s JOIN dds.hub_customer h"
                    + " ON h.hub_customer_hk = s.hub_customer_hk ORDER BY h.id, s.load_dt";

            assertThat(land.apply(LocalDate.of(2024, 3, 1))).isEqualTo(2L);
            assertThat(loader.loadAll()).containsExactly(Map.entry("hub_customer", 2L), Map.entry("sat_customer", 2L));
            // the same date again (a retry): the snapshot is replaced, the vault gains nothing
            assertThat(land.apply(LocalDate.of(2024, 3, 1))).isEqualTo(2L);
            assertThat(loader.loadAll()).containsExactly(Map.entry("hub_customer", 0L), Map.entry("sat_customer", 0L));

            r.source.exec("UPDATE customers SET country = 'ES' WHERE id = 2", "INSERT INTO customers VALUES (3, 'Cid', NULL, NULL)");
            assertThat(land.apply(LocalDate.of(2024, 3, 2))).isEqualTo(3L);
            assertThat(loader.loadAll()).as("Cid is new; Bob changed; Ann did not")
                    .containsExactly(Map.entry("hub_customer", 1L), Map.entry("sat_customer", 2L));
            assertThat(rows(r.w, versions)).containsExactly("1|2024-03-01T00:00:00Z|Ann|DE",
                    "2|2024-03-01T00:00:00Z|Bob|FR", "2|2024-03-02T00:00:00Z|Bob|ES", "3|2024-03-02T00:00:00Z|Cid|\\N");
            Map<String, List<String>> loaded = new LinkedHashMap<>();
            for (String t : List.of("hub_customer", "sat_customer")) {
                loaded.put(t, rows(r.w, "SELECT * FROM dds." + t + " ORDER BY 1, 2"));
            }
            // the latest date run again: nothing changes in the vault
            land.apply(LocalDate.of(2024, 3, 2));
            assertThat(loader.loadAll().values()).containsOnly(0L);
            for (String t : loaded.keySet()) {
                assertThat(rows(r.w, "SELECT * FROM dds." + t + " ORDER BY 1, 2")).as(t).isEqualTo(loaded.get(t));
            }
            // a past date run again takes today's rows under that date (Bob ES, Cid at 03-01): they are
            // late for their parents (not newer than what the satellite has seen), so history stays
            assertThat(land.apply(LocalDate.of(2024, 3, 1))).isEqualTo(3L);
            assertThat(loader.loadAll().values()).containsOnly(0L);
            for (String t : loaded.keySet()) {
                assertThat(rows(r.w, "SELECT * FROM dds." + t + " ORDER BY 1, 2")).as(t).isEqualTo(loaded.get(t));
            }
        }
    }

    private static String satCustomerOf(int id) {
        return "SELECT h.id, s.load_dt, s.name, s.country FROM dds.sat_customer s JOIN dds.hub_customer h"
                + " ON h.hub_customer_hk = s.hub_customer_hk" + (id < 0 ? "" : " WHERE h.id = " + id) + " ORDER BY h.id, s.load_dt";
    }

    /**
     * The vault against the source, computed here from the source's rows: each hub's keys with the
     * standard's hash key, the link's pairs, every customer version (load_dt: modify_date, at UTC
     * midnight), and each sale's one version at its STG row's {@code _loaded_at}.
     */
    private static void assertVaultEqualsSource(Retail r) throws Exception {
        List<String> customers = sourceRows(r.source, "SELECT id, name, country, modify_date FROM customers ORDER BY id");
        List<String> sales = sourceRows(r.source, "SELECT id, customer_id, qty, modify_date FROM sales ORDER BY id");
        List<String> hubCustomer = new ArrayList<>();
        for (String c : customers) {
            String id = c.split("\\|")[0];
            hubCustomer.add(HashStandard.hashKey(List.of(id)) + "|" + id + "|customers");
        }
        assertThat(rows(r.w, "SELECT hub_customer_hk, id, record_source FROM dds.hub_customer ORDER BY id")).isEqualTo(hubCustomer);
        List<String> hubSale = new ArrayList<>();
        List<String> link = new ArrayList<>();
        List<String> satSale = new ArrayList<>();
        for (String s : sales) {
            String[] f = s.split("\\|");
            hubSale.add(HashStandard.hashKey(List.of(f[0])) + "|" + f[0] + "|sales");
            link.add(HashStandard.hashKey(List.of(f[0], f[1])) + "|" + f[0] + "|" + f[1]);
            satSale.add(f[0] + "|" + f[2] + "|" + f[3]);
        }
        assertThat(rows(r.w, "SELECT hub_sale_hk, id, record_source FROM dds.hub_sale ORDER BY id")).isEqualTo(hubSale);
        assertThat(rows(r.w, "SELECT l.link_sale_hk, hs.id, hc.id FROM dds.link_sale l"
                + " JOIN dds.hub_sale hs ON hs.hub_sale_hk = l.hub_sale_hk"
                + " JOIN dds.hub_customer hc ON hc.hub_customer_hk = l.hub_customer_hk ORDER BY hs.id")).isEqualTo(link);
        assertThat(rows(r.w, "SELECT h.id, s.qty, s.modify_date FROM dds.sat_sale s JOIN dds.hub_sale h"
                + " ON h.hub_sale_hk = s.hub_sale_hk ORDER BY h.id")).isEqualTo(satSale);
        assertThat(rows(r.w, "SELECT h.id, s.load_dt FROM dds.sat_sale s JOIN dds.hub_sale h ON h.hub_sale_hk = s.hub_sale_hk"
                + " ORDER BY h.id")).as("without load_dt: a sale's version time is its landing")
                .isEqualTo(rows(r.w, "SELECT id, _loaded_at FROM stg.sales ORDER BY id"));
        // the current version of each customer is the source's row, at its modify_date
        List<String> current = new ArrayList<>();
        for (String c : customers) {
            String[] f = c.split("\\|", -1);
            current.add(f[0] + "|" + LocalDate.parse(f[3]).atStartOfDay().atOffset(ZoneOffset.UTC).toInstant() + "|" + f[1]
                    + "|" + f[2]);
        }
        Map<String, String> latest = new LinkedHashMap<>();
        for (String v : rows(r.w, satCustomerOf(-1))) {
            latest.put(v.split("\\|")[0], v);   // ordered by load_dt: the last is the current version
        }
        assertThat(new ArrayList<>(latest.values())).isEqualTo(current);
    }

    /** Every vault table's rows, each as text, in a stable order. */
    private static Map<String, List<String>> tables(Warehouse w) throws SQLException {
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (String t : TABLES) {
            List<String> rows = rows(w, "SELECT * FROM dds." + t);
            rows.sort(null);
            out.put(t, rows);
        }
        return out;
    }

    private static List<String> sourceRows(SourceDatabase db, String sql) throws SQLException {
        try (Connection c = db.connect()) {
            return rows(c, sql, null);
        }
    }

    /** Rows as {@code a|b|c}: hash keys as UUIDs, times as UTC instants, NULL as \N. */
    private static List<String> rows(Warehouse w, String sql) throws SQLException {
        try (Connection c = w.connection()) {
            return rows(c, sql, w);
        }
    }

    private static List<String> rows(Connection c, String sql, Warehouse w) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            ResultSetMetaData md = rs.getMetaData();
            while (rs.next()) {
                List<String> row = new ArrayList<>();
                for (int i = 1; i <= md.getColumnCount(); i++) {
                    String name = md.getColumnLabel(i).toLowerCase(java.util.Locale.ROOT);
                    Object value;
                    if (w != null && (name.endsWith("_hk") || name.equals("hashdiff"))) {
                        value = w.sql().readHashKey(rs, i);
                    } else if (name.endsWith("_dt") || name.equals("_loaded_at")) {
                        OffsetDateTime t = rs.getObject(i, OffsetDateTime.class);
                        value = t == null ? null : t.toInstant();
                    } else {
                        value = rs.getString(i);
                    }
                    row.add(value == null ? "\\N" : value.toString());
                }
                out.add(String.join("|", row));
            }
        }
        return out;
    }

    private static void exec(Warehouse w, String sql) throws SQLException {
        w.inTransaction(c -> {
            try (Statement s = c.createStatement()) {
                s.execute(sql);
            }
            return null;
        });
    }
}
