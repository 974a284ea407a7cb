package dev.strata.vault;

import static org.assertj.core.api.Assertions.assertThat;

import dev.strata.config.EnvResolver;
import dev.strata.config.ProjectConfig;
import dev.strata.config.ProjectLoader;
import dev.strata.testing.TestServers;
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
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Rows without a business key (NULL or blank): the unknown member gets no satellite history, its
 * hub row has NULL key columns, and {@code missing_keys:} chooses per vault, hub or link between
 * the unknown member ({@code unknown}) and leaving such rows out ({@code skip}). Whatever the
 * policy, the tables do not depend on the order the rows of a batch landed in.
 */
class VaultMissingKeysIT {
    private static final String UNKNOWN = HashStandard.UNKNOWN_KEY.toString();
    private static final OffsetDateTime T = OffsetDateTime.of(2024, 5, 1, 10, 0, 0, 0, ZoneOffset.UTC);
    private static final String YAML = """
            name: shop
            sources:
              orders: { kafka: { topic: orders } }
            vault:
              %s
              hubs:
                h_order: { key: order_id, from: { orders: $.id } %s }
                h_user: { key: user_id, from: { orders: $.user } }
              links:
                l_order_user:
                  hubs: [h_order, h_user]
                  from: { orders: { h_order: $.id, h_user: $.user } }
                  %s
              satellites:
                s_status:
                  parent: h_order
                  attributes: { status: text }
                  from: { orders: { order_id: $.id, status: $.status } }
                s_order_user:
                  parent: l_order_user
                  attributes: { channel: text }
                  from: { orders: { h_order: $.id, h_user: $.user, channel: $.channel } }
            """;

    private static ProjectConfig project(String vaultPolicy, String hubPolicy, String linkPolicy) {
        return new ProjectLoader(EnvResolver.of(Map.of())).parse(Path.of("."),
                YAML.formatted(vaultPolicy, hubPolicy.isEmpty() ? "" : ", " + hubPolicy, linkPolicy), "strata.yaml");
    }

    /** Key-less orders with different statuses at different times. */
    private static List<StgFixture.Row> keyless() {
        return List.of(
                new StgFixture.Row(null, "{\"id\": null, \"user\": \"u1\", \"status\": \"OPEN\", \"channel\": \"web\"}", T),
                new StgFixture.Row(null, "{\"id\": \"\", \"user\": \"u2\", \"status\": \"CLOSED\", \"channel\": \"app\"}", T.plusMinutes(1)),
                new StgFixture.Row(null, "{\"user\": \"u3\", \"status\": \"CANCELLED\", \"channel\": \"web\"}", T.plusMinutes(2)),
                new StgFixture.Row(null, "{\"id\": \" \\t\", \"user\": null, \"status\": \"OPEN\", \"channel\": \"web\"}", T.plusMinutes(3)));
    }

    @Test
    void shouldNeverBuildASatelliteHistoryForTheUnknownMemberOutOfUnrelatedKeylessRows() throws Exception {
        try (Warehouse w = TestServers.newDatabase()) {
            StgFixture.create(w, "orders");
            StgFixture.land(w, "orders", keyless());
            VaultLoader loader = new VaultLoader(w, "shop", project("", "", "").vault());
            loader.loadAll();
            assertThat(rows(w, "SELECT count(*) FROM dds.s_status")).containsExactly(List.of("0"));
            // the unknown member is in the hub; its satellite history stays empty
            assertThat(rows(w, "SELECT h_order_hk, order_id FROM dds.h_order")).containsExactly(java.util.Arrays.asList(UNKNOWN, null));
        }
    }

    @Test
    void shouldStoreNullKeyColumnsForTheUnknownMemberWhenABlankKeyArrivesFirst() throws Exception {
        try (Warehouse w = TestServers.newDatabase()) {
            StgFixture.create(w, "orders");
            StgFixture.land(w, "orders", List.of(
                    new StgFixture.Row(null, "{\"id\": \"  \", \"user\": \"\"}", T),
                    new StgFixture.Row(null, "{\"id\": null, \"user\": null}", T.plusMinutes(1))));
            new VaultLoader(w, "shop", project("", "", "").vault()).loadAll();
            assertThat(rows(w, "SELECT h_order_hk, order_id FROM dds.h_order")).containsExactly(java.util.Arrays.asList(UNKNOWN, null));
            assertThat(rows(w, "SELECT h_user_hk, user_id FROM dds.h_user")).containsExactly(java.util.Arrays.asList(UNKNOWN, null));
        }
    }

