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
import java.sql.PreparedStatement;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Point-in-time and bridge tables: for random vault contents (standard, multi-active and
 * effectivity satellites, loaded in several batches) every snapshot equals a brute-force
 * computation in Java over the tables as loaded, with and without ghost records; rebuilding a
 * snapshot changes nothing; {@code keep:} drops old snapshots.
 */
public class VaultPitBridgeIT {
    private static final OffsetDateTime T0 = OffsetDateTime.of(2024, 9, 1, 0, 0, 0, 0, ZoneOffset.UTC);
    private static final String YAML = """
            name: pits
            sources:
              events: { kafka: { topic: events } }
            vault:
              ghost_records: %s
              hubs:
                h_a: { key: a, from: { events: $.a } }
                h_b: { key: b, from: { events: $.b } }
                h_c: { key: c, from: { events: $.c } }
              links:
                l_ab: { hubs: [h_a, h_b], from: { events: { h_a: $.a, h_b: $.b } } }
                l_bc: { hubs: [h_b, h_c], from: { events: { h_b: $.b, h_c: $.c } } }
              satellites:
                s_a1: { parent: h_a, attributes: { x: text }, from: { events: { a: $.a, x: $.x } } }
                s_a2: { parent: h_a, attributes: { y: integer }, from: { events: { a: $.a, y: $.y, load_dt: $.y_at } } }
                s_a_ma:
                  parent: h_a
                  multi_active: { key: kind }
                  attributes: { kind: text, v: text }
                  from: { events: { each: $.items, a: $.a, kind: $item.kind, v: $item.v } }
                s_ab_eff:
                  parent: l_ab
                  effectivity: { driving_key: h_a }
                  from: { events: { h_a: $.a, h_b: $.b, deleted: { $.op: d } } }
              pits:
                pit_a: { hub: h_a, satellites: [s_a1, s_a2, s_a_ma] }
              bridges:
                bridge_abc: { path: [h_a, l_ab, h_b, l_bc, h_c] }
            """;

    @ParameterizedTest(name = "ghost records {0}")
    @ValueSource(booleans = {false, true})
    void shouldBuildEverySnapshotAsABruteForceComputationOverTheTables(boolean ghosts) throws Exception {
        check(WarehouseUnderTest.postgres(), ghosts);
    }

