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
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * A multi-active satellite of a customer's phone numbers: a new version of the whole set when the
 * set changes — it grows, shrinks and returns to an earlier state — and nothing when the same set
 * arrives again, in any item or landing order, in one load or several.
 */
class VaultMultiActiveIT {
    private static final OffsetDateTime T = OffsetDateTime.of(2024, 7, 1, 9, 0, 0, 0, ZoneOffset.UTC);
    private static final String YAML = """
            name: crm
            sources:
              customers: { kafka: { topic: customers } }
            vault:
              hubs:
                h_customer: { key: customer_id, from: { customers: $.id } }
              satellites:
                s_customer_phones:
                  parent: h_customer
                  multi_active: { key: phone_type }
                  attributes: { phone_type: text, number: text }
                  from:
                    customers:
                      each: $.phones
                      customer_id: $.id
                      phone_type: $item.type
                      number: $item.number
                      load_dt: $.ts
            """;

    private static ProjectConfig project() {
        return new ProjectLoader(EnvResolver.of(Map.of())).parse(Path.of("."), YAML, "strata.yaml");
    }

    /** A message with the customer's phones, {@code type=number} pairs in the given order. */
    private static StgFixture.Row phones(String customer, int minute, String... pairs) {
        StringBuilder items = new StringBuilder();
        for (String pair : pairs) {
            String[] p = pair.split("=");
            items.append(items.length() == 0 ? "" : ", ").append("{\"type\": \"").append(p[0]).append("\", \"number\": \"")
                    .append(p[1]).append("\"}");
        }
        return new StgFixture.Row(null, "{\"id\": \"" + customer + "\", \"ts\": \"" + T.plusMinutes(minute) + "\", \"phones\": ["
                + items + "]}", null);
    }

    private static final List<StgFixture.Row> HISTORY = List.of(
            phones("c1", 0, "home=1", "work=2"),
            phones("c1", 5, "work=2", "home=1"),                 // the same set in another order: nothing new
            phones("c1", 10, "home=1", "work=2", "mobile=3"),    // grows
            phones("c1", 20, "home=1"),                          // shrinks
            phones("c1", 30, "work=2", "home=1"),                // back to the first state
            phones("c2", 0, "home=7", "home=8"),                 // one row per child key, chosen by content
            phones("c3", 0));                                    // no phones: no information

    /** The expected table: per version minute, its set of phones. */
    private static Map<Integer, List<String>> c1Versions() {
        Map<Integer, List<String>> v = new TreeMap<>();
        v.put(0, List.of("home=1", "work=2"));
        v.put(10, List.of("home=1", "mobile=3", "work=2"));
        v.put(20, List.of("home=1"));
        v.put(30, List.of("home=1", "work=2"));
        return v;
    }

    @Test
    void shouldWriteANewVersionOfTheWholeSetWhenItGrowsShrinksAndReturns() throws Exception {
        try (Warehouse w = TestServers.newDatabase()) {
            StgFixture.create(w, "customers");
            VaultLoader loader = new VaultLoader(w, "crm", project().vault());
            int[] expectedRows = {2, 0, 3, 1, 2};
            for (int i = 0; i < 5; i++) {
                StgFixture.land(w, "customers", List.of(HISTORY.get(i)));
                assertThat(loader.load("s_customer_phones")).as("rows of message " + i).isEqualTo(expectedRows[i]);
            }
            StgFixture.land(w, "customers", HISTORY.subList(5, 7));
            loader.load("s_customer_phones");
            assertVersions(w);
            // re-sending an earlier set, and re-processing everything, adds nothing
            StgFixture.land(w, "customers", List.of(phones("c1", 30, "home=1", "work=2"), phones("c1", 25, "home=9")));
            assertThat(loader.load("s_customer_phones")).isZero();
            try (Connection c = w.connection(); Statement s = c.createStatement()) {
                s.execute("DELETE FROM strata.layer_watermarks");
            }
            assertThat(loader.load("s_customer_phones")).isZero();
            assertVersions(w);
        }
    }

    @Test
    void shouldLoadTheSameVersionsFromOneLoadInAnyLandingOrder() throws Exception {
        java.util.Random rnd = new java.util.Random(11);
        for (int permutation = 0; permutation < 4; permutation++) {
            List<StgFixture.Row> shuffled = new ArrayList<>(HISTORY);
            Collections.shuffle(shuffled, rnd);
            try (Warehouse w = TestServers.newDatabase()) {
                StgFixture.create(w, "customers");
                StgFixture.land(w, "customers", shuffled);
                assertThat(new VaultLoader(w, "crm", project().vault()).load("s_customer_phones")).isEqualTo(9);
                assertVersions(w);
            }
        }
    }

    private static void assertVersions(Warehouse w) throws Exception {
        Map<String, Map<Integer, List<String>>> stored = new TreeMap<>();
        Map<String, String> hashdiffs = new TreeMap<>();
        try (Connection c = w.connection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT h_customer_hk, load_dt, hashdiff, phone_type, number FROM dds.s_customer_phones")) {
            while (rs.next()) {
                String customer = w.sql().readHashKey(rs, 1).toString();
                int minute = (int) java.time.Duration.between(T, rs.getObject(2, OffsetDateTime.class)).toMinutes();
                stored.computeIfAbsent(customer, k -> new TreeMap<>()).computeIfAbsent(minute, k -> new ArrayList<>())
                        .add(rs.getString(4) + "=" + rs.getString(5));
                hashdiffs.put(customer + "@" + minute, w.sql().readHashKey(rs, 3).toString());
            }
        }
        stored.values().forEach(m -> m.values().forEach(Collections::sort));
        String c1 = HashStandard.hashKey(List.of("c1")).toString();
        String c2 = HashStandard.hashKey(List.of("c2")).toString();
        assertThat(stored.keySet()).containsExactlyInAnyOrder(c1, c2);
        assertThat(stored.get(c1)).isEqualTo(c1Versions());
        // of home=7 and home=8 at one instant, the row with the higher hashdiff
        String h7 = HashStandard.hex(HashStandard.hashDiff(List.of("home", "7")));
        String h8 = HashStandard.hex(HashStandard.hashDiff(List.of("home", "8")));
        assertThat(stored.get(c2)).isEqualTo(Map.of(0, List.of(h7.compareTo(h8) > 0 ? "home=7" : "home=8")));
        // each version's rows carry the set's hashdiff (rule 9)
        c1Versions().forEach((minute, set) -> assertThat(hashdiffs.get(c1 + "@" + minute)).isEqualTo(HashStandard.setHashDiff(
                set.stream().map(p -> HashStandard.hashDiff(List.of(p.split("=")))).toList()).toString()));
    }
}
