package dev.strata.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StreamingReplicaIT {

    @Test
    void shouldStreamThePrimarysRowsToAReadOnlyStandbyThatSurvivesItsRestart(@TempDir Path dir) throws Exception {
        try (EmbeddedPostgres primary = EmbeddedPostgres.start(Optional.of(dir.resolve("primary")))) {
            try (Connection c = connect(primary.jdbcUrl(), primary); Statement s = c.createStatement()) {
                s.execute("CREATE TABLE flights (flight_id int PRIMARY KEY, flight_no text, status text)");
                s.execute("INSERT INTO flights SELECT g, 'PG' || g, 'Scheduled' FROM generate_series(1, 1000) g");
            }
            try (StreamingReplica replica = StreamingReplica.start(primary, Optional.of(dir.resolve("standby")))) {
                try (Connection c = connect(primary.jdbcUrl(), primary); Statement s = c.createStatement()) {
                    s.execute("CREATE TABLE bookings (book_ref text PRIMARY KEY, total numeric(10,2))");
                    s.execute("INSERT INTO bookings SELECT 'B' || g, g * 1.5 FROM generate_series(1, 500) g");
                    s.execute("UPDATE flights SET status = 'Departed' WHERE flight_id % 3 = 0");
                    s.execute("DELETE FROM flights WHERE flight_id > 990");
                }
                replica.waitCaughtUp(Duration.ofSeconds(30));
                assertSameContent(primary, replica);

                try (Connection c = connect(replica.jdbcUrl(), primary); Statement s = c.createStatement()) {
                    assertThatThrownBy(() -> s.execute("INSERT INTO flights VALUES (5000, 'X', 'Y')"))
                            .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("25006"));
                }

                replica.restart();
                try (Connection c = connect(primary.jdbcUrl(), primary); Statement s = c.createStatement()) {
                    s.execute("INSERT INTO bookings SELECT 'C' || g, g FROM generate_series(1, 200) g");
                }
                replica.awaitStreaming(Duration.ofSeconds(30));
                replica.waitCaughtUp(Duration.ofSeconds(30));
                assertSameContent(primary, replica);
            }
        }
    }

    @Test
    void shouldRefuseReplicationConnectionsWithoutTheRolesPassword(@TempDir Path dir) throws Exception {
        try (EmbeddedPostgres primary = EmbeddedPostgres.start(Optional.of(dir.resolve("primary")));
             StreamingReplica replica = StreamingReplica.start(primary, Optional.empty())) {
            try (Connection c = connect(primary.jdbcUrl(), primary); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT count(*) FROM pg_hba_file_rules WHERE auth_method = 'trust'"
                         + " OR ('replication' = ANY(database) AND NOT (user_name = ARRAY['" + StreamingReplica.ROLE + "']))")) {
                rs.next();
                assertThat(rs.getLong(1)).as("no trust line, replication only for the standby's role").isZero();
            }
            Properties p = new Properties();
            p.setProperty("user", replica.replicationUser());
            p.setProperty("password", "wrong-password");
            p.setProperty("replication", "true");
            p.setProperty("assumeMinServerVersion", "9.4");
            p.setProperty("preferQueryMode", "simple");
            assertThatThrownBy(() -> DriverManager.getConnection(primary.jdbcUrl(), p).close())
                    .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("28P01"));
            p.setProperty("user", primary.user());
            p.setProperty("password", primary.password().reveal());
            assertThatThrownBy(() -> DriverManager.getConnection(primary.jdbcUrl(), p).close())
                    .as("not even the superuser opens a physical replication connection")
                    .isInstanceOf(SQLException.class);
            String conf = Files.readString(replica.dataDir().resolve("postgresql.auto.conf"));
            assertThat(conf).contains("primary_conninfo").contains("passfile=").doesNotContain("password=");
        }
    }

    private static void assertSameContent(EmbeddedPostgres primary, StreamingReplica replica) throws SQLException {
        try (Connection p = connect(primary.jdbcUrl(), primary); Connection r = connect(replica.jdbcUrl(), primary)) {
            for (List<String> t : List.of(List.of("flights", "flight_id"), List.of("bookings", "book_ref"))) {
                TableDigest onPrimary = TableDigest.of(p, "public", t.get(0), List.of(t.get(1)));
                TableDigest onReplica = TableDigest.of(r, "public", t.get(0), List.of(t.get(1)));
                assertThat(onReplica).isEqualTo(onPrimary);
                assertThat(onPrimary.rows()).isPositive();
            }
        }
    }

    private static Connection connect(String url, EmbeddedPostgres primary) throws SQLException {
        return DriverManager.getConnection(url, primary.user(), primary.password().reveal());
    }
}