    @Test
    void shouldPointLinksToTheUnknownMemberAndKeepPartlyKnownRelationshipsByDefault() throws Exception {
        try (Warehouse w = TestServers.newDatabase()) {
            StgFixture.create(w, "orders");
            StgFixture.land(w, "orders", keyless());
            StgFixture.land(w, "orders", List.of(new StgFixture.Row(null,
                    "{\"id\": \"o1\", \"user\": \"u1\", \"status\": \"OPEN\", \"channel\": \"web\"}", T.plusMinutes(5))));
            new VaultLoader(w, "shop", project("missing_keys: unknown", "", "").vault()).loadAll();
            String o1 = hk("o1");
            assertThat(rows(w, "SELECT h_order_hk FROM dds.h_order ORDER BY 1")).extracting(r -> r.get(0))
                    .containsExactlyInAnyOrder(UNKNOWN, o1);
            // (unknown, u1), (unknown, u2), (unknown, u3), (unknown, unknown), (o1, u1)
            assertThat(rows(w, "SELECT h_order_hk, h_user_hk FROM dds.l_order_user")).hasSize(5)
                    .contains(List.of(UNKNOWN, UNKNOWN), List.of(UNKNOWN, hk("u2")), List.of(o1, hk("u1")));
            // a link row with one unknown hub is a relationship of the known one: its satellite keeps it;
            // the relationship of nobody with nobody has no history
            assertThat(rows(w, "SELECT l_order_user_hk FROM dds.s_order_user")).extracting(r -> r.get(0))
                    .containsExactlyInAnyOrder(link(null, "u1"), link(null, "u2"), link(null, "u3"), link("o1", "u1"))
                    .doesNotContain(UNKNOWN);
            assertThat(rows(w, "SELECT h_order_hk, status FROM dds.s_status")).containsExactly(List.of(o1, "OPEN"));
        }
    }

    @Test
    void shouldLeaveOutRowsWithoutAKeyWhenMissingKeysIsSkip() throws Exception {
        try (Warehouse w = TestServers.newDatabase()) {
            StgFixture.create(w, "orders");
            StgFixture.land(w, "orders", keyless());
            StgFixture.land(w, "orders", List.of(new StgFixture.Row(null,
                    "{\"id\": \"o1\", \"user\": \"u1\", \"status\": \"OPEN\", \"channel\": \"web\"}", T.plusMinutes(5))));
            new VaultLoader(w, "shop", project("missing_keys: skip", "", "").vault()).loadAll();
            assertThat(rows(w, "SELECT h_order_hk FROM dds.h_order")).containsExactly(List.of(hk("o1")));
            assertThat(rows(w, "SELECT h_user_hk FROM dds.h_user")).extracting(r -> r.get(0))
                    .containsExactlyInAnyOrder(hk("u1"), hk("u2"), hk("u3"));
            assertThat(rows(w, "SELECT h_order_hk, h_user_hk FROM dds.l_order_user")).containsExactly(List.of(hk("o1"), hk("u1")));
            assertThat(rows(w, "SELECT l_order_user_hk, channel FROM dds.s_order_user")).containsExactly(List.of(link("o1", "u1"), "web"));
            assertThat(rows(w, "SELECT h_order_hk, status FROM dds.s_status")).containsExactly(List.of(hk("o1"), "OPEN"));
        }
    }

