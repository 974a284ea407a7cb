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
import org.junit.jupiter.api.Test;

/**
 * An effectivity satellite on a flight's departure airport: when the airport of a flight changes,
 * the old relationship is end-dated and the new one opened; a CDC delete closes it; re-sends and
 * late rows change nothing; the result is the same in one load or several, in any landing order.
 */
class VaultEffectivityIT {
    private static final OffsetDateTime T = OffsetDateTime.of(2024, 6, 1, 8, 0, 0, 0, ZoneOffset.UTC);
    private static final String END = "9999-12-31T00:00:00Z";
    private static final String YAML = """
            name: airline
            sources:
              flights: { kafka: { topic: flights } }
            vault:
              %s
              hubs:
                h_flight: { key: flight_id, from: { flights: $.id } }
                h_airport: { key: code, from: { flights: $.airport } }
              links:
                l_flight_airport:
                  hubs: { flight: h_flight, airport: h_airport }
                  from: { flights: { flight: $.id, airport: $.airport } }
              satellites:
                s_flight_airport:
                  parent: l_flight_airport
                  effectivity: { driving_key: flight }
                  from:
                    flights: { flight: $.id, airport: $.airport, load_dt: $.ts, deleted: { $.op: d } }
            """;

    private static ProjectConfig project(String policy) {
        return new ProjectLoader(EnvResolver.of(Map.of())).parse(Path.of("."), YAML.formatted(policy), "strata.yaml");
    }

    private static StgFixture.Row row(String flight, String airport, int minute) {
        return op(flight, airport, minute, "u");
    }

    private static StgFixture.Row op(String flight, String airport, int minute, String op) {
        return new StgFixture.Row(null, "{\"id\": " + json(flight) + ", \"airport\": " + json(airport) + ", \"op\": \"" + op
                + "\", \"ts\": \"" + T.plusMinutes(minute) + "\"}", null);
    }

    private static String json(String s) {
        return s == null ? "null" : "\"" + s + "\"";
    }

    /** Expected row: link of (flight, airport), flight, start and end minute (-1: open), current. */
    private static List<String> period(String flight, String airport, int start, int end) {
        return List.of(link(flight, airport), hk(flight), T.plusMinutes(start).toInstant().toString(),
                end < 0 ? END : T.plusMinutes(end).toInstant().toString(), String.valueOf(end < 0), "flights");
    }

    @Test
    void shouldEndTheOldRelationshipAndOpenTheNewOneWhenTheAirportChangesAndBack() throws Exception {
        try (Warehouse w = TestServers.newDatabase()) {
            StgFixture.create(w, "flights");
            VaultLoader loader = new VaultLoader(w, "airline", project("").vault());
            StgFixture.land(w, "flights", List.of(row("F1", "AMS", 0), row("F2", "CDG", 0)));
            assertThat(loader.load("s_flight_airport")).isEqualTo(2);
            StgFixture.land(w, "flights", List.of(row("F1", "LHR", 10)));
            assertThat(loader.load("s_flight_airport")).as("F1's AMS closed, LHR opened").isEqualTo(2);
            StgFixture.land(w, "flights", List.of(row("F1", "AMS", 20), row("F2", "CDG", 20)));
            assertThat(loader.load("s_flight_airport")).as("F1 back to AMS; F2 unchanged").isEqualTo(2);
            assertThat(periods(w)).containsExactlyInAnyOrder(
                    period("F1", "AMS", 0, 10), period("F1", "LHR", 10, 20), period("F1", "AMS", 20, -1),
                    period("F2", "CDG", 0, -1));
            assertThat(loader.load("s_flight_airport")).isZero();
        }
    }

    @Test
    void shouldGiveTheSameHistoryFromOneLoadInAnyLandingOrder() throws Exception {
        List<StgFixture.Row> rows = List.of(row("F1", "AMS", 0), row("F1", "AMS", 5), row("F1", "LHR", 10), row("F1", "AMS", 20),
                op("F1", null, 30, "d"), row("F1", "CDG", 40), row("F2", "CDG", 0), row("F2", "AMS", 0), row("F2", "AMS", 3));
        List<List<String>> expected = List.of(period("F1", "AMS", 0, 10), period("F1", "LHR", 10, 20), period("F1", "AMS", 20, 30),
                period("F1", "CDG", 40, -1),
                // F2 states CDG and AMS for the same instant: the higher link key wins, whatever landed last
                link("F2", "AMS").compareTo(link("F2", "CDG")) > 0 ? period("F2", "AMS", 0, -1) : period("F2", "CDG", 0, 3));
        List<List<String>> f2Tail = link("F2", "AMS").compareTo(link("F2", "CDG")) > 0 ? List.of() : List.of(period("F2", "AMS", 3, -1));
        java.util.Random rnd = new java.util.Random(3);
        for (int permutation = 0; permutation < 5; permutation++) {
            List<StgFixture.Row> shuffled = new ArrayList<>(rows);
            Collections.shuffle(shuffled, rnd);
            try (Warehouse w = TestServers.newDatabase()) {
                StgFixture.create(w, "flights");
                StgFixture.land(w, "flights", shuffled);
                new VaultLoader(w, "airline", project("").vault()).loadAll();
                List<List<String>> all = new ArrayList<>(expected);
                all.addAll(f2Tail);
                assertThat(periods(w)).as("landing order " + shuffled).containsExactlyInAnyOrderElementsOf(all);
            }
        }
    }

