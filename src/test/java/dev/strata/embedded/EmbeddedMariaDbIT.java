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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedMariaDbIT {

    @Test
    void shouldAcceptOnlyTheDataDirectorysPasswordOnLoopback(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("mariadb");
        try (EmbeddedMariaDb db = EmbeddedMariaDb.start(Optional.of(data), EmbeddedMariaDb.Options.fast())) {
            assertThat(db.jdbcUrl()).isEqualTo("jdbc:mariadb://127.0.0.1:" + db.port() + "/");
            assertThat(db.serverVersion()).startsWith("11.4.").contains("MariaDB");
            Path pwFile = data.resolve(ServerPassword.FILE);
            assertThat(Files.readString(pwFile).trim()).isEqualTo(db.password().reveal()).hasSize(32);
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(pwFile))).isEqualTo("rw-------");
            assertThat(data.resolve(EmbeddedMariaDb.INIT_FILE)).as("the init file with the password is gone").doesNotExist();

            try (Connection c = DriverManager.getConnection(db.jdbcUrl(), "root", db.password().reveal());
                 Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT @@bind_address, @@character_set_server, @@collation_server,"
                         + " @@lower_case_table_names, @@innodb_flush_log_at_trx_commit, @@log_bin, @@time_zone,"
                         + " (SELECT GROUP_CONCAT(CONCAT(User, '@', Host, ':', IF(authentication_string = '', 'no-password', 'password'))"
                         + "   ORDER BY User, Host) FROM mysql.user)")) {
                rs.next();
                assertThat(rs.getString(1)).isEqualTo("127.0.0.1");
                assertThat(rs.getString(2)).isEqualTo("utf8mb4");
                assertThat(rs.getString(3)).isEqualTo("utf8mb4_nopad_bin");
                assertThat(rs.getInt(4)).isZero();
                assertThat(rs.getInt(5)).as("fast mode flushes the redo log once a second").isEqualTo(2);
                assertThat(rs.getInt(6)).as("binary log off").isZero();
                assertThat(rs.getString(7)).isEqualTo("+00:00");
                assertThat(rs.getString(8)).as("the only accounts").isEqualTo(
                        "mariadb.sys@localhost:no-password,root@127.0.0.1:password,root@localhost:password");
            }
            assertThatThrownBy(() -> DriverManager.getConnection(db.jdbcUrl(), "root", ""))
                    .isInstanceOf(SQLException.class).hasMessageContaining("Access denied");
            assertThatThrownBy(() -> DriverManager.getConnection(db.jdbcUrl(), "root", "wrong"))
                    .isInstanceOf(SQLException.class).hasMessageContaining("Access denied");
        }
    }

    @Test
    void shouldKeepDataAcrossAStopAndARestartAndBeDurableByDefault(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("mariadb");
        String password;
        try (EmbeddedMariaDb db = EmbeddedMariaDb.start(Optional.of(data))) {
            password = db.password().reveal();
            try (Connection c = db.connect(); Statement s = c.createStatement()) {
                s.execute("CREATE DATABASE kept");
                s.execute("CREATE TABLE kept.t (v INT)");
                s.execute("INSERT INTO kept.t VALUES (42)");
                try (ResultSet rs = s.executeQuery("SELECT @@innodb_flush_log_at_trx_commit, @@innodb_doublewrite")) {
                    rs.next();
                    assertThat(rs.getInt(1)).isEqualTo(1);
                    assertThat(rs.getString(2)).isIn("1", "ON");
                }
            }
            int port = db.port();
            long firstPid = db.process().orElseThrow().pid();
            db.restart();   // what a supervisor does after an unexpected exit
            assertThat(db.port()).isEqualTo(port);
            assertThat(db.process().orElseThrow().pid()).isNotEqualTo(firstPid);
            try (Connection c = db.connect(); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT v FROM kept.t")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getInt(1)).isEqualTo(42);
            }
        }
        assertThat(data.resolve(EmbeddedMariaDb.PID_FILE)).as("stopped cleanly").doesNotExist();
        try (EmbeddedMariaDb db = EmbeddedMariaDb.start(Optional.of(data));
             Connection c = db.connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT v FROM kept.t")) {
            assertThat(db.password().reveal()).as("same password for the same data directory").isEqualTo(password);
            assertThat(db.startup().copyMillis()).as("an existing data directory is not copied again").isZero();
            assertThat(rs.next()).isTrue();
            assertThat(rs.getInt(1)).isEqualTo(42);
        }
    }

    @Test
    void shouldStopTheServerAKilledJvmLeftBehind(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("mariadb");
        Process child = new ProcessBuilder(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"),
                MariaDbChild.class.getName(), data.toString()))
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
        String password = Files.readString(data.resolve(ServerPassword.FILE)).trim();
        try (Connection c = DriverManager.getConnection("jdbc:mariadb://127.0.0.1:" + port + "/", "root", password);
             Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE kept");
            s.execute("CREATE TABLE kept.t (v INT)");
            s.execute("INSERT INTO kept.t VALUES (7)");
        }
        child.destroyForcibly();                      // SIGKILL: no shutdown hook runs
        assertThat(child.waitFor(10, TimeUnit.SECONDS)).isTrue();
        long stalePid = Long.parseLong(Files.readString(data.resolve(EmbeddedMariaDb.PID_FILE)).trim());
        assertThat(ProcessHandle.of(stalePid).map(ProcessHandle::isAlive)).as("the orphaned server still runs").contains(true);

        try (EmbeddedMariaDb db = EmbeddedMariaDb.start(Optional.of(data), EmbeddedMariaDb.Options.fast());
             Connection c = db.connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT v FROM kept.t")) {
            assertThat(ProcessHandle.of(stalePid).map(ProcessHandle::isAlive).orElse(false)).as("stale server stopped").isFalse();
            assertThat(rs.next()).isTrue();
            assertThat(rs.getInt(1)).isEqualTo(7);
        }
    }

    @Test
    void shouldNotKillAProcessThatMerelyReusedThePid(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("mariadb");
        Process sleeper = new ProcessBuilder("sleep", "60").start();
        try {
            Files.createDirectories(data);
            Files.writeString(data.resolve(EmbeddedMariaDb.PID_FILE), sleeper.pid() + "\n");
            try (EmbeddedMariaDb db = EmbeddedMariaDb.start(Optional.of(data), EmbeddedMariaDb.Options.fast())) {
                assertThat(sleeper.isAlive()).as("a process that is not Strata's server is left alone").isTrue();
                assertThat(db.process().orElseThrow().pid()).isNotEqualTo(sleeper.pid());
            }
        } finally {
            sleeper.destroyForcibly();
        }
    }

    @Test
    void shouldAttachToAServerALiveOwnerRunsInsteadOfStoppingIt(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("mariadb");
        try (EmbeddedMariaDb owner = EmbeddedMariaDb.start(Optional.of(data), EmbeddedMariaDb.Options.fast())) {
            try (EmbeddedMariaDb second = EmbeddedMariaDb.start(Optional.of(data), EmbeddedMariaDb.Options.fast())) {
                assertThat(second.isAttached()).isTrue();
                assertThat(second.port()).isEqualTo(owner.port());
                assertThat(second.password()).isEqualTo(owner.password());
            }
            try (Connection c = owner.connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT 1")) {
                assertThat(rs.next()).as("closing the attached one left the owner's server running").isTrue();
            }
        }
    }

    @Test
    void shouldRefuseADirectoryThatHoldsSomethingElse(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("notes");
        Files.createDirectories(data);
        Files.writeString(data.resolve("todo.txt"), "keep me");
        assertThatThrownBy(() -> EmbeddedMariaDb.start(Optional.of(data), EmbeddedMariaDb.Options.fast()))
                .hasMessageContaining("neither empty nor a MariaDB data directory").hasMessageContaining("todo.txt");
        assertThat(data.resolve("todo.txt")).hasContent("keep me");
    }
}