    @Test
    void shouldLetAHubOrLinkChooseItsOwnPolicy() throws Exception {
        try (Warehouse w = TestServers.newDatabase()) {
            StgFixture.create(w, "orders");
            StgFixture.land(w, "orders", keyless());
            // the vault skips; h_order keeps the unknown member, the link skips
            new VaultLoader(w, "shop", project("missing_keys: skip", "missing_keys: unknown", "missing_keys: skip").vault()).loadAll();
            assertThat(rows(w, "SELECT h_order_hk FROM dds.h_order")).containsExactly(List.of(UNKNOWN));
            assertThat(rows(w, "SELECT count(*) FROM dds.h_user")).containsExactly(List.of("3"));
            assertThat(rows(w, "SELECT count(*) FROM dds.l_order_user")).containsExactly(List.of("0"));
            assertThat(rows(w, "SELECT count(*) FROM dds.s_order_user")).containsExactly(List.of("0"));
        }
        try (Warehouse w = TestServers.newDatabase()) {
            StgFixture.create(w, "orders");
            StgFixture.land(w, "orders", keyless());
            new VaultLoader(w, "shop", project("", "missing_keys: skip", "missing_keys: unknown").vault()).loadAll();
            assertThat(rows(w, "SELECT count(*) FROM dds.h_order")).containsExactly(List.of("0"));
            assertThat(rows(w, "SELECT count(*) FROM dds.l_order_user")).containsExactly(List.of("4"));
        }
    }

    @Test
    void shouldLoadTheSameTablesWhateverTheOrderTheRowsOfABatchLandedIn() throws Exception {
        // same instants, different spellings of one key, different states: only content may decide
        List<StgFixture.Row> batch = new ArrayList<>(List.of(
                new StgFixture.Row(null, "{\"id\": \"o1\", \"user\": \"u1\", \"status\": \"OPEN\", \"channel\": \"web\"}", T),
                new StgFixture.Row(null, "{\"id\": \" O1 \", \"user\": \"U1\", \"status\": \"PAID\", \"channel\": \"app\"}", T),
                new StgFixture.Row(null, "{\"id\": \"o1\", \"user\": \"u1 \", \"status\": \"OPEN \", \"channel\": \"web\"}", T),
                new StgFixture.Row(null, "{\"id\": null, \"user\": \"u2\", \"status\": \"X\", \"channel\": \"web\"}", T),
                new StgFixture.Row(null, "{\"id\": \"\", \"user\": \"u2\", \"status\": \"Y\", \"channel\": \"app\"}", T),
                new StgFixture.Row(null, "{\"id\": \"o2\", \"user\": \"u2\", \"status\": \"OPEN\", \"channel\": \"web\"}", T.plusMinutes(1)),
                new StgFixture.Row(null, "{\"id\": \"o2\", \"user\": \"u2\", \"status\": \"PAID\", \"channel\": \"web\"}", T.plusMinutes(1))));
        for (String policy : List.of("", "missing_keys: skip")) {
            ProjectConfig project = project(policy, "", "");
            List<String> first = null;
            SplittableRandom rnd = new SplittableRandom(7);
            for (int permutation = 0; permutation < 6; permutation++) {
                List<StgFixture.Row> shuffled = new ArrayList<>(batch);
                Collections.shuffle(shuffled, new java.util.Random(rnd.nextLong()));
                try (Warehouse w = TestServers.newDatabase()) {
                    StgFixture.create(w, "orders");
                    StgFixture.land(w, "orders", shuffled, T.plusHours(1));
                    new VaultLoader(w, "shop", project.vault()).loadAll();
                    List<String> tables = new ArrayList<>();
                    for (String t : List.of("h_order", "h_user", "l_order_user", "s_status", "s_order_user")) {
                        tables.add(t + ": " + rows(w, "SELECT * FROM dds." + t + " ORDER BY 1, 2"));
                    }
                    if (first == null) {
                        first = tables;
                    } else {
                        assertThat(tables).as(policy + ", landing order " + shuffled).isEqualTo(first);
                    }
                }
            }
        }
    }

    private static String hk(String key) {
        return HashStandard.hashKey(java.util.Collections.singletonList(key)).toString();
    }

    private static String link(String order, String user) {
        return HashStandard.hashKey(java.util.Arrays.asList(order, user)).toString();
    }

    static List<List<String>> rows(Warehouse w, String sql) throws Exception {
        List<List<String>> out = new ArrayList<>();
        try (Connection c = w.connection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                List<String> row = new ArrayList<>();
                for (int i = 1; i <= n; i++) {
                    row.add(rs.getString(i));
                }
                out.add(row);
            }
        }
        return out;
    }
}
