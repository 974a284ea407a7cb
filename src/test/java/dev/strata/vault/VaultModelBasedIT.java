package dev.strata.vault;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.strata.config.EnvResolver;
import dev.strata.config.ProjectConfig;
import dev.strata.config.ProjectLoader;
import dev.strata.testing.WarehouseUnderTest;
import dev.strata.warehouse.Warehouse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.LongStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Test 2 of the vault issue: random STG batches — duplicates, NULL and blank keys, whitespace and
 * case variants, attributes changing back and forth, several versions of a key in one batch, equal
 * event times, late rows, rows without event time — loaded in random splits (and each target on
 * its own random schedule) give exactly the tables of {@link VaultReferenceModel}, under both
 * missing-key policies (odd seeds: {@code unknown} for the vault and {@code skip} for h_j and l_k_item,
 * even seeds the other way round). Re-running and re-processing every STG row afterwards changes
 * nothing, and the same batches landed with their rows in another order load the same tables.
 */
public class VaultModelBasedIT {
    static final String YAML = """
            name: model
            sources:
              events: { kafka: { topic: events } }
              extra: { kafka: { topic: extra } }
            vault:
              missing_keys: %1$s
              hubs:
                h_k:
                  key: k
                  from: { events: $.k, extra: $.key }
                h_j:
                  key: j
                  from: { events: $.j }
                  missing_keys: %2$s
                h_pair:
                  key: [p1, p2]
                  from: { events: [$.k, $.j] }
              links:
                l_kj:
                  hubs: [h_k, h_j]
                  from: { events: { h_k: $.k, h_j: $.j } }
                l_kj_events:
                  hubs: [h_k, h_j]
                  payload: { c: text, b: integer }
                  event_key: [b]
                  from: { events: { h_k: $.k, h_j: $.j, c: $.c, b: $.b } }
                l_k_item:
                  hubs: { owner: h_k, item: h_j }
                  from: { events: { each: $.items, owner: $.k, item: $item.id } }
                  missing_keys: %2$s
              satellites:
                s_k:
                  parent: h_k
                  attributes: { a: text, b: integer }
                  from:
                    events: { k: $.k, a: $.a, b: $.b }
                    extra: { k: $.key, a: $.name, b: $.num }
                s_kj:
                  parent: l_kj
                  attributes: { c: text }
                  from: { events: { h_k: $.k, h_j: $.j, c: $.c } }
                s_item:
                  parent: h_j
                  attributes: { q: integer }
                  from: { events: { each: $.items, j: $item.id, q: $item.q } }
                s_k_items:
                  parent: h_k
                  multi_active: { key: id }
                  attributes: { id: text, q: integer }
                  from: { events: { each: $.items, k: $.k, id: $item.id, q: $item.q } }
                s_kj_eff:
                  parent: l_kj
                  effectivity: { driving_key: h_k }
                  from: { events: { h_k: $.k, h_j: $.j, deleted: { $.op: d } } }
            """;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String[] KEYS = {"alpha", "Beta", "GAMMA", "delta", "k|1", "k\\2", "\\N", "straße", "x y", "é"};
    private static final OffsetDateTime BASE = OffsetDateTime.of(2024, 3, 1, 12, 0, 0, 0, ZoneOffset.UTC);

    /** Four seeds of 3,000 rows by default; 40 seeds of 10,000 rows under {@code -Pstress}. */
    static LongStream seeds() {
        return LongStream.rangeClosed(1, STRESS ? 40 : 4);
    }

    private static final boolean STRESS = Boolean.getBoolean("strata.stress");
    private static final int STG_ROWS = STRESS ? 10_000 : 3_000;

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void shouldLoadExactlyWhatTheReferenceModelLoadsWhateverTheBatchSplit(long seed) throws Exception {
        check(WarehouseUnderTest.postgres(), seed);
    }