    @Test
    void shouldCloseTheRelationshipOnADeleteAndIgnoreLateRowsAndReprocessing() throws Exception {
        try (Warehouse w = TestServers.newDatabase()) {
            StgFixture.create(w, "flights");
            VaultLoader loader = new VaultLoader(w, "airline", project("").vault());
            StgFixture.land(w, "flights", List.of(row("F1", "AMS", 0), row("F3", "OSL", 0)));
            loader.load("s_flight_airport");
            // a CDC delete carries only the key: it ends whatever relationship is in effect
            StgFixture.land(w, "flights", List.of(op("F1", null, 10, "d"), op("F9", null, 10, "d")));
            assertThat(loader.load("s_flight_airport")).as("F1 closed; F9 had nothing to close").isEqualTo(1);
            assertThat(periods(w)).contains(period("F1", "AMS", 0, 10));
            // late: not newer than what was seen for the flight (the delete at 10)
            StgFixture.land(w, "flights", List.of(row("F1", "LHR", 5), row("F9", "AMS", 9), row("F3", "OSL", 30)));
            assertThat(loader.load("s_flight_airport")).as("late rows and a re-send change nothing").isZero();
            StgFixture.land(w, "flights", List.of(row("F1", "LHR", 15)));
            assertThat(loader.load("s_flight_airport")).isEqualTo(1);
            // a re-send of F3 at 30 was remembered: a row at 20 is late although OSL opened at 0
            StgFixture.land(w, "flights", List.of(row("F3", "CDG", 20)));
            assertThat(loader.load("s_flight_airport")).isZero();
            assertThat(loader.loadAll()).containsEntry("s_flight_airport", 0L);
            List<List<String>> before = periods(w);
            assertThat(before).containsExactlyInAnyOrder(period("F1", "AMS", 0, 10), period("F1", "LHR", 15, -1),
                    period("F3", "OSL", 0, -1));
            try (Connection c = w.connection(); Statement s = c.createStatement()) {
                s.execute("DELETE FROM strata.layer_watermarks");
            }
            assertThat(loader.loadAll().values()).as("re-processing every STG row").containsOnly(0L);
            assertThat(periods(w)).containsExactlyInAnyOrderElementsOf(before);
        }
    }

    @Test
    void shouldSetAsideARowWhoseTimeItsTypeRejectsAndStillCloseOnADelete() throws Exception {
        try (Warehouse w = TestServers.newDatabase()) {
            StgFixture.create(w, "flights");
            VaultLoader loader = new VaultLoader(w, "airline", project("").vault());
            StgFixture.Row bad = new StgFixture.Row(null, "{\"id\": \"F1\", \"airport\": \"LHR\", \"op\": \"u\", \"ts\": \"soon\"}", null);
            StgFixture.land(w, "flights", List.of(row("F1", "AMS", 0), bad, op("F1", null, 10, "d"), row("F2", "CDG", 0)));
            // the load that leaves the bad row out binds the deleted: values like the ordinary one
            assertThat(loader.load("s_flight_airport")).isEqualTo(2);
            assertThat(periods(w)).containsExactlyInAnyOrder(period("F1", "AMS", 0, 10), period("F2", "CDG", 0, -1));
            assertThat(new VaultRejects(w, "airline").list(java.util.Optional.empty(), false, 10))
                    .extracting(VaultRejects.Reject::target, VaultRejects.Reject::stgSeq, VaultRejects.Reject::column)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple("s_flight_airport", 2L, "load_dt"));
        }
    }

    @Test
    void shouldIgnoreRowsWithoutAFlightAndTreatAMissingAirportByThePolicy() throws Exception {
        for (String policy : List.of("missing_keys: unknown", "missing_keys: skip")) {
            try (Warehouse w = TestServers.newDatabase()) {
                StgFixture.create(w, "flights");
                StgFixture.land(w, "flights", List.of(row("F1", "AMS", 0), row(null, "AMS", 5), row(" ", "LHR", 6),
                        row("F1", null, 10)));
                new VaultLoader(w, "airline", project(policy).vault()).loadAll();
                if (policy.endsWith("unknown")) {
                    // the flight's airport became unknown: AMS ended, the relationship with the unknown airport began
                    assertThat(periods(w)).containsExactlyInAnyOrder(period("F1", "AMS", 0, 10), period("F1", null, 10, -1));
                } else {
                    assertThat(periods(w)).containsExactly(period("F1", "AMS", 0, -1));
                }
            }
        }
    }

    private static String hk(String key) {
        return HashStandard.hashKey(Collections.singletonList(key)).toString();
    }

    private static String link(String flight, String airport) {
        return HashStandard.hashKey(java.util.Arrays.asList(flight, airport)).toString();
    }

    private static List<List<String>> periods(Warehouse w) throws Exception {
        List<List<String>> out = new ArrayList<>();
        try (Connection c = w.connection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT l_flight_airport_hk, flight_hk, start_dt, end_dt, is_current, record_source "
                     + "FROM dds.s_flight_airport")) {
            while (rs.next()) {
                out.add(List.of(w.sql().readHashKey(rs, 1).toString(), w.sql().readHashKey(rs, 2).toString(),
                        rs.getObject(3, OffsetDateTime.class).toInstant().toString(),
                        rs.getObject(4, OffsetDateTime.class).toInstant().toString(), String.valueOf(rs.getBoolean(5)),
                        rs.getString(6)));
            }
        }
        return out;
    }
}
