package dev.strata.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.strata.config.ConfigException;
import dev.strata.graph.NodeKind;
import dev.strata.ingest.StgTable;
import dev.strata.testing.TestServers;
import dev.strata.vault.VaultLoader;
import dev.strata.warehouse.Warehouse;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Point-in-time and bridge tables are scheduled nodes: in the graph as kinds of their own, on the
 * marts' schedule, built by backfill one snapshot per interval (at its end) before the marts that
 * read them, which become plain equi-joins; {@code keep:} drops old snapshots; re-running changes
 * nothing; a continuous schedule for them is refused.
 */
class PitScheduleIT {
    private static final String YAML = """
            name: pitsched
            sources:
              orders: { kafka: { topic: orders }, event_time: $.at }
            vault:
              hubs:
                h_order: { key: order_id, from: { orders: $.id } }
                h_user: { key: user_id, from: { orders: $.user } }
              links:
                l_order_user: { hubs: [h_order, h_user], from: { orders: { h_order: $.id, h_user: $.user } } }
              satellites:
                s_status: { parent: h_order, attributes: { status: text }, from: { orders: { order_id: $.id, status: $.status } } }
              pits:
                pit_order: { hub: h_order, satellites: [s_status], keep: 2d }
              bridges:
                b_order_user: { path: [h_order, l_order_user, h_user] }
            marts:
              closed_per_day: { materialized: incremental, time_column: day }
            schedule:
              marts: { every: 1d, start: 2022-10-02, end: 2022-10-05, offset: -1d }
              %s
            """;
    /** Orders closed at the end of each day, read through the PIT and the bridge: equi-joins only. */
    private static final String MART = """
            select cast({{ interval_start }} as date) as day, count(distinct b.h_user_hk) as users_with_closed_orders,
                   count(*) as closed
            from {{ ref('pit_order') }} p
            join {{ ref('s_status') }} s on s.h_order_hk = p.s_status_hk and s.load_dt = p.s_status_load_dt
            join {{ ref('b_order_user') }} b on b.h_order_hk = p.h_order_hk and b.snapshot_dt = p.snapshot_dt
            where p.snapshot_dt = {{ interval_end }} and s.status = 'CLOSED'
            """;

    @TempDir
    Path dir;