    /**
     * The model-based check on any warehouse (the warehouse contract runs it too): random batches of
     * STG rows, loads at random moments, every load's count and the final tables equal to the Java
     * reference model's, then idempotent re-runs.
     */
    public static void check(WarehouseUnderTest target, long seed) throws Exception {
        String policy = seed % 2 == 1 ? "unknown" : "skip";
        String other = seed % 2 == 1 ? "skip" : "unknown";
        ProjectConfig project = new ProjectLoader(EnvResolver.of(Map.of())).parse(Path.of("."),
                YAML.formatted(policy, other), "strata.yaml");
        SplittableRandom rnd = new SplittableRandom(seed);
        // every batch as landed, and after which batch each target was loaded: replayed with permuted rows below
        List<Batch> batches = new ArrayList<>();
        try (Warehouse warehouse = target.newDatabase()) {
            warehouse.migrate();   // as every Strata process does first: the fixture's locks live there on some warehouses
            VaultLoader loader = new VaultLoader(warehouse, project.name(), project.vault());
            VaultReferenceModel model = new VaultReferenceModel(project.vault());
            List<String> targets = loader.targets().stream().map(VaultTarget::name).toList();
            StgFixture.create(warehouse, "events");
            StgFixture.create(warehouse, "extra");
            List<VaultReferenceModel.StgRow> landed = new ArrayList<>();
            Map<String, Long> readUpTo = new HashMap<>();
            List<ObjectNode> sent = new ArrayList<>();
            OffsetDateTime clock = BASE;
            int rows = 0;
            int loads = 0;
            while (rows < STG_ROWS) {
                int size = 1 + rnd.nextInt(rnd.nextInt(10) == 0 ? 300 : 60);
                List<StgFixture.Row> events = new ArrayList<>();
                List<StgFixture.Row> extra = new ArrayList<>();
                for (int i = 0; i < size; i++) {
                    clock = clock.plusMinutes(rnd.nextInt(3)); // 0: equal event times happen
                    OffsetDateTime t = switch (rnd.nextInt(10)) {
                        case 0 -> clock.minusMinutes(1 + rnd.nextInt(240)); // late
                        case 1 -> null;                                      // no event time: _loaded_at counts
                        default -> clock;
                    };
                    if (rnd.nextInt(8) == 0 && !sent.isEmpty()) {           // an exact re-send of an earlier event
                        ObjectNode again = sent.get(rnd.nextInt(sent.size()));
                        events.add(new StgFixture.Row(null, again.get("p").toString(), OffsetDateTime.parse(again.get("t").asText())));
                    } else if (rnd.nextInt(12) == 0 && !sent.isEmpty()) {   // other content at the same instant, often the newest
                        ObjectNode again = sent.get(rnd.nextBoolean() ? sent.size() - 1 : rnd.nextInt(sent.size()));
                        ObjectNode p = again.get("p").deepCopy();
                        p.put("a", "changed").put("c", "z");
                        events.add(new StgFixture.Row(null, p.toString(), OffsetDateTime.parse(again.get("t").asText())));
                    } else if (rnd.nextInt(4) == 0) {
                        extra.add(new StgFixture.Row(null, extraPayload(rnd).toString(), t));
                    } else {
                        ObjectNode p = eventPayload(rnd);
                        events.add(new StgFixture.Row(null, p.toString(), t));
                        if (t != null) {
                            sent.add(JSON.createObjectNode().put("t", t.toString()).set("p", p));
                        }
                    }
                }
                rows += size;
                OffsetDateTime loadedAt = clock.plusSeconds(30);
                StgFixture.land(warehouse, "events", events, loadedAt);
                StgFixture.land(warehouse, "extra", extra, loadedAt);
                readBack(warehouse, "events", readUpTo, landed);
                readBack(warehouse, "extra", readUpTo, landed);
                Batch batch = new Batch(events, extra, loadedAt, new ArrayList<>());
                batches.add(batch);
                if (rnd.nextInt(10) < 7) {
                    for (String t : targets) {
                        if (rnd.nextInt(10) < 7) {
                            assertThat(loader.load(t)).as("rows inserted into " + t).isEqualTo(model.load(t, landed));
                            batch.loads().add(t);
                            loads++;
                        }
                    }
                }
            }
            for (String t : targets) {
                assertThat(loader.load(t)).as("rows inserted into " + t).isEqualTo(model.load(t, landed));
            }
            assertThat(loads).isGreaterThan(20);
            Map<String, List<List<String>>> loaded = compareWithModel(warehouse, targets, model);
            // the generator does make versions to collapse, unknown keys and history
            String hasUnknown = policy.equals("unknown") ? "h_k" : "h_j";
            assertThat(loaded.get(hasUnknown)).anyMatch(r -> r.get(0).equals(HashStandard.UNKNOWN_KEY.toString()));
            assertThat(loaded.get(policy.equals("unknown") ? "h_j" : "h_k"))
                    .noneMatch(r -> r.get(0).equals(HashStandard.UNKNOWN_KEY.toString()));
            assertThat(loaded.get("s_k").size()).isGreaterThan(loaded.get("h_k").size());
            assertThat(model.late).as("late rows ignored").isPositive();
            assertThat(model.collapsed).as("rows collapsed into the version before them").isPositive();
            assertThat(model.versionsAfterOthersInBatch).as("several versions of a parent in one batch").isPositive();
            assertThat(model.effChanges).as("relationships changed").isGreaterThan(20);
            assertThat(model.setVersions).as("versions of multi-active sets").isGreaterThan(20);
            assertThat(loaded.get("s_kj_eff")).as("closed periods").anyMatch(r -> r.get(4).equals("false"));

            assertThat(loader.loadAll().values()).as("a re-run with nothing new").containsOnly(0L);
            try (Connection c = warehouse.connection(); Statement s = c.createStatement()) {
                s.execute("DELETE FROM strata.layer_watermarks");
            }
            assertThat(loader.loadAll().values()).as("re-processing every STG row").containsOnly(0L);
            compareWithModel(warehouse, targets, model);

            // the same batches, each with its rows in another order, loaded at the same points: the same tables
            // (on MariaDB the replay's "new database" is the shared server emptied: the first one is done with)
            try (Warehouse replay = target.newDatabase()) {
                replay.migrate();
                VaultLoader again = new VaultLoader(replay, project.name(), project.vault());
                StgFixture.create(replay, "events");
                StgFixture.create(replay, "extra");
                java.util.Random shuffle = new java.util.Random(seed);
                for (Batch b : batches) {
                    List<StgFixture.Row> events = new ArrayList<>(b.events());
                    List<StgFixture.Row> extra = new ArrayList<>(b.extra());
                    java.util.Collections.shuffle(events, shuffle);
                    java.util.Collections.shuffle(extra, shuffle);
                    StgFixture.land(replay, "events", events, b.loadedAt());
                    StgFixture.land(replay, "extra", extra, b.loadedAt());
                    for (String t : b.loads()) {
                        again.load(t);
                    }
                }
                again.loadAll();
                for (String t : targets) {
                    assertThat(table(replay, t)).as("contents of " + t + " with every batch landed in another order")
                            .containsExactlyElementsOf(loaded.get(t));
                }
            }
        }
    }

