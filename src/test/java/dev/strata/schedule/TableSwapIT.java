package dev.strata.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import dev.strata.testing.TestServers;
import dev.strata.warehouse.Warehouse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TableSwapIT {
    private static final String YAML = """
            name: swap
            marts:
              snapshot: { materialized: table }
            schedule:
              marts: { every: 1d, start: 2022-10-01 }
            """;
    /** Each day's build has a different row count (day of month × 1000) and takes a while. */
    private static final String MART = """
            select g as id, md5(g::text) as payload
            from generate_series(1, extract(day from {{ interval_start }})::int * 1000) g
            cross join (select pg_sleep(0.2)) s
            """;

    @TempDir
    Path dir;

    @Test
    void shouldNeverShowReadersAnEmptyOrHalfBuiltTable() throws Exception {
        try (Warehouse w = TestServers.newDatabase()) {
            w.migrate();
            TestProject.write(dir, YAML, Map.of("marts/snapshot.sql", MART));
            Backfill backfill = new Backfill(TestProject.pipeline(dir, w), w, "builder", Clock.systemUTC());
            Instant first = Instant.parse("2022-10-01T00:00:00Z");
            backfill.run(Backfill.Options.of(first, first), Backfill.Progress.NONE);

            ConcurrentLinkedQueue<Long> seen = new ConcurrentLinkedQueue<>();
            ConcurrentLinkedQueue<String> errors = new ConcurrentLinkedQueue<>();
            AtomicBoolean stop = new AtomicBoolean();
            Thread reader = new Thread(() -> {
                try (Connection c = w.connection(); Statement s = c.createStatement()) {
                    while (!stop.get()) {
                        try (ResultSet rs = s.executeQuery("SELECT count(*), count(DISTINCT payload) FROM cdm.snapshot")) {
                            rs.next();
                            seen.add(rs.getLong(1));
                            if (rs.getLong(1) != rs.getLong(2)) {
                                errors.add("inconsistent snapshot: " + rs.getLong(1) + " rows, " + rs.getLong(2) + " distinct");
                            }
                        } catch (SQLException e) {
                            errors.add(e.getMessage());
                        }
                    }
                } catch (SQLException e) {
                    errors.add(e.getMessage());
                }
            });
            reader.start();
            Backfill.Result result = backfill.run(Backfill.Options.of(first.plusSeconds(86_400), Instant.parse(
                    "2022-10-06T00:00:00Z")), Backfill.Progress.NONE);
            stop.set(true);
            reader.join();

            assertThat(result.count(TaskState.SUCCESS)).isEqualTo(5);
            assertThat(errors).isEmpty();
            // only complete builds: the old table's or a new one's row count, never 0 or anything between
            assertThat(Set.copyOf(seen)).isSubsetOf(List.of(1000L, 2000L, 3000L, 4000L, 5000L, 6000L)).hasSizeGreaterThan(2);
            assertThat(TestProject.count(w, "SELECT count(*) FROM cdm.snapshot")).isEqualTo(6000);
            assertThat(TestProject.count(w, "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'cdm'"))
                    .isEqualTo(1);
        }
    }

    @Test
    void shouldKeepViewsThatReadATableMartWorkingAcrossRebuilds() throws Exception {
        try (Warehouse w = TestServers.newDatabase()) {
            w.migrate();
            TestProject.write(dir, """
                    name: swapviews
                    marts:
                      snapshot: { materialized: table }
                      snapshot_ids: { materialized: view }
                    schedule:
                      marts: { every: 1d, start: 2022-10-01 }
                    """, Map.of("marts/snapshot.sql", MART,
                    "marts/snapshot_ids.sql", "select id from {{ ref('snapshot') }} where id % 2 = 0"));
            Backfill backfill = new Backfill(TestProject.pipeline(dir, w), w, "builder", Clock.systemUTC());
            Instant first = Instant.parse("2022-10-01T00:00:00Z");
            backfill.run(Backfill.Options.of(first, first), Backfill.Progress.NONE);
            // a view of the user's own, reading the mart view that reads the table: two levels deep
            try (Connection c = w.connection(); Statement s = c.createStatement()) {
                s.execute("CREATE VIEW cdm.user_report AS SELECT count(*) AS n FROM cdm.snapshot_ids");
            }
            Backfill.Result result = backfill.run(Backfill.Options.of(first.plusSeconds(86_400),
                    Instant.parse("2022-10-03T00:00:00Z")), Backfill.Progress.NONE);
            assertThat(result.count(TaskState.SUCCESS)).as(result.toString()).isEqualTo(4);
            assertThat(TestProject.count(w, "SELECT count(*) FROM cdm.snapshot")).isEqualTo(3000);
            assertThat(TestProject.count(w, "SELECT count(*) FROM cdm.snapshot_ids")).isEqualTo(1500);
            assertThat(TestProject.count(w, "SELECT n FROM cdm.user_report")).isEqualTo(1500);
            assertThat(TestProject.count(w, "SELECT count(*) FROM information_schema.tables "
                    + "WHERE table_schema = 'cdm' AND table_name LIKE '%strata%'")).isZero();
        }
    }
}
