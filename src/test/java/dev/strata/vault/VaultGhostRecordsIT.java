package dev.strata.vault;

import static org.assertj.core.api.Assertions.assertThat;

import dev.strata.config.EnvResolver;
import dev.strata.config.ProjectConfig;
import dev.strata.config.ProjectLoader;
import dev.strata.testing.WarehouseUnderTest;
import dev.strata.warehouse.Warehouse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code ghost_records: true}: every hub and satellite holds one ghost row (the all-ones key, next
 * to the unknown member's all-zero one), inserted once, ignored by the loads and by the integrity
 * checks; the other rows are exactly those of the same vault without ghosts.
 */
public class VaultGhostRecordsIT {
    private static final String GHOST = HashStandard.GHOST_KEY.toString();
    private static final OffsetDateTime T = OffsetDateTime.of(2024, 8, 1, 0, 0, 0, 0, ZoneOffset.UTC);
    private static final String YAML = """
            name: ghosts
            sources:
              events: { kafka: { topic: events } }
            vault:
              ghost_records: %s
              hubs:
                h_customer: { key: { customer_id: bigint }, from: { events: $.id } }
                h_shop: { key: shop, from: { events: $.shop } }
              links:
                l_customer_shop:
                  hubs: [h_customer, h_shop]
                  from: { events: { h_customer: $.id, h_shop: $.shop } }
              satellites:
                s_customer: { parent: h_customer, attributes: { name: text }, from: { events: { customer_id: $.id, name: $.name } } }
                s_phones:
                  parent: h_customer
                  multi_active: { key: [kind, n] }
                  attributes: { kind: text, n: integer, number: text }
                  from: { events: { each: $.phones, customer_id: $.id, kind: $item.kind, n: $item.n, number: $item.number } }
                s_home_shop:
                  parent: l_customer_shop
                  effectivity: { driving_key: h_customer }
                  from: { events: { h_customer: $.id, h_shop: $.shop } }
            """;
    private static final List<String> TABLES = List.of("h_customer", "h_shop", "l_customer_shop", "s_customer", "s_phones", "s_home_shop");

    private static ProjectConfig project(boolean ghosts) {
        return new ProjectLoader(EnvResolver.of(Map.of())).parse(Path.of("."), YAML.formatted(ghosts), "strata.yaml");
    }

    @Test
    void shouldKeepOneGhostRowInEveryHubAndSatelliteAndLoadTheRestAsWithout() throws Exception {
        check(WarehouseUnderTest.postgres());
    }

    /** The check on any warehouse (the warehouse contract runs it too). */
    public static void check(WarehouseUnderTest target) throws Exception {
        List<StgFixture.Row> rows = List.of(
                new StgFixture.Row(null, "{\"id\": 1, \"shop\": \"a\", \"name\": \"Ann\", \"phones\": [{\"kind\": \"home\", \"n\": 1, \"number\": \"123\"}]}", T),
                new StgFixture.Row(null, "{\"id\": 1, \"shop\": \"b\", \"name\": \"Ann\", \"phones\": []}", T.plusHours(1)),
                new StgFixture.Row(null, "{\"id\": null, \"shop\": \"c\", \"name\": \"nobody\"}", T.plusHours(2)));
        // one database at a time (on MariaDB every "new database" is the shared test server emptied):
        // the loads with ghost records first, then the same rows without them, compared table by table
        Map<String, List<List<String>>> withoutGhostRows = new java.util.LinkedHashMap<>();
        try (Warehouse ghosts = target.newDatabase()) {
            ghosts.migrate();   // as every Strata process does first: locks live there on some warehouses
            VaultLoader withGhosts = new VaultLoader(ghosts, "ghosts", project(true).vault());
            withGhosts.prepare();
            for (String t : TABLES) {
                List<List<String>> found = rows(ghosts, t);
                if (t.startsWith("l_")) {
                    assertThat(found).as(t + ": links have no ghost").isEmpty();
                } else {
                    assertThat(found).as(t + ": its ghost row").hasSize(1).allMatch(r -> r.get(0).equals(GHOST));
                }
            }
            assertThat(rows(ghosts, "s_home_shop").get(0)).containsExactly(GHOST, GHOST, "1900-01-01T00:00:00Z",
                    "1900-01-01T00:00:00Z", "false", "SYSTEM");
            assertThat(rows(ghosts, "s_phones").get(0)).containsExactly(GHOST, "1900-01-01T00:00:00Z", GHOST, "SYSTEM", "", "0", null);
            new VaultLoader(ghosts, "ghosts", project(true).vault()).prepare(); // a second prepare adds nothing

            StgFixture.create(ghosts, "events");
            StgFixture.land(ghosts, "events", rows, T.plusDays(1));
            withGhosts.loadAll();
            for (String t : TABLES) {
                List<List<String>> real = new ArrayList<>(rows(ghosts, t));
                long ghostRows = real.stream().filter(r -> r.get(0).equals(GHOST)).count();
                real.removeIf(r -> r.get(0).equals(GHOST));
                assertThat(ghostRows).as(t + " keeps one ghost row").isEqualTo(t.startsWith("l_") ? 0 : 1);
                withoutGhostRows.put(t, real);
            }
            // the unknown member and the ghost are two rows of the hub
            assertThat(rows(ghosts, "h_customer")).extracting(r -> r.get(0))
                    .contains(GHOST, HashStandard.UNKNOWN_KEY.toString());
            IntegrityChecks checks = new IntegrityChecks(ghosts.sql(), project(true).vault());
            try (Connection c = ghosts.connection(); Statement s = c.createStatement()) {
                for (String t : TABLES) {
                    for (IntegrityChecks.Check check : checks.of(t)) {
                        try (ResultSet rs = s.executeQuery(check.sql())) {
                            assertThat(rs.next()).as(t + " " + check.name()).isFalse();
                        }
                    }
                }
            }
        }
        try (Warehouse plain = target.newDatabase()) {
            plain.migrate();
            StgFixture.create(plain, "events");
            StgFixture.land(plain, "events", rows, T.plusDays(1));
            new VaultLoader(plain, "ghosts", project(false).vault()).loadAll();
            for (String t : TABLES) {
                assertThat(withoutGhostRows.get(t)).as(t + " without its ghost row").containsExactlyInAnyOrderElementsOf(rows(plain, t));
            }
        }
    }

    static List<List<String>> rows(Warehouse w, String table) throws Exception {
        List<List<String>> out = new ArrayList<>();
        try (Connection c = w.connection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT * FROM dds." + table)) {
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                List<String> row = new ArrayList<>();
                for (int i = 1; i <= n; i++) {
                    String name = rs.getMetaData().getColumnName(i);
                    if (name.endsWith("_hk") || name.equals("hashdiff")) {
                        java.util.UUID hk = w.sql().readHashKey(rs, i);
                        row.add(hk == null ? null : hk.toString());
                    } else if (name.endsWith("_dt")) {
                        row.add(rs.getObject(i, OffsetDateTime.class).toInstant().toString());
                    } else if (name.equals("is_current")) {
                        row.add(String.valueOf(rs.getBoolean(i)));
                    } else {
                        row.add(rs.getString(i));
                    }
                }
                out.add(row);
            }
        }
        return out;
    }
}