    /** One landing batch of each source and the targets loaded right after it. */
    private record Batch(List<StgFixture.Row> events, List<StgFixture.Row> extra, OffsetDateTime loadedAt, List<String> loads) {
    }

    private static Map<String, List<List<String>>> compareWithModel(Warehouse w, List<String> targets,
                                                                     VaultReferenceModel model) throws Exception {
        Map<String, List<List<String>>> all = new HashMap<>();
        for (String t : targets) {
            List<List<String>> actual = table(w, t);
            List<List<String>> expected = new ArrayList<>(model.rows(t));
            expected.sort(ROWS);
            assertThat(actual).as("contents of " + t).containsExactlyElementsOf(expected);
            all.put(t, actual);
        }
        return all;
    }

    private static final Comparator<List<String>> ROWS = (a, b) -> String.join("\u0001", nulls(a))
            .compareTo(String.join("\u0001", nulls(b)));

    private static List<String> nulls(List<String> row) {
        return row.stream().map(v -> v == null ? "\u0000" : v).toList();
    }

    private static List<List<String>> table(Warehouse w, String table) throws Exception {
        List<List<String>> out = new ArrayList<>();
        try (Connection c = w.connection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT * FROM dds." + table)) {
            ResultSetMetaData md = rs.getMetaData();
            while (rs.next()) {
                List<String> row = new ArrayList<>();
                for (int i = 1; i <= md.getColumnCount(); i++) {
                    String name = md.getColumnName(i);
                    if (name.equals("load_dt") || name.equals("start_dt") || name.equals("end_dt")) {
                        row.add(rs.getObject(i, OffsetDateTime.class).toInstant().toString());
                    } else if (name.equals("is_current")) {
                        row.add(String.valueOf(rs.getBoolean(i)));
                    } else if (name.endsWith("_hk") || name.equals("hashdiff")) {
                        java.util.UUID hk = w.sql().readHashKey(rs, i);   // the same 16 bytes on every warehouse
                        row.add(hk == null ? null : hk.toString());
                    } else {
                        row.add(rs.getString(i));
                    }
                }
                out.add(row);
            }
        }
        out.sort(ROWS);
        return out;
    }

