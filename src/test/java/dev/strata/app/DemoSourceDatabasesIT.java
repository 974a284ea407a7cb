package dev.strata.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.strata.StrataException;
import dev.strata.examples.Example.Need;
import dev.strata.examples.Example.Server;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A demo's source server and its streaming replica, with the replication password a user chose. */
class DemoSourceDatabasesIT {
    private static final List<Need> NEEDS = List.of(new Need(Server.SOURCE_POSTGRES, "AIRLINE_HOST"),
            new Need(Server.SOURCE_REPLICA, "AIRLINE_REPLICA_URL"));

    @Test
    void shouldStartTheReplicaWithTheReplicationPasswordFromTheEnvironment(@TempDir Path dir) throws Exception {
        Map<String, String> env = Map.of("AIRLINE_REPLICATION_PASSWORD", "chosen-by-the-user-0xA1");
        try (DemoSourceDatabases db = DemoSourceDatabases.start(NEEDS, Optional.of(dir), env::get)) {
            assertThat(db.replicas()).hasSize(1);
            assertThat(db.variable("AIRLINE_REPLICA_URL")).isEqualTo(db.replicas().get(0).jdbcUrl())
                    .isNotEqualTo(db.variable("AIRLINE_URL"));
            assertThat(dir.resolve(DemoSourceDatabases.REPLICA_DIR).resolve("standby.signal")).exists();
            replication(db.variable("AIRLINE_URL"), "chosen-by-the-user-0xA1").close();
            assertThatThrownBy(() -> replication(db.variable("AIRLINE_URL"), "something-else").close())
                    .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("28P01"));
        }
    }

    @Test
    void shouldRefuseAReplicaOfNoSourceServer() {
        assertThatThrownBy(() -> DemoSourceDatabases.start(List.of(new Need(Server.SOURCE_REPLICA, "X_REPLICA_URL")),
                Optional.empty(), k -> null)).hasMessageContaining("exactly one source PostgreSQL");
    }

    @Test
    void shouldRefuseToFillAReplicaTheUserPointedElsewhere() {
        assertThatThrownBy(() -> DemoSourceDatabases.start(NEEDS, Optional.empty(),
                Map.of("AIRLINE_REPLICA_URL", "jdbc:postgresql://elsewhere/db")::get))
                .isInstanceOf(StrataException.class).hasMessageContaining("unset AIRLINE_REPLICA_URL");
    }

    private static Connection replication(String url, String password) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", "strata_replication");
        p.setProperty("password", password);
        p.setProperty("replication", "true");
        p.setProperty("assumeMinServerVersion", "9.4");
        p.setProperty("preferQueryMode", "simple");
        return DriverManager.getConnection(url, p);
    }
}
