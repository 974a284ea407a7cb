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
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A standard satellite whose mapping says {@code deleted: { $.op: d }}: a CDC delete is a version
 * with {@code is_deleted} true, even when the attributes did not change; a second delete changes
 * nothing; the same attributes inserted again are a version with {@code is_deleted} false. The
 * same history in one load or several, in any landing order, and re-processing adds nothing.
 */
public class VaultSatelliteDeletesIT {
    private static final OffsetDateTime T = OffsetDateTime.of(2024, 9, 1, 8, 0, 0, 0, ZoneOffset.UTC);
    private static final String YAML = """
            name: shop
            sources:
              customers: { kafka: { topic: customers } }
            vault:
              hubs:
                h_customer: { key: customer_id, from: { customers: $.id } }
              satellites:
                s_customer:
                  parent: h_customer
                  attributes: { name: text, tier: integer }
                  from:
                    customers: { customer_id: $.id, name: $.name, tier: $.tier, load_dt: $.ts%s }
            """;

    private static ProjectConfig project(boolean deletes) {
        return new ProjectLoader(EnvResolver.of(Map.of())).parse(Path.of("."),
                YAML.formatted(deletes ? ", deleted: { $.op: d }" : ""), "strata.yaml");
    }

    private static StgFixture.Row row(String id, String op, String name, int tier, int minute) {
        return new StgFixture.Row(null, "{\"id\": \"" + id + "\", \"op\": \"" + op + "\", \"name\": \"" + name + "\", \"tier\": "
                + tier + ", \"ts\": \"" + T.plusMinutes(minute) + "\"}", null);
    }

    /** Expected row: customer, minute, name, tier, deleted. */
    private static List<String> version(String id, int minute, String name, int tier, boolean deleted) {
        return List.of(HashStandard.hashKey(Collections.singletonList(id)).toString(), T.plusMinutes(minute).toInstant().toString(),
                name, String.valueOf(tier), String.valueOf(deleted));
    }

    @Test
    void shouldWriteADeleteAndAReinsertOfUnchangedAttributesAsVersions() throws Exception {
        check(WarehouseUnderTest.postgres());
    }

    /** The checks on any warehouse (the warehouse contract runs them too). */
    public static void check(WarehouseUnderTest target) throws Exception {
        loadsOneByOne(target);
        oneBatchInAnyOrder(target);
        deletesAddedToAnExistingSatellite(target);
    }

    private static void loadsOneByOne(WarehouseUnderTest target) throws Exception {
        try (Warehouse w = target.newDatabase()) {
            w.migrate();
            StgFixture.create(w, "customers");
            VaultLoader loader = new VaultLoader(w, "shop", project(true).vault());
            StgFixture.land(w, "customers", List.of(row("c1", "c", "Ann", 1, 0), row("c2", "c", "Bob", 1, 0)));
            assertThat(loader.load("s_customer")).as("first load (into the empty satellite)").isEqualTo(2);
            StgFixture.land(w, "customers", List.of(row("c1", "u", "Anne", 1, 10)));
            assertThat(loader.load("s_customer")).as("update").isEqualTo(1);
            StgFixture.land(w, "customers", List.of(row("c1", "d", "Anne", 1, 20)));
            assertThat(loader.load("s_customer")).as("delete of an unchanged row").isEqualTo(1);
            StgFixture.land(w, "customers", List.of(row("c1", "d", "Anne", 1, 30)));
            assertThat(loader.load("s_customer")).as("a second delete").isZero();
            StgFixture.land(w, "customers", List.of(row("c1", "c", "Anne", 1, 40), row("c1", "d", "Anne", 1, 5)));
            assertThat(loader.load("s_customer")).as("re-insert with the same attributes; a late delete is ignored").isEqualTo(1);
            List<List<String>> expected = List.of(version("c1", 0, "Ann", 1, false), version("c1", 10, "Anne", 1, false),
                    version("c1", 20, "Anne", 1, true), version("c1", 40, "Anne", 1, false), version("c2", 0, "Bob", 1, false));
            assertThat(versions(w)).containsExactlyInAnyOrderElementsOf(expected);
            assertThat(hashdiffs(w)).as("the hashdiff covers the attributes only: delete and re-insert share theirs")
                    .containsEntry(20, hashdiffs(w).get(40)).containsEntry(10, hashdiffs(w).get(40));
            assertThat(loader.loadAll()).containsEntry("s_customer", 0L);
            try (Connection c = w.connection(); Statement s = c.createStatement()) {
                s.execute("DELETE FROM strata.layer_watermarks");
            }
            assertThat(loader.loadAll().values()).as("re-processing every STG row").containsOnly(0L);
            assertThat(versions(w)).containsExactlyInAnyOrderElementsOf(expected);
        }
    }