    private static void readBack(Warehouse w, String source, Map<String, Long> readUpTo,
                                 List<VaultReferenceModel.StgRow> landed) throws Exception {
        long after = readUpTo.getOrDefault(source, 0L);
        try (Connection c = w.connection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT _seq, _payload, _event_time, _loaded_at FROM stg." + source
                     + " WHERE _seq > " + after + " ORDER BY _seq")) {
            while (rs.next()) {
                landed.add(new VaultReferenceModel.StgRow(source, rs.getLong(1), JSON.readTree(rs.getString(2)),
                        rs.getObject(3, OffsetDateTime.class), rs.getObject(4, OffsetDateTime.class)));
                after = rs.getLong(1);
            }
        }
        readUpTo.put(source, after);
    }

    /** A key as users send it: case and whitespace variants of a few keys, sometimes NULL or blank. */
    private static String key(SplittableRandom rnd) {
        String k = KEYS[rnd.nextInt(KEYS.length)];
        return switch (rnd.nextInt(12)) {
            case 0 -> null;
            case 1 -> "";
            case 2 -> " \t";
            case 3 -> " " + k.toUpperCase() + "\n";
            case 4 -> k.toLowerCase();
            default -> k;
        };
    }

    private static ObjectNode eventPayload(SplittableRandom rnd) {
        ObjectNode p = JSON.createObjectNode();
        putText(p, "k", key(rnd));
        putText(p, "j", key(rnd));
        putText(p, "a", new String[] {"A", "B", "A ", "a", null}[rnd.nextInt(5)]);   // back and forth, case kept
        if (rnd.nextInt(4) > 0) {
            p.put("b", rnd.nextInt(3));
        }
        putText(p, "c", rnd.nextBoolean() ? "x" : "y");
        if (rnd.nextInt(15) == 0) {
            p.put("op", "d"); // a delete: ends k's relationship in s_kj_eff
        }
        ArrayNode items = p.putArray("items");
        for (int i = rnd.nextInt(4); i > 0; i--) {
            ObjectNode item = items.addObject();
            putText(item, "id", key(rnd));
            item.put("q", rnd.nextInt(3));
        }
        return p;
    }

    private static ObjectNode extraPayload(SplittableRandom rnd) {
        ObjectNode p = JSON.createObjectNode();
        putText(p, "key", key(rnd));
        putText(p, "name", new String[] {"A", "B", null}[rnd.nextInt(3)]);
        p.put("num", rnd.nextInt(3));
        return p;
    }

    private static void putText(ObjectNode n, String field, String value) {
        if (value == null) {
            if (n.size() % 2 == 0) {
                n.putNull(field); // JSON null and an absent field both read as NULL
            }
            return;
        }
        n.put(field, value);
    }
}
