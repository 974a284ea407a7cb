package dev.strata.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.strata.embedded.EmbeddedPostgres;
import dev.strata.runtime.Environment;
import dev.strata.warehouse.Warehouse;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Test 6: the warehouse is stopped for about ten seconds in the middle of a stream and started
 * again on the same port: the lander retries with backoff, resumes by itself, and every key lands
 * once.
 */
class WarehouseOutageIT {

    @Test
    void shouldResumeAndLandEachMessageOnceAfterTheWarehouseIsDownForTenSeconds(@TempDir Path dir) throws Exception {
        EmbeddedPostgres pg = EmbeddedPostgres.start(Optional.of(dir.resolve("pg")));
        int port = pg.port();
        try (LandingFixture f = new LandingFixture(4);
             Warehouse warehouse = Warehouse.connect(pg.jdbcUrl(), pg.user(), pg.password(), 4)) {
            warehouse.migrate();
            Environment env = new Environment(f.project("    key: $.object_id\n    batch: { max_records: 500 }\n"),
                    warehouse, null, new SimpleMeterRegistry(), Clock.systemUTC(), "worker-outage");
            LandingFixture onOutageDb = f.on(warehouse);
            CopyOnWriteArrayList<LandedBatch> batches = new CopyOnWriteArrayList<>();
            try (Producing producing = new Producing(f, 1500); Landing landing = Landing.start(env, batches::add)) {
                await().atMost(Duration.ofSeconds(60)).until(() -> batches.size() >= 5);
                pg.close();
                long downAt = System.nanoTime();
                int landedBeforeOutage = batches.size();
                Thread.sleep(10_000);   // the outage itself: ten seconds with no warehouse while the producer goes on
                assertThat(batches.size()).as("nothing commits while the warehouse is down").isLessThanOrEqualTo(landedBeforeOutage + 1);
                pg = EmbeddedPostgres.start(Optional.of(dir.resolve("pg")), port);
                double downFor = (System.nanoTime() - downAt) / 1e9;
                int afterRestart = batches.size();
                await().atMost(Duration.ofSeconds(60)).until(() -> batches.size() >= afterRestart + 5);
                Set<String> produced = producing.finish();
                await().atMost(Duration.ofSeconds(90)).until(onOutageDb::caughtUp);
                LandingFixture.ExactlyOnce result = onOutageDb.exactlyOnce(produced);
                System.out.printf("warehouse outage test: down %.1f s, %s retries=%.0f%n", downFor, result,
                        env.metrics().get("strata.landing.retries").counter().count());
                assertThat(env.metrics().get("strata.landing.retries").counter().count()).isPositive();
                assertThat(result.missing()).as("missing").isZero();
                assertThat(result.duplicates()).as("duplicates").isZero();
                assertThat(result.unexpected()).isZero();
                assertThat(result.attemptedDuplicates()).isZero();
            }
        } finally {
            pg.close();
        }
    }
}
