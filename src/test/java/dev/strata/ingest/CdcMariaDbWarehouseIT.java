package dev.strata.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.strata.testing.TestServers;
import dev.strata.testing.WarehouseUnderTest;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * A cdc source landing into a MariaDB warehouse: the same change events, positions and restart
 * behaviour as on PostgreSQL (the STG writer's scratch table and JSON go through the dialect).
 */
class CdcMariaDbWarehouseIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    record Landed(String op, JsonNode before, JsonNode after, String partition, long offset) {
    }

    static List<Landed> landed(CdcFixture f, String table) {
        List<Landed> out = new ArrayList<>();
        try (Connection c = f.warehouse.connection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT _payload, _partition, _offset FROM stg." + CdcFixture.SOURCE + "_" + table
                     + " ORDER BY _seq")) {
            while (rs.next()) {
                JsonNode envelope = JSON.readTree(rs.getString(1));
                out.add(new Landed(envelope.path("op").asText(), envelope.path("before"), envelope.path("after"),
                        rs.getString(2), rs.getLong(3)));
            }
        } catch (SQLException e) {
            if (e.getErrorCode() == 1146) {
                return List.of();   // not created yet
            }
            throw new IllegalStateException(e);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
        return out;
    }

    @Test
    void shouldLandSnapshotInsertUpdateDeleteOnceAndResumeAfterARestart() {
        try (CdcFixture f = new CdcFixture(TestServers.cdcSource(), WarehouseUnderTest.mariadb())) {
            f.source("CREATE TABLE customers (id int PRIMARY KEY, name text NOT NULL, score numeric(10,2))",
                    "ALTER TABLE customers REPLICA IDENTITY FULL",
                    "INSERT INTO customers VALUES (1, 'Ann', 10.50), (2, 'Bob', null), (3, 'Cy', 3)");
            try (Landing landing = Landing.start(f.environment(f.project(f.yaml(List.of("customers"), ""))))) {
                await().atMost(Duration.ofSeconds(60)).until(() -> landed(f, "customers").size() == 3);
                f.source("INSERT INTO customers VALUES (4, 'Dee', 1)",
                        "UPDATE customers SET name = 'Bobby' WHERE id = 2",
                        "DELETE FROM customers WHERE id = 3");
                await().atMost(Duration.ofSeconds(60)).until(() -> landed(f, "customers").size() == 6);
            }
            List<Landed> all = landed(f, "customers");
            assertThat(all).extracting(Landed::op).containsExactly("r", "r", "r", "c", "u", "d");
            assertThat(all.get(0).after().path("name").asText()).isEqualTo("Ann");
            assertThat(all.get(4).before().path("name").asText()).isEqualTo("Bob");
            assertThat(all.get(4).after().path("name").asText()).isEqualTo("Bobby");
            assertThat(all.get(5).before().path("id").asInt()).isEqualTo(3);
            assertThat(all.get(5).after().isNull()).as("a delete's after is JSON null").isTrue();
            Set<String> identities = new HashSet<>();
            all.forEach(c -> identities.add(c.partition() + "#" + c.offset()));
            assertThat(identities).hasSize(6);

            // stopped: the changes wait in the slot; restarted: exactly those land, no new snapshot
            f.source("UPDATE customers SET name = 'Dee2' WHERE id = 4", "DELETE FROM customers WHERE id = 1");
            try (Landing landing = Landing.start(f.environment(f.project(f.yaml(List.of("customers"), ""))))) {
                await().atMost(Duration.ofSeconds(60)).until(() -> landed(f, "customers").size() == 8);
                f.source("INSERT INTO customers VALUES (10, 'Flo', 1)");
                await().atMost(Duration.ofSeconds(60)).until(() -> landed(f, "customers").size() == 9);
            }
            assertThat(landed(f, "customers").subList(6, 9)).extracting(Landed::op).containsExactly("u", "d", "c");
            assertThat(f.warehouseLong("SELECT coalesce(sum(duplicates), 0) FROM strata.landing_batches")).isZero();
        }
    }
}
