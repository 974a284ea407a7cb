package dev.strata.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What lands for source tables whose rows Debezium cannot fully describe: no primary key, default replica identity. */
class CdcSourceTablesIT {

    @Test
    void shouldLandATableWithoutPrimaryKeyWithNullKeysAndFullRowsOnceItsReplicaIdentityIsFull() {
        try (CdcFixture f = new CdcFixture()) {
            f.source("CREATE TABLE events (kind text, amount int)", "INSERT INTO events VALUES ('a', 1), ('a', 1)");
            try (Landing landing = Landing.start(f.environment(f.project(f.yaml(List.of("events"), ""))))) {
                await().atMost(Duration.ofSeconds(60)).until(() -> f.changes("events").size() == 2);
                f.source("INSERT INTO events VALUES ('b', 2)");
                await().atMost(Duration.ofSeconds(60)).until(() -> f.changes("events").size() == 3);
                // PostgreSQL itself refuses to update or delete rows of a published table without a
                // replica identity: the source application sees this, Strata never gets such a change
                assertThatThrownBy(() -> f.source("UPDATE events SET amount = 3 WHERE kind = 'b'"))
                        .hasStackTraceContaining("does not have a replica identity");
                f.source("ALTER TABLE events REPLICA IDENTITY FULL",
                        "UPDATE events SET amount = 3 WHERE kind = 'b'",
                        "DELETE FROM events WHERE kind = 'a'");
                await().atMost(Duration.ofSeconds(60)).until(() -> f.changes("events").size() == 6);
            }
            List<CdcFixture.Change> all = f.changes("events");
            assertThat(all).extracting(CdcFixture.Change::op).containsExactly("r", "r", "c", "u", "d", "d");
            assertThat(all).extracting(CdcFixture.Change::key).containsOnlyNulls();
            assertThat(all.get(0).partition() + "#" + all.get(0).offset())
                    .isNotEqualTo(all.get(1).partition() + "#" + all.get(1).offset());   // equal rows, two changes
            assertThat(all.get(3).before()).isEqualTo("{\"kind\": \"b\", \"amount\": 2}");
            assertThat(all.get(4).before()).isEqualTo("{\"kind\": \"a\", \"amount\": 1}");
            assertThat(all.get(5).before()).isEqualTo("{\"kind\": \"a\", \"amount\": 1}");
        }
    }

    @Test
    void shouldLandWhatDebeziumGivesWhenTheReplicaIdentityIsTheKeyOnly() {
        try (CdcFixture f = new CdcFixture()) {
            f.source("CREATE TABLE accounts (id int PRIMARY KEY, owner text, balance int)",
                    "INSERT INTO accounts VALUES (1, 'ann', 10), (2, 'bob', 20)");
            try (Landing landing = Landing.start(f.environment(f.project(f.yaml(List.of("accounts"), ""))))) {
                await().atMost(Duration.ofSeconds(60)).until(() -> f.changes("accounts").size() == 2);
                f.source("UPDATE accounts SET balance = 11 WHERE id = 1", "DELETE FROM accounts WHERE id = 2");
                await().atMost(Duration.ofSeconds(60)).until(() -> f.changes("accounts").size() == 4);
            }
            List<CdcFixture.Change> all = f.changes("accounts");
            assertThat(all.get(2).op()).isEqualTo("u");
            assertThat(all.get(2).before()).isEqualTo("null");   // no old row without REPLICA IDENTITY FULL
            assertThat(all.get(2).after()).isEqualTo("{\"id\": 1, \"owner\": \"ann\", \"balance\": 11}");
            assertThat(all.get(3).op()).isEqualTo("d");
            assertThat(all.get(3).key()).isEqualTo("{\"id\":2}");
            // the delete carries the key; the other columns are null, as Debezium emits them
            assertThat(all.get(3).before()).isEqualTo("{\"id\": 2, \"owner\": null, \"balance\": null}");
        }
    }
}
