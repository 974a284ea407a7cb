package dev.strata.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedPostgresIT {

    @Test
    void shouldKeepDataAndStopTheServerAKilledJvmLeftBehind(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("pg");
        Process child = new ProcessBuilder(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"),
                PostgresChild.class.getName(), data.toString()))
                .redirectErrorStream(true).start();
        int port;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null && !line.startsWith("PORT ")) {
                // skip log lines
            }
            assertThat(line).as("child JVM printed its port").isNotNull();
            port = Integer.parseInt(line.substring(5).trim());
        }
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://localhost:" + port + "/postgres", "postgres", "");
             Statement s = c.createStatement()) {
            s.execute("CREATE TABLE kept (v int); INSERT INTO kept VALUES (42)");
        }
        child.destroyForcibly();                      // SIGKILL: no shutdown hook runs
        assertThat(child.waitFor(10, TimeUnit.SECONDS)).isTrue();
        long stalePid = Long.parseLong(Files.readAllLines(data.resolve("postmaster.pid")).get(0).trim());
        assertThat(ProcessHandle.of(stalePid).map(ProcessHandle::isAlive)).as("the orphaned server still runs").contains(true);

        try (EmbeddedPostgres pg = EmbeddedPostgres.start(Optional.of(data));
             Connection c = DriverManager.getConnection(pg.jdbcUrl(), "postgres", "");
             Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT v FROM kept")) {
            assertThat(ProcessHandle.of(stalePid).map(ProcessHandle::isAlive).orElse(false)).as("stale server stopped").isFalse();
            assertThat(rs.next()).isTrue();
            assertThat(rs.getInt(1)).isEqualTo(42);
        }
    }

    @Test
    void shouldAttachToAServerALiveProcessRunsInsteadOfStoppingIt(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("pg");
        try (EmbeddedPostgres owner = EmbeddedPostgres.start(Optional.of(data))) {
            try (EmbeddedPostgres second = EmbeddedPostgres.start(Optional.of(data))) {
                assertThat(second.port()).isEqualTo(owner.port());
            }
            // closing the attached one left the owner's server running
            try (Connection c = DriverManager.getConnection(owner.jdbcUrl(), "postgres", "");
                 Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT 1")) {
                assertThat(rs.next()).isTrue();
            }
        }
    }
}
