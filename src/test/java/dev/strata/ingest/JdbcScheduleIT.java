package dev.strata.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.strata.config.EnvResolver;
import dev.strata.config.ProjectLoader;
import dev.strata.schedule.Backfill;
import dev.strata.schedule.Pipeline;
import dev.strata.schedule.TaskState;
import dev.strata.testing.SourceDatabase;
import dev.strata.testing.WarehouseUnderTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A {@code jdbc} snapshot source as a scheduled node (scenario 003, acceptance 17): a mart that
 * reads the snapshot of date D runs only after that date's snapshot succeeded — not before it ran,
 * not after it failed — and reads that snapshot alone.
 */
class JdbcScheduleIT {
    private static final Instant D1 = Instant.parse("2024-12-30T00:00:00Z");
    private static final Instant D2 = Instant.parse("2024-12-31T00:00:00Z");

    @Test
    void shouldRunAMartOfADateOnlyAfterThatDatesSnapshotSucceeded(@TempDir Path dir) throws Exception {
        SourceDatabase db = SourceDatabase.postgres();
        db.exec("CREATE TABLE orders (order_id integer PRIMARY KEY, status varchar(20), total_amount numeric(10,2))",
                "INSERT INTO orders VALUES (1, 'Completed', 10.50), (2, 'Pending', 20.00), (3, 'Completed', 5.25)");
        Files.writeString(dir.resolve("strata.yaml"), """
                name: shop
                sources:
                  pg_orders:
                    jdbc:
                      url: "%s"
                      user: %s
                      table: orders
                      mode: snapshot
                    schedule: { every: 1d, start: 2024-12-30 }
                marts:
                  order_totals: { materialized: incremental, time_column: snapshot_date }
                schedule:
                  marts: { every: 1d, start: 2024-12-30 }
                """.formatted(db.url(), db.user()));
        Files.createDirectories(dir.resolve("marts"));
        Files.writeString(dir.resolve("marts/order_totals.sql"), """
                select _snapshot_date as snapshot_date, status, count(*) as orders, sum(total_amount) as total
                from {{ ref('pg_orders') }}
                where _snapshot_date = date '{{ ds }}'
                group by _snapshot_date, status
                """);
        try (var w = WarehouseUnderTest.postgres().newDatabase()) {
            w.migrate();
            Pipeline pipeline = Pipeline.load(new ProjectLoader(EnvResolver.of(Map.of())).load(dir), w.adapter());
            assertThat(pipeline.graph().upstreamOf("order_totals")).containsExactly("pg_orders");
            assertThat(pipeline.scheduledNodes()).containsExactly("pg_orders", "order_totals");

            // the mart alone: no snapshot of the date has succeeded, so it waits (and the backfill says so)
            Backfill.Result martOnly = new Backfill(pipeline, w, "w1", Clock.systemUTC())
                    .run(Backfill.Options.of(D1, D1).withSelect("order_totals"), Backfill.Progress.NONE);
            assertThat(martOnly.notRun()).as(martOnly.runs().toString()).extracting(Backfill.RunSummary::node).containsExactly("order_totals");
            assertThat(rows(w, "SELECT count(*) FROM strata.task_runs WHERE node = 'order_totals' AND state = 'success'"))
                    .containsExactly("0");

            // the source and the mart: each date's mart after its snapshot, on that snapshot alone
            Backfill.Result both = new Backfill(pipeline, w, "w1", Clock.systemUTC())
                    .run(Backfill.Options.of(D1, D1).withSelect("+order_totals"), Backfill.Progress.NONE);
            assertThat(both.ok()).isTrue();
            db.exec("UPDATE orders SET status = 'Completed' WHERE order_id = 2");
            assertThat(new Backfill(pipeline, w, "w1", Clock.systemUTC())
                    .run(Backfill.Options.of(D2, D2).withSelect("+order_totals"), Backfill.Progress.NONE).ok()).isTrue();
            assertThat(rows(w, "SELECT snapshot_date, status, orders, total FROM cdm.order_totals ORDER BY 1, 2"))
                    .containsExactly("2024-12-30|Completed|2|15.75", "2024-12-30|Pending|1|20.00", "2024-12-31|Completed|3|35.75");
            for (String day : List.of("2024-12-30", "2024-12-31")) {
                Timestamp snapshotDone = timestamp(w, "SELECT finished_at FROM strata.task_runs WHERE node = 'pg_orders' "
                        + "AND interval_start = TIMESTAMPTZ '" + day + " 00:00:00+00'");
                Timestamp martStarted = timestamp(w, "SELECT started_at FROM strata.task_runs WHERE node = 'order_totals' "
                        + "AND interval_start = TIMESTAMPTZ '" + day + " 00:00:00+00'");
                assertThat(martStarted).as("the mart of %s starts after its snapshot finished", day).isAfterOrEqualTo(snapshotDone);
            }

            // a snapshot that fails holds its date's mart back
            db.exec("ALTER TABLE orders RENAME TO orders_gone");
            Backfill.Result failing = new Backfill(pipeline, w, "w1", Clock.systemUTC())
                    .run(Backfill.Options.of(D2, D2).withSelect("+order_totals").withRerun(true), Backfill.Progress.NONE);
            assertThat(failing.failed()).extracting(Backfill.RunSummary::node).containsExactly("pg_orders");
            assertThat(failing.failed().get(0).error()).contains("source 'pg_orders'").contains("cannot read table orders");
            assertThat(failing.notRun()).extracting(Backfill.RunSummary::node).containsExactly("order_totals");
            assertThat(rows(w, "SELECT count(*) FROM stg.pg_orders WHERE _snapshot_date = DATE '2024-12-31'"))
                    .as("the failed run left the date's earlier snapshot").containsExactly("3");
        }
    }

    private static List<String> rows(dev.strata.warehouse.Warehouse w, String sql) throws Exception {
        List<String> out = new ArrayList<>();
        try (Connection c = w.connection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                StringBuilder sb = new StringBuilder();
                for (int i = 1; i <= n; i++) {
                    sb.append(i == 1 ? "" : "|").append(rs.getString(i));
                }
                out.add(sb.toString());
            }
        }
        return out;
    }

    private static Timestamp timestamp(dev.strata.warehouse.Warehouse w, String sql) throws Exception {
        try (Connection c = w.connection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getTimestamp(1);
        }
    }
}