    /** The check on any warehouse (the warehouse contract runs it too). */
    public static void check(WarehouseUnderTest target, boolean ghosts) throws Exception {
        ProjectConfig project = new ProjectLoader(EnvResolver.of(Map.of())).parse(Path.of("."), YAML.formatted(ghosts), "strata.yaml");
        SplittableRandom rnd = new SplittableRandom(ghosts ? 5 : 6);
        try (Warehouse w = target.newDatabase()) {
            w.migrate();   // as every Strata process does first: the snapshot builds' locks live there on some warehouses
            StgFixture.create(w, "events");
            VaultLoader loader = new VaultLoader(w, "pits", project.vault());
            OffsetDateTime clock = T0;
            for (int batch = 0; batch < 12; batch++) {
                List<StgFixture.Row> rows = new ArrayList<>();
                for (int i = 0; i < 40; i++) {
                    clock = clock.plusMinutes(rnd.nextInt(90));
                    rows.add(new StgFixture.Row(null, payload(rnd, clock), clock));
                }
                if (batch == 0) {
                    // a key whose only s_a2 version comes later and that has no phones: no version at T0+5h
                    rows.add(new StgFixture.Row(null, "{\"a\": \"lonely\", \"b\": \"b0\", \"c\": \"c0\", \"x\": \"x\", \"y\": 1, "
                            + "\"y_at\": \"" + T0.plusHours(6) + "\", \"items\": []}", T0.plusMinutes(1)));
                }
                StgFixture.land(w, "events", rows);
                loader.loadAll();
            }
            List<Instant> snapshots = new ArrayList<>(List.of(T0.toInstant(), T0.plusHours(5).toInstant(),
                    T0.plusDays(1).toInstant(), T0.plusDays(3).toInstant(), clock.toInstant(), clock.plusSeconds(1).toInstant(),
                    clock.plusDays(30).toInstant()));
            for (Instant s : snapshots) {
                long built = w.inTransaction(c -> loader.buildSnapshot(c, "pit_a", s));
                w.inTransaction(c -> loader.buildSnapshot(c, "bridge_abc", s));
                assertThat(built).isEqualTo(expectedPit(w, s, ghosts).size());
            }
            // building a snapshot again, or another one, leaves the others as they were
            w.inTransaction(c -> loader.buildSnapshot(c, "pit_a", snapshots.get(3)));
            w.inTransaction(c -> loader.buildSnapshot(c, "bridge_abc", snapshots.get(3)));
            boolean sawGhost = false;
            for (Instant s : snapshots) {
                List<List<String>> pit = read(w, "SELECT * FROM dds.pit_a WHERE snapshot_dt = ?", s);
                assertThat(pit).as("pit_a at " + s).containsExactlyInAnyOrderElementsOf(expectedPit(w, s, ghosts));
                List<List<String>> bridge = read(w, "SELECT * FROM dds.bridge_abc WHERE snapshot_dt = ?", s);
                assertThat(bridge).as("bridge_abc at " + s).containsExactlyInAnyOrderElementsOf(expectedBridge(w, s));
                sawGhost |= pit.stream().anyMatch(r -> r.contains(HashStandard.GHOST_KEY.toString()));
                if (ghosts) {
                    // the point of ghost records: inner equi-joins from the PIT keep every hub key
                    assertThat(count(w, "SELECT count(*) FROM dds.pit_a p JOIN dds.s_a1 s ON s.h_a_hk = p.s_a1_hk "
                            + "AND s.load_dt = p.s_a1_load_dt JOIN dds.s_a2 t ON t.h_a_hk = p.s_a2_hk AND t.load_dt = p.s_a2_load_dt "
                            + "WHERE p.snapshot_dt = ?", s)).isEqualTo(pit.size());
                }
            }
            assertThat(sawGhost).as("some hub key has no version of some satellite at some snapshot").isEqualTo(ghosts);
            assertThat(count(w, "SELECT count(*) FROM dds.bridge_abc WHERE snapshot_dt = ?", clock.toInstant()))
                    .as("the last snapshot's bridge is not trivial").isGreaterThan(3);
        }
    }

    private static String payload(SplittableRandom rnd, OffsetDateTime at) {
        String a = "a" + rnd.nextInt(8);
        StringBuilder items = new StringBuilder();
        for (int i = rnd.nextInt(3); i > 0; i--) {
            items.append(items.length() == 0 ? "" : ", ").append("{\"kind\": \"k").append(rnd.nextInt(3)).append("\", \"v\": \"")
                    .append(rnd.nextInt(2)).append("\"}");
        }
        String op = rnd.nextInt(10) == 0 ? "d" : "u";
        String x = rnd.nextInt(5) == 0 ? "null" : "\"" + "xy".charAt(rnd.nextInt(2)) + "\"";
        // s_a2's load_dt differs from the message's: its versions are not those of s_a1, and can come after the hub key
        return "{\"a\": \"" + a + "\", \"b\": \"b" + rnd.nextInt(5) + "\", \"c\": \"c" + rnd.nextInt(4) + "\", \"x\": " + x
                + ", \"y\": " + rnd.nextInt(3) + ", \"y_at\": \"" + at.plusHours(rnd.nextInt(48) - 24) + "\", \"op\": \"" + op
                + "\", \"items\": [" + items + "]}";
    }

