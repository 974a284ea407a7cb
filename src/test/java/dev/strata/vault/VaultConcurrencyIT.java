package dev.strata.vault;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.strata.config.EnvResolver;
import dev.strata.config.ProjectConfig;
import dev.strata.config.ProjectLoader;
import dev.strata.testing.TestServers;
import dev.strata.testing.WarehouseUnderTest;
import dev.strata.warehouse.Warehouse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * Test 3 of the vault issue: two loaders — separate pools, as two processes would have — load the
 * same targets at the same time while rows keep landing, each visiting the targets in its own
 * order. The tables end up exactly as one loader makes them from the same STG rows, and the rows
 * the two report inserting add up to what is there (nothing was inserted twice).
 */
class VaultConcurrencyIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void shouldEndWithTheSameTablesAsOneLoaderWhenTwoLoadTheSameTargetsAtOnce() throws Exception {
        // one source and event times that grow with landing order: then the result does not depend on
        // how the rows are split into runs, and a single loader is a fair reference
        String yaml = VaultModelBasedIT.YAML.formatted("unknown", "skip")
                .replace("from: { events: $.k, extra: $.key }", "from: { events: $.k }")
                .replace("        extra: { k: $.key, a: $.name, b: $.num }\n", "");
        ProjectConfig project = new ProjectLoader(EnvResolver.of(Map.of())).parse(Path.of("."), yaml, "strata.yaml");
        List<List<StgFixture.Row>> batches = batches(new SplittableRandom(42));
        // the URL holds the server's password (test servers have one); the display URL is redacted
        String sharedUrl = TestServers.newDatabaseUrl();
        try (Warehouse shared = WarehouseUnderTest.postgres().connect(sharedUrl); Warehouse reference = TestServers.newDatabase()) {
            StgFixture.create(shared, "events");
            StgFixture.create(reference, "events");
            List<String> targets = VaultTarget.all(project.vault()).stream().map(VaultTarget::name).toList();
            AtomicBoolean landing = new AtomicBoolean(true);
            AtomicLong reported = new AtomicLong();
            // an effectivity load counts the periods it opened and the stored ones it closed, so its
            // count depends on how the rows were split into loads; its contents do not
            java.util.Set<String> periods = new java.util.HashSet<>();
            project.vault().satellites().values().stream().filter(s -> s.effectivity().isPresent())
                    .forEach(s -> periods.add(s.name()));
            AtomicLong passes = new AtomicLong();
            ExecutorService pool = Executors.newFixedThreadPool(2);
            List<Future<Integer>> loaders = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                List<String> order = new ArrayList<>(targets);
                if (i == 1) {
                    Collections.reverse(order);
                }
                loaders.add(pool.submit(() -> {
                    int runs = 0;
                    try (Warehouse own = WarehouseUnderTest.postgres().connect(sharedUrl)) {
                        VaultLoader loader = new VaultLoader(own, project.name(), project.vault());
                        boolean last = false;
                        while (!last) {
                            last = !landing.get(); // one full pass after landing has finished
                            for (String t : order) {
                                long n = loader.load(t);
                                if (!periods.contains(t)) {
                                    reported.addAndGet(n);
                                }
                                runs++;
                            }
                            passes.incrementAndGet();
                        }
                    }
                    return runs;
                }));
            }
            for (List<StgFixture.Row> batch : batches) {
                StgFixture.land(shared, "events", batch);
                StgFixture.land(reference, "events", batch);
                // let the loaders make a pass over the new rows while the next batch lands
                long seen = passes.get();
                Awaitility.await().atMost(Duration.ofMinutes(1)).until(() -> passes.get() > seen || loaders.stream().anyMatch(Future::isDone));
                for (Future<Integer> f : loaders) {
                    if (f.isDone()) {
                        f.get(); // a loader stopped early: its exception is the failure
                    }
                }
            }
            landing.set(false);
            int runs = 0;
            for (Future<Integer> f : loaders) {
                runs += f.get(3, TimeUnit.MINUTES);
            }
            pool.shutdown();
            assertThat(runs).as("loads attempted by the two loaders").isGreaterThanOrEqualTo(batches.size() * targets.size());

            VaultLoader single = new VaultLoader(reference, project.name(), project.vault());
            long expectedRows = single.loadAll().entrySet().stream().filter(e -> !periods.contains(e.getKey()))
                    .mapToLong(Map.Entry::getValue).sum();
            assertThat(reported.get()).as("rows the two loaders reported inserting").isEqualTo(expectedRows);
            for (String t : targets) {
                assertThat(dump(shared, t)).as("contents of " + t).isEqualTo(dump(reference, t));
            }
            assertThat(dump(shared, "s_k")).hasSizeGreaterThan(20);
        }
    }


    private static List<List<StgFixture.Row>> batches(SplittableRandom rnd) {
        String[] keys = {"alpha", "Beta", " beta ", "GAMMA", "k|1", ""};
        OffsetDateTime t = OffsetDateTime.of(2024, 5, 1, 0, 0, 0, 0, ZoneOffset.UTC);
        List<List<StgFixture.Row>> out = new ArrayList<>();
        for (int b = 0; b < 40; b++) {
            List<StgFixture.Row> batch = new ArrayList<>();
            for (int i = 1 + rnd.nextInt(80); i > 0; i--) {
                t = t.plusSeconds(1 + rnd.nextInt(30));
                ObjectNode p = JSON.createObjectNode();
                p.put("k", keys[rnd.nextInt(keys.length)]);
                p.put("j", keys[rnd.nextInt(keys.length)]);
                p.put("a", rnd.nextBoolean() ? "A" : "B");
                p.put("b", rnd.nextInt(3));
                p.put("c", rnd.nextBoolean() ? "x" : "y");
                ObjectNode item = p.putArray("items").addObject();
                item.put("id", keys[rnd.nextInt(keys.length)]);
                item.put("q", rnd.nextInt(2));
                batch.add(new StgFixture.Row(null, p.toString(), t));
            }
            out.add(batch);
        }
        return out;
    }

    private static List<String> dump(Warehouse w, String table) throws Exception {
        List<String> rows = new ArrayList<>();
        try (Connection c = w.connection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT t::text FROM dds." + table + " t ORDER BY 1")) {
            while (rs.next()) {
                rows.add(rs.getString(1));
            }
        }
        return rows;
    }
}