    private static void oneBatchInAnyOrder(WarehouseUnderTest target) throws Exception {
        List<StgFixture.Row> rows = List.of(row("c1", "c", "Ann", 1, 0), row("c1", "u", "Anne", 1, 10), row("c1", "d", "Anne", 1, 20),
                row("c1", "d", "Anne", 1, 30), row("c1", "c", "Anne", 1, 40),
                // an update and a delete at one instant: the delete counts, whatever landed last
                row("c2", "c", "Bob", 1, 0), row("c2", "u", "Bob", 2, 10), row("c2", "d", "Bob", 1, 10));
        List<List<String>> expected = List.of(version("c1", 0, "Ann", 1, false), version("c1", 10, "Anne", 1, false),
                version("c1", 20, "Anne", 1, true), version("c1", 40, "Anne", 1, false),
                version("c2", 0, "Bob", 1, false), version("c2", 10, "Bob", 1, true));
        java.util.Random rnd = new java.util.Random(7);
        for (int permutation = 0; permutation < 3; permutation++) {
            List<StgFixture.Row> shuffled = new ArrayList<>(rows);
            Collections.shuffle(shuffled, rnd);
            try (Warehouse w = target.newDatabase()) {
                w.migrate();
                StgFixture.create(w, "customers");
                StgFixture.land(w, "customers", shuffled);
                new VaultLoader(w, "shop", project(true).vault()).loadAll();
                assertThat(versions(w)).as("landing order " + shuffled).containsExactlyInAnyOrderElementsOf(expected);
            }
        }
    }

    private static void deletesAddedToAnExistingSatellite(WarehouseUnderTest target) throws Exception {
        try (Warehouse w = target.newDatabase()) {
            w.migrate();
            StgFixture.create(w, "customers");
            StgFixture.land(w, "customers", List.of(row("c1", "c", "Ann", 1, 0)));
            new VaultLoader(w, "shop", project(false).vault()).loadAll();
            // the declaration gains deleted: the column is added, the rows so far are no deletions
            StgFixture.land(w, "customers", List.of(row("c1", "d", "Ann", 1, 10)));
            new VaultLoader(w, "shop", project(true).vault()).loadAll();
            assertThat(versions(w)).containsExactlyInAnyOrder(version("c1", 0, "Ann", 1, false), version("c1", 10, "Ann", 1, true));
        }
    }

    private static List<List<String>> versions(Warehouse w) throws Exception {
        List<List<String>> out = new ArrayList<>();
        try (Connection c = w.connection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT h_customer_hk, load_dt, name, tier, is_deleted FROM dds.s_customer")) {
            while (rs.next()) {
                out.add(List.of(w.sql().readHashKey(rs, 1).toString(), rs.getObject(2, OffsetDateTime.class).toInstant().toString(),
                        rs.getString(3), rs.getString(4), String.valueOf(rs.getBoolean(5))));
            }
        }
        return out;
    }

    /** c1's hashdiff per version minute. */
    private static Map<Integer, String> hashdiffs(Warehouse w) throws Exception {
        Map<Integer, String> out = new java.util.HashMap<>();
        String c1 = HashStandard.hashKey(Collections.singletonList("c1")).toString();
        try (Connection c = w.connection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT h_customer_hk, load_dt, hashdiff FROM dds.s_customer")) {
            while (rs.next()) {
                if (w.sql().readHashKey(rs, 1).toString().equals(c1)) {
                    int minute = (int) java.time.Duration.between(T.toInstant(), rs.getObject(2, OffsetDateTime.class).toInstant()).toMinutes();
                    out.put(minute, w.sql().readHashKey(rs, 3).toString());
                }
            }
        }
        return out;
    }
}
