package dev.strata.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Test 4: two landers in separate JVMs share one pipeline while partitions move between them (one
 * starts late, one is killed, a replacement joins): every key lands once, and a reader never sees
 * a row commit below a {@code _seq} it has already read past (the vault's high-water mark holds).
 */
class RebalanceIT {

    @Test
    void shouldLandEachMessageOnceWhileTwoLandersShareAndHandOverPartitions(@TempDir Path dir) throws Exception {
        try (LandingFixture f = new LandingFixture(4)) {
            Path yaml = Files.writeString(dir.resolve("strata.yaml"), f.yaml("    key: $.object_id\n"
                    + "    batch: { max_records: 500, max_wait: 100ms }\n").replace("      topic:",
                    "      properties: { session.timeout.ms: \"6000\", heartbeat.interval.ms: \"1000\" }\n      topic:"));
            AtomicBoolean reading = new AtomicBoolean(true);
            AtomicReference<String> seqViolation = new AtomicReference<>();
            AtomicLong reads = new AtomicLong();
            Thread reader = new Thread(() -> watchSeq(f, reading, seqViolation, reads), "seq-reader");
            try (Producing producing = new Producing(f, 1500);
                 LanderProcesses landers = new LanderProcesses(f.jdbcUrl, yaml, "RebalanceIT")) {
                LanderProcesses.Lander a = landers.start("a", "worker-a");
                await().atMost(Duration.ofSeconds(60)).until(() -> a.batches.get() >= 3);
                reader.start();
                LanderProcesses.Lander b = landers.start("b", "worker-b");      // joins late: partitions are split
                await().atMost(Duration.ofSeconds(60)).until(() -> b.batches.get() >= 3 && a.batches.get() >= 6);
                a.kill();                                                         // b takes over after the session timeout
                int bBefore = b.batches.get();
                await().atMost(Duration.ofSeconds(60)).until(() -> b.batches.get() >= bBefore + 10);
                LanderProcesses.Lander c = landers.start("c", "worker-c");      // a replacement joins: split again
                await().atMost(Duration.ofSeconds(60)).until(() -> c.batches.get() >= 3);
                b.kill();
                Set<String> produced = producing.finish();
                await().atMost(Duration.ofSeconds(90)).until(f::caughtUp);
                reading.set(false);
                reader.join();
                LandingFixture.ExactlyOnce result = f.exactlyOnce(produced);
                System.out.printf("rebalance test: landers=3 kills=2 %s conflicts=%d seq reads=%d%n", result,
                        landers.countInLogs("advanced by another process"), reads.get());
                assertThat(seqViolation.get()).as("_seq commit order").isNull();
                assertThat(result.missing()).as("missing").isZero();
                assertThat(result.duplicates()).as("duplicates").isZero();
                assertThat(result.unexpected()).isZero();
                assertThat(result.attemptedDuplicates()).isZero();
                assertThat(f.strings("SELECT DISTINCT worker FROM strata.landing_batches ORDER BY 1"))
                        .containsExactly("worker-a", "worker-b", "worker-c");
                c.stop();
            } finally {
                reading.set(false);
            }
        }
    }

    /**
     * Reads like a vault load: remembers how many rows lie at or below the highest {@code _seq} seen
     * and checks later that no row has appeared below it since.
     */
    private static void watchSeq(LandingFixture f, AtomicBoolean reading, AtomicReference<String> violation, AtomicLong reads) {
        long mark = 0;
        long countAtMark = 0;
        while (reading.get() && violation.get() == null) {
            try (Connection c = f.warehouse.connection(); Statement s = c.createStatement()) {
                try (ResultSet rs = s.executeQuery("SELECT count(*) FROM stg.orders WHERE _seq <= " + mark)) {
                    rs.next();
                    if (rs.getLong(1) != countAtMark) {
                        violation.set("rows at or below _seq " + mark + " went from " + countAtMark + " to " + rs.getLong(1));
                    }
                }
                try (ResultSet rs = s.executeQuery("SELECT coalesce(max(_seq), 0), count(*) FROM stg.orders")) {
                    rs.next();
                    mark = rs.getLong(1);
                    countAtMark = rs.getLong(2);
                }
                reads.incrementAndGet();
            } catch (java.sql.SQLException e) {
                violation.set("reader failed: " + e.getMessage());
            }
        }
    }
}
