package dev.strata.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import java.util.Set;
import dev.strata.testing.WarehouseUnderTest;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * Test 3: a lander in its own JVM is killed with SIGKILL at random moments while a producer
 * writes, and restarted each time; at the end every produced key is in STG exactly once. 20 kills
 * by default, 100 with {@code -Pstress}. On both warehouses: on MariaDB the positions' compare-and-set
 * and the rows share an InnoDB transaction, as they share a PostgreSQL one.
 */
class CrashIT {

    static Stream<Arguments> warehouses() {
        return Stream.of(Arguments.of("postgres", WarehouseUnderTest.postgres()),
                Arguments.of("mariadb", WarehouseUnderTest.mariadb()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("warehouses")
    void shouldLandEachMessageOnceWhenTheLanderIsKilledAgainAndAgain(String name, WarehouseUnderTest under, @TempDir Path dir)
            throws Exception {
        int kills = Boolean.getBoolean("strata.stress") ? 100 : 20;
        long seed = System.nanoTime();
        Random random = new Random(seed);
        try (LandingFixture f = new LandingFixture(4, under)) {
            // Small batches: more commits, so kills land before, during and after transactions.
            // Static membership: a restarted lander takes its partitions back without waiting for a session timeout.
            Path yaml = Files.writeString(dir.resolve("strata.yaml"), f.yaml("    key: $.object_id\n"
                    + "    event_time: $.sent_dttm\n"
                    + "    batch: { max_records: 400, max_wait: 100ms }\n").replace("      topic:",
                    "      properties: { group.instance.id: crash-lander }\n      topic:"));
            long t0 = System.nanoTime();
            try (Producing producing = new Producing(f, 1500);
                 LanderProcesses landers = new LanderProcesses(f.jdbcUrl, under, yaml, "CrashIT-" + name)) {
                int killedMidStream = 0;
                for (int k = 0; k < kills; k++) {
                    LanderProcesses.Lander l = landers.start("lander-" + k, "worker-a");
                    if (random.nextInt(4) == 0) {
                        Thread.sleep(random.nextInt(1500));   // a random moment: startup, assignment or a first batch
                    } else {
                        int batches = 1 + random.nextInt(3);
                        await().atMost(Duration.ofSeconds(60)).until(() -> l.batches.get() >= batches || !l.process.isAlive());
                        Thread.sleep(random.nextInt(150));   // somewhere inside a following batch
                        killedMidStream++;
                    }
                    assertThat(l.process.isAlive()).as("lander %d is still running when killed", k).isTrue();
                    l.kill();
                }
                LanderProcesses.Lander last = landers.start("lander-final", "worker-a");
                Set<String> produced = producing.finish();
                await().atMost(Duration.ofSeconds(120)).until(f::caughtUp);
                LandingFixture.ExactlyOnce result = f.exactlyOnce(produced);
                System.out.printf("crash test on %s (seed %d): kills=%d (%d after a committed batch) %s conflicts=%d in %.0f s%n",
                        name, seed, kills, killedMidStream, result, landers.countInLogs("advanced by another process"),
                        (System.nanoTime() - t0) / 1e9);
                assertThat(result.missing()).as("missing").isZero();
                assertThat(result.duplicates()).as("duplicates").isZero();
                assertThat(result.unexpected()).isZero();
                assertThat(result.attemptedDuplicates()).as("records landed twice by the protocol (stopped by the key)").isZero();
                assertThat(result.rows()).isEqualTo(produced.size());
                assertThat(result.deadLetters()).isZero();
                last.stop();
                assertThat(last.process.exitValue()).as("graceful stop on SIGTERM").isEqualTo(143);
            }
        }
    }
}