    /** Per hub key that existed before S (not the ghost), each satellite's latest load_dt before S. */
    private static List<List<String>> expectedPit(Warehouse w, Instant s, boolean ghosts) throws Exception {
        String ghost = HashStandard.GHOST_KEY.toString();
        List<List<String>> out = new ArrayList<>();
        Map<String, Map<String, Instant>> latest = new HashMap<>();
        for (String sat : List.of("s_a1", "s_a2", "s_a_ma")) {
            Map<String, Instant> m = new HashMap<>();
            for (List<String> r : read(w, "SELECT h_a_hk, load_dt FROM dds." + sat)) {
                Instant t = Instant.parse(r.get(1));
                if (t.isBefore(s)) {
                    m.merge(r.get(0), t, (x, y) -> x.isAfter(y) ? x : y);
                }
            }
            latest.put(sat, m);
        }
        for (List<String> h : read(w, "SELECT h_a_hk, load_dt FROM dds.h_a")) {
            if (!Instant.parse(h.get(1)).isBefore(s) || h.get(0).equals(ghost)) {
                continue;
            }
            List<String> row = new ArrayList<>(List.of(h.get(0), s.toString()));
            for (String sat : List.of("s_a1", "s_a2", "s_a_ma")) {
                Instant t = latest.get(sat).get(h.get(0));
                row.add(t != null ? h.get(0) : ghosts ? ghost : null);
                row.add(t != null ? t.toString() : ghosts ? VaultTables.GHOST_LOAD_DT.toString() : null);
            }
            out.add(row);
        }
        return out;
    }

    /** Every (l_ab row in effect just before S, l_bc row) sharing h_b, both loaded before S. */
    private static List<List<String>> expectedBridge(Warehouse w, Instant s) throws Exception {
        List<List<String>> effective = new ArrayList<>();
        for (List<String> p : read(w, "SELECT l_ab_hk, start_dt, end_dt FROM dds.s_ab_eff")) {
            if (Instant.parse(p.get(1)).isBefore(s) && !Instant.parse(p.get(2)).isBefore(s)) {
                effective.add(p);
            }
        }
        List<List<String>> out = new ArrayList<>();
        for (List<String> ab : read(w, "SELECT l_ab_hk, h_a_hk, h_b_hk, load_dt FROM dds.l_ab")) {
            boolean inEffect = effective.stream().anyMatch(p -> p.get(0).equals(ab.get(0)));
            if (!Instant.parse(ab.get(3)).isBefore(s) || !inEffect) {
                continue;
            }
            for (List<String> bc : read(w, "SELECT l_bc_hk, h_b_hk, h_c_hk, load_dt FROM dds.l_bc")) {
                if (bc.get(1).equals(ab.get(2)) && Instant.parse(bc.get(3)).isBefore(s)) {
                    out.add(List.of(s.toString(), ab.get(1), ab.get(0), ab.get(2), bc.get(0), bc.get(2)));
                }
            }
        }
        out.sort(Comparator.comparing(Object::toString));
        return out;
    }

    private static long count(Warehouse w, String sql, Instant snapshot) throws Exception {
        return Long.parseLong(read(w, sql, snapshot).get(0).get(0));
    }

    static List<List<String>> read(Warehouse w, String sql) throws Exception {
        return read(w, sql, null);
    }

    /** Rows of {@code sql}, whose one {@code ?} (if any) is {@code snapshot}. */
    static List<List<String>> read(Warehouse w, String sql, Instant snapshot) throws Exception {
        List<List<String>> out = new ArrayList<>();
        try (Connection c = w.connection(); PreparedStatement st = c.prepareStatement(sql)) {
            if (snapshot != null) {
                st.setObject(1, snapshot.atOffset(ZoneOffset.UTC));
            }
            try (ResultSet rs = st.executeQuery()) {
                int n = rs.getMetaData().getColumnCount();
                while (rs.next()) {
                    List<String> row = new ArrayList<>();
                    for (int i = 1; i <= n; i++) {
                        String name = rs.getMetaData().getColumnName(i);
                        if (name.endsWith("_hk")) {
                            java.util.UUID hk = w.sql().readHashKey(rs, i);
                            row.add(hk == null ? null : hk.toString());
                        } else if (name.endsWith("_dt")) {
                            OffsetDateTime t = rs.getObject(i, OffsetDateTime.class);
                            row.add(t == null ? null : t.toInstant().toString());
                        } else {
                            row.add(rs.getString(i));
                        }
                    }
                    out.add(row);
                }
            }
        }
        return out;
    }
}
