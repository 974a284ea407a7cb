package dev.strata.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedPostgresIT {

    @Test
    void shouldKeepDataAndStopTheServerAKilledJvmLeftBehind(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("pg");
        Process child = PostgresChild.start(data, List.of());
        int port = PostgresChild.port(child);
        String password = Files.readString(data.resolve(".strata-password")).trim();
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://localhost:" + port + "/postgres", "postgres", password);
             Statement s = c.createStatement()) {
            s.execute("CREATE TABLE kept (v int); INSERT INTO kept VALUES (42)");
        }
        child.destroyForcibly();                      // SIGKILL: no shutdown hook runs
        assertThat(child.waitFor(10, TimeUnit.SECONDS)).isTrue();
        long stalePid = Long.parseLong(Files.readAllLines(data.resolve("postmaster.pid")).get(0).trim());
        assertThat(ProcessHandle.of(stalePid).map(ProcessHandle::isAlive)).as("the orphaned server still runs").contains(true);

        try (EmbeddedPostgres pg = EmbeddedPostgres.start(Optional.of(data));
             Connection c = DriverManager.getConnection(pg.jdbcUrl(), pg.user(), pg.password().reveal());
             Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT v FROM kept")) {
            assertThat(ProcessHandle.of(stalePid).map(ProcessHandle::isAlive).orElse(false)).as("stale server stopped").isFalse();
            assertThat(rs.next()).isTrue();
            assertThat(rs.getInt(1)).isEqualTo(42);
            assertThat(pg.password().reveal()).as("the data directory keeps its password").isEqualTo(password);
        }
    }

    @Test
    void shouldAttachToAServerALiveProcessRunsInsteadOfStoppingIt(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("pg");
        try (EmbeddedPostgres owner = EmbeddedPostgres.start(Optional.of(data))) {
            try (EmbeddedPostgres second = EmbeddedPostgres.open(data, Durability.DURABLE)) {
                assertThat(second.port()).isEqualTo(owner.port());
                assertThat(second.password()).isEqualTo(owner.password());
            }
            // closing the attached one left the owner's server running
            try (Connection c = DriverManager.getConnection(owner.jdbcUrl(), owner.user(), owner.password().reveal());
                 Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT 1")) {
                assertThat(rs.next()).isTrue();
            }
        }
    }

    /** Issue 20 item 4: no login without the generated password, which only the owner can read. */
    @Test
    @Tag("reliability")
    void shouldRefuseLoginsWithoutTheGeneratedPasswordKeptInAnOwnerOnlyFile(@TempDir Path dir) throws Exception {
        try (EmbeddedPostgres pg = EmbeddedPostgres.start(Optional.of(dir.resolve("pg")))) {
            Path file = pg.dataDir().resolve(".strata-password");
            assertThat(pg.passwordFile()).isEqualTo(file);
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
            assertThat(Files.readString(file).trim()).isEqualTo(pg.password().reveal()).hasSizeGreaterThanOrEqualTo(32);

            assertThatThrownBy(() -> DriverManager.getConnection(pg.jdbcUrl(), "postgres", "").close())
                    .as("no password").isInstanceOf(SQLException.class).hasMessageContaining("password");
            assertThatThrownBy(() -> DriverManager.getConnection(pg.jdbcUrl(), "postgres", "postgres").close())
                    .as("a wrong password").isInstanceOf(SQLException.class)
                    .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("28P01"));
            assertThatThrownBy(() -> DriverManager.getConnection(pg.jdbcUrl(), "nobody", pg.password().reveal()).close())
                    .as("another user").isInstanceOf(SQLException.class);
            try (Connection c = DriverManager.getConnection(pg.jdbcUrl(), pg.user(), pg.password().reveal());
                 Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT current_setting('unix_socket_directories'), "
                         + "(SELECT count(*) FROM pg_hba_file_rules WHERE auth_method = 'trust'), "
                         + "(SELECT count(*) FROM pg_hba_file_rules WHERE type = 'local')")) {
                rs.next();
                assertThat(rs.getString(1)).as("no Unix socket").isEmpty();
                assertThat(rs.getLong(2)).as("trust lines").isZero();
                assertThat(rs.getLong(3)).as("local (socket) lines").isZero();
            }
            assertThat(Files.readString(pg.dataDir().resolve("pg_hba.conf"))).doesNotContainPattern("(?m)^[^#].*trust");
            assertThat(pg.psqlCommand()).doesNotContain(pg.password().reveal()).contains(file.toString());
        }
    }

    /** A data directory an older Strata made (superuser without a password) gets one before the server listens. */
    @Test
    @Tag("reliability")
    void shouldGiveADataDirectoryWithoutAPasswordOneOnItsNextStart(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("pg");
        try (EmbeddedPostgres pg = EmbeddedPostgres.start(Optional.of(data));
             Connection c = DriverManager.getConnection(pg.jdbcUrl(), pg.user(), pg.password().reveal());
             Statement s = c.createStatement()) {
            s.execute("ALTER ROLE postgres PASSWORD NULL");
        }
        Files.delete(data.resolve(".strata-password"));
        try (EmbeddedPostgres pg = EmbeddedPostgres.start(Optional.of(data))) {
            assertThat(pg.password().isEmpty()).isFalse();
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(pg.passwordFile()))).isEqualTo("rw-------");
            try (Connection c = DriverManager.getConnection(pg.jdbcUrl(), pg.user(), pg.password().reveal())) {
                assertThat(c.isValid(5)).isTrue();
            }
            assertThatThrownBy(() -> DriverManager.getConnection(pg.jdbcUrl(), "postgres", "").close()).isInstanceOf(SQLException.class);
        }
    }

    /** Issue 20 item 4: a secret in Strata's environment does not reach the server's processes. */
    @Test
    @Tag("reliability")
    void shouldNotPassStrataSecretsIntoTheServersEnvironment(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("pg");
        Process child = PostgresChild.start(data, List.of("STRATA_WAREHOUSE_PASSWORD=do-not-leak"));
        try {
            PostgresChild.port(child);
            long pid = Long.parseLong(Files.readAllLines(data.resolve("postmaster.pid")).get(0).trim());
            String environ = new String(Files.readAllBytes(Path.of("/proc/" + pid + "/environ")), StandardCharsets.UTF_8);
            assertThat(environ).doesNotContain("do-not-leak").doesNotContain("STRATA_");
            String childEnviron = new String(Files.readAllBytes(Path.of("/proc/" + child.pid() + "/environ")), StandardCharsets.UTF_8);
            assertThat(childEnviron).as("the JVM itself had it").contains("do-not-leak");
        } finally {
            child.destroyForcibly();
            child.waitFor(10, TimeUnit.SECONDS);
            EmbeddedPostgres.stopStaleServer(data);
        }
    }
}
