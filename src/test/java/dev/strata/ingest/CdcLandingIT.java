package dev.strata.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * A cdc source end to end on real servers: a source PostgreSQL (the shared CDC source server) captured by
 * Debezium's embedded engine into a warehouse database on the shared warehouse server.
 */
class CdcLandingIT {

    @Test
    void shouldLandTheSnapshotThenEachInsertUpdateAndDeleteOnce() {
        try (CdcFixture f = new CdcFixture()) {
            f.source("CREATE TABLE customers (id int PRIMARY KEY, name text NOT NULL, score numeric(10,2), "
                            + "updated timestamptz)",
                    "ALTER TABLE customers REPLICA IDENTITY FULL",
                    "INSERT INTO customers VALUES (1, 'Ann', 10.50, '2024-11-03T08:25:00Z'), (2, 'Bob', null, null), "
                            + "(3, 'Cy', 3, null)");
            var env = f.environment(f.project(f.yaml(List.of("customers"), "")));
            try (Landing landing = Landing.start(env)) {
                await().atMost(Duration.ofSeconds(60)).until(() -> f.changes("customers").size() == 3);
                List<CdcFixture.Change> snapshot = f.changes("customers");
                assertThat(snapshot).extracting(CdcFixture.Change::op).containsOnly("r");
                assertThat(snapshot).extracting(CdcFixture.Change::key)
                        .containsExactlyInAnyOrder("{\"id\":1}", "{\"id\":2}", "{\"id\":3}");
                assertThat(snapshot.stream().filter(c -> c.key().equals("{\"id\":1}")).findFirst().orElseThrow().after())
                        .isEqualTo("{\"id\": 1, \"name\": \"Ann\", \"score\": \"10.50\", \"updated\": \"2024-11-03T08:25:00.000000Z\"}");

                f.source("INSERT INTO customers VALUES (4, 'Dee', 1, null)",
                        "UPDATE customers SET name = 'Bobby' WHERE id = 2",
                        "DELETE FROM customers WHERE id = 3");
                f.sourceTransaction("INSERT INTO customers VALUES (5, 'Eve', 5, null)",
                        "UPDATE customers SET score = 11 WHERE id = 1",
                        "INSERT INTO customers SELECT g, 'n' || g, g, null FROM generate_series(6, 9) g");
                await().atMost(Duration.ofSeconds(60)).until(() -> f.changes("customers").size() == 12);
            }
            List<CdcFixture.Change> all = f.changes("customers");
            assertThat(all).extracting(CdcFixture.Change::op)
                    .containsExactly("r", "r", "r", "c", "u", "d", "c", "u", "c", "c", "c", "c");
            CdcFixture.Change update = all.get(4);
            assertThat(update.before()).contains("\"name\": \"Bob\"");
            assertThat(update.after()).contains("\"name\": \"Bobby\"");
            CdcFixture.Change delete = all.get(5);
            assertThat(delete.before()).isEqualTo("{\"id\": 3, \"name\": \"Cy\", \"score\": \"3.00\", \"updated\": null}");
            assertThat(delete.after()).isEqualTo("null");   // JSON null in the envelope
            // one source transaction: one txId, positions 1..6 in it
            List<CdcFixture.Change> tx = all.subList(6, 12);
            assertThat(tx).extracting(CdcFixture.Change::txId).containsOnly(tx.get(0).txId());
            assertThat(tx).extracting(CdcFixture.Change::offset).containsExactly(1L, 2L, 3L, 4L, 5L, 6L);
            assertThat(all).allSatisfy(c -> assertThat(c.sourceTime()).isNotNull());
            Set<String> identities = new HashSet<>();
            all.forEach(c -> identities.add(c.partition() + "#" + c.offset()));
            assertThat(identities).hasSize(12);
            assertThat(f.warehouseLong("SELECT coalesce(sum(duplicates), 0) FROM strata.landing_batches")).isZero();
            assertThat(f.warehouseText("SELECT detail::text FROM strata.source_positions WHERE source = 'shop'"))
                    .contains("\"lsn\"").contains("lsn_commit");

            // stopped: changes wait in the slot; restarted: exactly those land, no new snapshot
            f.source("UPDATE customers SET name = 'Dee2' WHERE id = 4", "DELETE FROM customers WHERE id = 9");
            var env2 = f.environment(f.project(f.yaml(List.of("customers"), "")));
            try (Landing landing = Landing.start(env2)) {
                await().atMost(Duration.ofSeconds(60)).until(() -> f.changes("customers").size() == 14);
                f.source("INSERT INTO customers VALUES (10, 'Flo', 1, null)");
                await().atMost(Duration.ofSeconds(60)).until(() -> f.changes("customers").size() == 15);
            }
            assertThat(f.changes("customers").subList(12, 15)).extracting(CdcFixture.Change::op)
                    .containsExactly("u", "d", "c");
        }
    }
}
