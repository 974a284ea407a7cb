package dev.strata.examples.airline;

import dev.strata.config.CdcTableSpec;
import dev.strata.config.VaultSection;
import dev.strata.examples.Checks;
import dev.strata.examples.DemoPipeline;
import dev.strata.examples.DemoStage;
import dev.strata.examples.Scenario;
import dev.strata.vault.VaultLoader;
import dev.strata.vault.VaultTarget;
import dev.strata.warehouse.Warehouse;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * {@code strata demo airline}: scenario 000 end to end. Creates the airline schema on the source
 * PostgreSQL and loads the generator's fixture; the pipeline's {@code cdc} source snapshots it into
 * STG while the vault loads after each landed batch; then the change script runs on the source,
 * the demo waits for the marker update's change event (capture has caught up), loads the vault
 * once more, waits for a build of {@code cdm.airport_traffic} after that, and checks acceptance
 * items 1–15 against {@link AirlineTruth} (and 12–14 against the seed's SQL on the source).
 * Items 1–2 are checked on the source's streaming replica right after the change script
 * ({@link AirlineReplicaChecks}).
 */
public final class AirlineScenario implements Scenario {
    static final String SOURCE = "airline";
    static final String REVERSE_SCHEMA = "dds_reverse";
    static final Duration TIMEOUT = Duration.ofMinutes(5);
    static final Duration REBUILD_TIMEOUT = Duration.ofMinutes(1);
    static final List<String> MARTS = List.of("airport_traffic");

    private final long seed;
    private final java.util.Optional<String> tamper;
    private final Checks checks = new Checks();
    private AirlineData.Rows fixture;
    private List<AirlineData.Change> changes;
    private AirlineDatabase database;
    private PrintWriter out;

    /** {@code tamper}: a statement run on the warehouse right before the verification (tests), else none. */
    public AirlineScenario(long seed, java.util.Optional<String> tamper) {
        this.seed = seed;
        this.tamper = tamper;
    }

    @Override
    public void generate(DemoStage stage) throws Exception {
        out = stage.out();
        fixture = AirlineData.fixture(seed);
        changes = AirlineData.changes(seed, fixture);
        Path manifest = stage.workDir().resolve("generator").resolve("manifest.txt");
        Files.createDirectories(manifest.getParent());
        StringBuilder m = new StringBuilder("seed " + seed + "\nfixture (scenario 000 §4): " + fixture.counts() + "\n"
                + "change script (one transaction each, in this order):\n");
        changes.forEach(c -> m.append("  ").append(c).append('\n'));
        Files.writeString(manifest, m.toString());
        out.printf("generated the airline fixture (seed %d: %s) and its change script (%d statements: %s)%n  manifest : %s%n",
                seed, fixture.counts(), changes.size(), AirlineData.events(changes), manifest);
        out.flush();
    }

    @Override
    public String prepare(DemoStage stage) throws Exception {
        CdcTableSpec table = (CdcTableSpec) stage.project().sources().get(SOURCE + "_flights").spec();
        database = new AirlineDatabase(table.capture());
        database.create(fixture);
        return "the airline database (REPLICA IDENTITY FULL) with the fixture " + database.counts();
    }

    @Override
    public String consoleHint() {
        return "  (Dashboards: Airport traffic)";
    }

    @Override
    public boolean run(DemoStage stage, DemoPipeline p) throws Exception {
        long t0 = System.nanoTime();
        Warehouse w = p.warehouse();
        AirlineVerifier v = new AirlineVerifier(w, database);
        AirlineTruth truth = new AirlineTruth(fixture, changes);

        awaitSnapshot(v, stage);
        out.printf("the snapshot is in STG (%,d change events, op r); running the change script on the source ...%n",
                fixture.counts().values().stream().mapToInt(Integer::intValue).sum());
        out.flush();
        database.apply(changes);
        AirlineReplicaChecks replica = new AirlineReplicaChecks(database, stage.replica());
        replica.contents(checks);
        replica.authentication(checks, stage.project().directory());
        awaitMarker(v, truth.marker(), stage);
        out.printf("the marker update's change event is in STG (%.1f s after the snapshot): capture has caught up%n",
                (System.nanoTime() - t0) / 1e9);
        out.flush();
        Instant caughtUp = p.catchUp(TIMEOUT);
        p.awaitBuiltAfter(caughtUp, MARTS, TIMEOUT);
        if (tamper.isPresent()) {
            v.execute(tamper.get());
        }

        v.stg(truth, checks);
        v.hubs(truth, checks);
        v.links(truth, checks);
        v.satellites(truth, checks);
        VaultSection vault = stage.project().vault();
        reverseLoad(w, stage.project().name(), vault);
        v.orderIndependence(REVERSE_SCHEMA, checks);
        Map<String, Long> before = v.vaultCounts();
        new VaultLoader(w, stage.project().name(), vault).loadAll();
        Map<String, Long> after = v.vaultCounts();
        checks.check("10", before.equals(after) ? List.of() : List.of(before + " before, " + after + " after"),
                String.format("DDS idempotency: the vault loaded again with no new STG rows: the row counts of its %d tables "
                        + "are unchanged (%,d rows)", after.size(), after.values().stream().mapToLong(Long::longValue).sum()));
        v.mart(truth, checks);
        String sum = v.martChecksum();
        List<List<String>> rows = v.mart();
        try {
            // the marts are rebuilt every 10 s; a failing data test upstream holds them back (then this item fails)
            p.awaitBuiltAfter(Instant.now(), MARTS, REBUILD_TIMEOUT);
            String again = v.martChecksum();
            checks.check("15", sum.equals(again) && rows.equals(v.mart()), "mart idempotency: cdm.airport_traffic rebuilt by "
                    + "the scheduler without source changes has the same rows and checksum (" + again + ")");
        } catch (dev.strata.StrataException e) {
            checks.check("15", false, "mart idempotency: " + e.getMessage());
        }
        // 4 last: it writes into STG (every change delivered again), and the rows above are not to move after it
        v.stgReplay(checks);
        return finish(t0);
    }

    /** Loads the whole vault again from STG into {@link #REVERSE_SCHEMA}, targets of the last source tables first, hubs last. */
    static void reverseLoad(Warehouse w, String pipeline, VaultSection vault) {
        VaultSection reverse = new VaultSection(REVERSE_SCHEMA, vault.hubs(), vault.links(), vault.satellites(),
                vault.sortMemory(), vault.missingKeys(), vault.ghostRecords(), vault.pits(), vault.bridges());
        VaultLoader loader = new VaultLoader(w, pipeline + "-reverse-order", reverse);
        loader.prepare();
        List<VaultTarget> targets = new ArrayList<>(loader.targets());
        targets.sort(Comparator.comparingInt((VaultTarget t) -> -lastTable(t)).thenComparing(t -> -t.kind().ordinal()));
        targets.forEach(t -> loader.load(t.name()));
    }

    /** The position in {@link AirlineDatabase#TABLES} of the last source table a target reads. */
    private static int lastTable(VaultTarget t) {
        int last = -1;
        for (String input : t.inputs()) {
            for (int i = 0; i < AirlineDatabase.TABLES.size(); i++) {
                if (input.endsWith(SOURCE + "_" + AirlineDatabase.TABLES.get(i))) {
                    last = Math.max(last, i);
                }
            }
        }
        return last;
    }

    private void awaitSnapshot(AirlineVerifier v, DemoStage stage) throws Exception {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        Map<String, Integer> want = fixture.counts();
        while (true) {
            Map<String, Long> have = stgCounts(v, "_payload->>'op' = 'r'");
            if (want.entrySet().stream().allMatch(e -> have.getOrDefault(e.getKey(), 0L) >= e.getValue())) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the CDC snapshot did not land within " + TIMEOUT.toMinutes() + " minutes: "
                        + have + " of " + want);
            }
            if (stage.stop().await(250, java.util.concurrent.TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException("stopped before the snapshot landed: nothing was verified");
            }
        }
    }

    private static Map<String, Long> stgCounts(AirlineVerifier v, String where) throws SQLException {
        Map<String, Long> m = new java.util.LinkedHashMap<>();
        for (String t : AirlineDatabase.TABLES) {
            try {
                m.put(t, v.count("SELECT count(*) FROM " + AirlineVerifier.STG_PREFIX + t + " WHERE " + where));
            } catch (SQLException e) {
                if (e.getSQLState() == null || !e.getSQLState().equals("42P01")) {
                    throw e;
                }
                m.put(t, 0L);   // not created yet
            }
        }
        return m;
    }

    /** Waits for the change event of the script's last statement: an update of the marker flight that changes nothing. */
    private void awaitMarker(AirlineVerifier v, AirlineData.Marker marker, DemoStage stage) throws Exception {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        String sql = "SELECT count(*) FROM " + AirlineVerifier.STG_PREFIX + "flights WHERE _payload->>'op' = 'u' AND "
                + "_payload->'after'->>'flight_id' = '" + marker.flightId() + "' AND _payload->'after' = _payload->'before'";
        while (v.count(sql) == 0) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the marker update's change event did not land within " + TIMEOUT.toMinutes()
                        + " minutes; landed so far: " + stgCounts(v, "true"));
            }
            if (stage.stop().await(200, java.util.concurrent.TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException("stopped before capture caught up: nothing was verified");
            }
        }
    }

    private boolean finish(long t0) {
        checks.print(out);
        out.printf("airline: %d checks, %s, %.1f s from the snapshot%n", checks.all().size(),
                checks.ok() ? "all hold" : checks.all().stream().filter(c -> !c.ok()).count() + " FAILED",
                (System.nanoTime() - t0) / 1e9);
        out.flush();
        return checks.ok();
    }

    /** What the verification found (for tests). */
    public Checks checks() {
        return checks;
    }

    /** The ordered items checked, e.g. for a test's message. */
    String items() {
        return checks.all().stream().map(Checks.Check::item).collect(Collectors.joining(","));
    }
}
