package dev.strata.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.strata.embedded.Durability;
import dev.strata.embedded.EmbeddedPostgres;
import dev.strata.runtime.Environment;
import dev.strata.warehouse.Warehouse;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 20 item 2: the embedded PostgreSQL's postmaster is killed with SIGKILL while a stream
 * lands into it. Strata starts it again on the same port, landing resumes through its retry path,
 * and every message lands exactly once: with the durable settings of {@code strata run}, no
 * acknowledged commit is lost by the kill.
 */
@Tag("reliability")
class WarehouseKillIT {

    @Test
    void shouldRestartAKilledPostmasterAndLandEachMessageOnce(@TempDir Path dir) throws Exception {
        try (EmbeddedPostgres pg = EmbeddedPostgres.open(dir.resolve("pg"), Durability.DURABLE);
             LandingFixture f = new LandingFixture(4);
             Warehouse warehouse = Warehouse.connect(pg.jdbcUrl(), pg.user(), pg.password(), 4)) {
            warehouse.migrate();
            assertThat(setting(warehouse, "fsync") + "/" + setting(warehouse, "synchronous_commit")).isEqualTo("on/on");
            Environment env = new Environment(f.project("    key: $.object_id\n    batch: { max_records: 500 }\n"),
                    warehouse, null, new SimpleMeterRegistry(), Clock.systemUTC(), "worker-kill");
            LandingFixture onKilledDb = f.on(warehouse);
            CopyOnWriteArrayList<LandedBatch> batches = new CopyOnWriteArrayList<>();
            try (Producing producing = new Producing(f, 1500); Landing landing = Landing.start(env, batches::add)) {
                await().atMost(Duration.ofSeconds(60)).until(() -> batches.size() >= 5);
                ProcessHandle postmaster = pg.serverProcess().orElseThrow();
                long killedAt = System.nanoTime();
                assertThat(postmaster.destroyForcibly()).isTrue();   // SIGKILL of the postmaster
                await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                        .until(() -> pg.serverProcess().filter(p -> p.pid() != postmaster.pid()).map(ProcessHandle::isAlive).orElse(false));
                double backAfter = (System.nanoTime() - killedAt) / 1e9;
                int afterRestart = batches.size();
                await().atMost(Duration.ofSeconds(60)).until(() -> batches.size() >= afterRestart + 5);
                Set<String> produced = producing.finish();
                await().atMost(Duration.ofSeconds(90)).until(onKilledDb::caughtUp);
                LandingFixture.ExactlyOnce result = onKilledDb.exactlyOnce(produced);
                System.out.printf("warehouse kill test: postmaster back after %.1f s, %s retries=%.0f%n", backAfter, result,
                        env.metrics().get("strata.landing.retries").counter().count());
                assertThat(pg.failure()).isNotDone();
                assertThat(result.missing()).as("missing").isZero();
                assertThat(result.duplicates()).as("duplicates").isZero();
                assertThat(result.unexpected()).isZero();
            }
        }
    }

    private static String setting(Warehouse w, String name) throws Exception {
        try (Connection c = w.connection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SHOW " + name)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
