package dev.strata.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The capturing JVM of a cdc source is killed with SIGKILL at random moments — during the initial
 * snapshot, and then again and again while a change script runs on the source — and restarted each
 * time; at the end STG holds every change exactly once, in commit order. 20 kills by default, 60 with
 * {@code -Pstress}.
 */
class CdcCrashIT {
    private static final int SNAPSHOT_ROWS = 20_000;

    @Test
    void shouldLandEachChangeOnceWhenTheCapturingProcessIsKilledAgainAndAgain(@TempDir Path dir) throws Exception {
        int kills = Integer.getInteger("strata.cdc.kills", Boolean.getBoolean("strata.stress") ? 60 : 20);
        long seed = System.nanoTime();
        Random random = new Random(seed);
        try (CdcFixture f = new CdcFixture()) {
            CdcChangeScript.createTable(f, SNAPSHOT_ROWS);
            Path yaml = Files.writeString(dir.resolve("strata.yaml"), f.yaml(List.of("items"), "")
                    + "    batch: { max_records: 500 }\n");
            long t0 = System.nanoTime();
            int duringSnapshot = 0;
            int afterCommit = 0;
            try (LanderProcesses landers = new LanderProcesses(f.warehouseUrl, yaml, "CdcCrashIT");
                 CdcChangeScript script = new CdcChangeScript(f.sourceUrl, seed, SNAPSHOT_ROWS, 20)) {
                // kills while the snapshot lands (it commits as a whole, or not at all)
                LanderProcesses.Lander first = null;
                for (int k = 0; k < 3 && f.changes("items").isEmpty(); k++) {
                    LanderProcesses.Lander l = landers.start("snapshot-" + k, "worker-a");
                    Thread.sleep(1500 + random.nextInt(2500));
                    if (!f.changes("items").isEmpty()) {
                        first = l;   // the snapshot landed before the kill: this lander goes on (and holds the slot)
                        break;
                    }
                    l.kill();
                    duringSnapshot++;
                }
                if (first == null) {
                    first = landers.start("snapshot-done", "worker-a");
                }
                await().atMost(Duration.ofSeconds(120)).until(() -> f.changes("items").size() >= SNAPSHOT_ROWS);
                script.start();
                first.kill();
                for (int k = 0; k < kills; k++) {
                    LanderProcesses.Lander l = landers.start("lander-" + k, "worker-a");
                    if (random.nextInt(3) == 0) {
                        Thread.sleep(random.nextInt(3000));   // startup, slot search, the first batch
                    } else {
                        int batches = 1 + random.nextInt(3);
                        await().atMost(Duration.ofSeconds(60)).until(() -> l.batches.get() >= batches || !l.process.isAlive());
                        Thread.sleep(random.nextInt(200));   // somewhere inside a following unit
                        afterCommit++;
                    }
                    assertThat(l.process.isAlive()).as("lander %d is still running when killed", k).isTrue();
                    l.kill();
                }
                List<CdcChangeScript.Event> expected = script.finish();
                LanderProcesses.Lander last = landers.start("lander-final", "worker-a");
                try {
                    await().atMost(Duration.ofSeconds(120)).until(() -> streamed(f).size() >= expected.size());
                } catch (org.awaitility.core.ConditionTimeoutException e) {
                    System.out.println("cdc crash test: only " + streamed(f).size() + " of " + expected.size()
                            + " changes landed after 120 s");
                }
                Thread.sleep(1000);   // anything beyond the script would be a duplicate: give it a chance to show
                List<CdcChangeScript.Event> landed = streamed(f);
                long snapshotRows = f.warehouseLong("SELECT count(*) FROM stg.shop_items WHERE _payload->>'op' = 'r'");
                long attemptedDuplicates = f.warehouseLong("SELECT coalesce(sum(duplicates), 0) FROM strata.landing_batches");
                int missing = 0;
                int duplicates = 0;
                List<CdcChangeScript.Event> rest = new ArrayList<>(landed);
                for (CdcChangeScript.Event e : expected) {
                    if (!rest.remove(e)) {
                        missing++;
                    }
                }
                duplicates = rest.size();
                if (missing > 0 || duplicates > 0) {
                    List<CdcChangeScript.Event> lost = new ArrayList<>(expected);
                    landed.forEach(lost::remove);
                    System.out.println("cdc crash test: missing " + lost.subList(0, Math.min(20, lost.size()))
                            + " duplicated " + rest.subList(0, Math.min(20, rest.size())));
                    if (!lost.isEmpty()) {
                        int at = expected.indexOf(lost.get(0));
                        for (int i = Math.max(0, at - 8); i < Math.min(expected.size(), at + 12); i++) {
                            CdcChangeScript.Event e = expected.get(i);
                            System.out.println("  expected " + e + " landed as: " + f.warehouseText("SELECT string_agg("
                                    + "_seq || ' batch ' || _batch_id || ' tx ' || (_payload->'source'->>'txId') || ' lsn ' "
                                    + "|| _partition || ' #' || _offset, '; ') FROM stg.shop_items WHERE _payload->>'op' = '"
                                    + e.op() + "' AND (CASE WHEN _payload->>'op' = 'd' THEN _payload->'before' ELSE "
                                    + "_payload->'after' END->>'v')::bigint = " + e.v()));
                        }
                        System.out.println("  batches: " + f.warehouseText("SELECT string_agg(id || ' ' || worker || ' ' "
                                + "|| records || ' ' || positions::text, E'\\n    ' ORDER BY id) FROM strata.landing_batches"));
                    }
                }
                System.out.printf("cdc crash test (seed %d): kills=%d (%d during the snapshot, %d after a committed "
                                + "unit) snapshot rows=%d/%d changes expected=%d landed=%d missing=%d duplicated=%d "
                                + "attempted duplicates=%d in %.0f s%n", seed, kills + duringSnapshot, duringSnapshot,
                        afterCommit, snapshotRows, SNAPSHOT_ROWS, expected.size(), landed.size(), missing, duplicates,
                        attemptedDuplicates, (System.nanoTime() - t0) / 1e9);
                assertThat(snapshotRows).as("snapshot rows").isEqualTo(SNAPSHOT_ROWS);
                assertThat(missing).as("missing changes").isZero();
                assertThat(duplicates).as("duplicated changes").isZero();
                assertThat(landed).as("changes in commit order").containsExactlyElementsOf(expected);
                assertThat(attemptedDuplicates).as("changes delivered again after their commit").isZero();
                last.stop();
            }
        }
    }

    /** The streamed changes (not the snapshot) in STG order, as the script's events. */
    private static List<CdcChangeScript.Event> streamed(CdcFixture f) throws Exception {
        List<CdcChangeScript.Event> out = new ArrayList<>();
        try (Connection c = f.warehouse.connection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT _payload->>'op', (CASE WHEN _payload->>'op' = 'd' THEN _payload->'before' "
                     + "ELSE _payload->'after' END->>'id')::bigint, (CASE WHEN _payload->>'op' = 'd' THEN _payload->'before' "
                     + "ELSE _payload->'after' END->>'v')::bigint FROM stg.shop_items "
                     + "WHERE _payload->>'op' <> 'r' ORDER BY _seq")) {
            while (rs.next()) {
                String op = rs.getString(1);
                long id = rs.getLong(2);
                long v = rs.getLong(3);
                out.add(new CdcChangeScript.Event(op, id, v));
            }
        } catch (java.sql.SQLException e) {
            if ("42P01".equals(e.getSQLState())) {
                return out;
            }
            throw e;
        }
        return out;
    }
}