    @Test
    void shouldBuildOneSnapshotPerIntervalBeforeTheMartsThatReadIt() throws Exception {
        try (Warehouse w = TestServers.newDatabase()) {
            w.migrate();
            TestProject.write(dir, YAML.formatted(""), Map.of("marts/closed_per_day.sql", MART));
            Pipeline p = TestProject.pipeline(dir, w);
            assertThat(p.graph().node("pit_order").orElseThrow().kind()).isEqualTo(NodeKind.PIT);
            assertThat(p.graph().node("b_order_user").orElseThrow().kind()).isEqualTo(NodeKind.BRIDGE);
            assertThat(p.graph().upstreamOf("pit_order")).containsExactlyInAnyOrder("h_order", "s_status");
            assertThat(p.graph().upstreamOf("b_order_user")).containsExactly("l_order_user");
            assertThat(p.graph().upstreamOf("closed_per_day")).contains("pit_order", "b_order_user", "s_status");
            assertThat(p.scheduledNodes()).containsSubsequence("pit_order", "closed_per_day");
            assertThat(p.schedule("pit_order").isContinuous()).isFalse();

            VaultLoader loader = new VaultLoader(w, p.name(), p.project().vault());
            loader.prepare();
            w.inTransaction(c -> {
                try (Statement s = c.createStatement()) {
                    for (String ddl : StgTable.createStatements(w.adapter(), "orders", false)) {
                        s.execute(ddl);
                    }
                }
                return null;
            });
            // o1 closes on day 1 and reopens on day 3; o2 closes on day 2; o3 (another user) stays open
            land(w, "o1", "u1", "OPEN", "2022-10-01T08:00:00Z", "o1", "u1", "CLOSED", "2022-10-01T20:00:00Z",
                    "o2", "u1", "OPEN", "2022-10-02T09:00:00Z", "o2", "u1", "CLOSED", "2022-10-02T10:00:00Z",
                    "o3", "u2", "OPEN", "2022-10-02T11:00:00Z", "o1", "u1", "OPEN", "2022-10-03T00:00:00Z",
                    "o3", "u2", "CLOSED", "2022-10-04T23:59:59Z");
            loader.loadAll();
            Backfill.Result result = backfill(p, w);
            assertThat(result.ok()).as("failures: %s", result.failed()).isTrue();
            assertThat(TestProject.rows(w, "SELECT day, users_with_closed_orders, closed FROM cdm.closed_per_day ORDER BY day"))
                    .containsExactly(List.of("2022-10-01", "1", "1"), List.of("2022-10-02", "1", "2"),
                            List.of("2022-10-03", "1", "1"), List.of("2022-10-04", "2", "2"));
            // keep: 2d from the newest snapshot (2022-10-05): the snapshots of 10-02 are gone
            assertThat(TestProject.rows(w, "SELECT DISTINCT to_char(snapshot_dt AT TIME ZONE 'UTC', 'MM-DD') FROM dds.pit_order ORDER BY 1"))
                    .containsExactly(List.of("10-03"), List.of("10-04"), List.of("10-05"));
            assertThat(TestProject.count(w, "SELECT count(*) FROM dds.b_order_user")).isEqualTo(1 + 3 + 3 + 3);
            assertThat(TestProject.count(w, "SELECT count(*) FROM strata.task_runs WHERE node IN ('pit_order', 'b_order_user') "
                    + "AND state = 'success'")).isEqualTo(8);

            long pitRows = TestProject.count(w, "SELECT count(*) FROM dds.pit_order");
            Backfill.Result again = new Backfill(p, w, "test", Clock.systemUTC())
                    .run(Backfill.Options.of(Instant.parse("2022-10-02T00:00:00Z"), Instant.parse("2022-10-05T00:00:00Z"))
                            .withRerun(true), Backfill.Progress.NONE);
            assertThat(again.ok()).isTrue();
            assertThat(TestProject.count(w, "SELECT count(*) FROM dds.pit_order")).isEqualTo(pitRows);
        }
    }

    @Test
    void shouldRefuseAContinuousScheduleForAPointInTimeTable() {
        TestProject.write(dir, YAML.formatted("nodes: { pit_order: continuous }"), Map.of("marts/closed_per_day.sql", MART));
        assertThatThrownBy(() -> Pipeline.load(TestProject.load(dir), TestServers.newDatabase().adapter()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("'pit_order' is a pit table, built once per interval (its snapshot is the interval's end); "
                        + "give it every: or cron: instead of continuous");
    }

    private static Backfill.Result backfill(Pipeline p, Warehouse w) throws Exception {
        return new Backfill(p, w, "test", Clock.systemUTC()).run(Backfill.Options.of(Instant.parse("2022-10-02T00:00:00Z"),
                Instant.parse("2022-10-05T00:00:00Z")), Backfill.Progress.NONE);
    }

    /** Lands (id, user, status, time) rows into stg.orders in one transaction, as a lander does. */
    private static void land(Warehouse w, String... rows) throws Exception {
        w.inTransaction(c -> {
            String table = w.sql().qualified(StgTable.SCHEMA, "orders");
            w.locks().lockForTransaction(c, dev.strata.warehouse.LockKeys.stg("orders"));
            long seq = w.sequences().reserve(c, StgTable.SCHEMA, StgTable.sequenceName("orders"), rows.length / 4);
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + table + " (_seq, _key, _payload, _partition, "
                    + "_offset, _event_time, _batch_id) VALUES (?, NULL, " + w.sql().toJson("?") + ", '0', ?, ?, 1)")) {
                for (int i = 0; i < rows.length; i += 4) {
                    ps.setLong(1, seq);
                    ps.setString(2, "{\"id\": \"" + rows[i] + "\", \"user\": \"" + rows[i + 1] + "\", \"status\": \"" + rows[i + 2]
                            + "\", \"at\": \"" + rows[i + 3] + "\"}");
                    ps.setLong(3, seq++);
                    ps.setObject(4, OffsetDateTime.parse(rows[i + 3]));
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            return null;
        });
    }
}
