package dev.strata.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

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
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
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

    /** Issue 20 item 2, for MariaDB: killed, the server is started again on the same port with its data. */
    @Test
    @Tag("reliability")
    void shouldBeStartedAgainOnTheSamePortWhenKilled(@TempDir Path dir) throws Exception {
        try (EmbeddedMariaDb db = EmbeddedMariaDb.start(Optional.of(dir.resolve("mariadb")), EmbeddedMariaDb.Options.fast())) {
            try (Connection c = db.connect(); Statement s = c.createStatement()) {
                s.execute("CREATE DATABASE kept");
                s.execute("CREATE TABLE kept.t (v INT)");
                s.execute("INSERT INTO kept.t VALUES (42)");
            }
            int port = db.port();
            ProcessHandle first = db.process().orElseThrow().toHandle();
            long killedAt = System.nanoTime();
            assertThat(first.destroyForcibly()).isTrue();   // SIGKILL
            await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> {
                try (Connection c = db.connect(); Statement s = c.createStatement();
                     ResultSet rs = s.executeQuery("SELECT v FROM kept.t")) {
                    return rs.next() && rs.getInt(1) == 42;
                }
            });
            System.out.printf("mariadb kill test: back after %d ms%n", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killedAt));
            assertThat(db.port()).isEqualTo(port);
            long second = db.process().orElseThrow().pid();
            assertThat(second).isNotEqualTo(first.pid());
            assertThat(db.failure()).isNotDone();

            // a deliberate restart is not taken for a crash: nobody starts yet another server
            db.restart();
            long third = db.process().orElseThrow().pid();
            assertThat(third).isNotEqualTo(second);
            await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5))
                    .until(() -> db.process().map(Process::pid).orElse(-1L) == third);
        }
    }

    /** Issue 20 item 4, for MariaDB: a secret in Strata's environment does not reach the server. */
    @Test
    @Tag("reliability")
    void shouldNotPassStrataSecretsIntoTheServersEnvironment(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("mariadb");
        ProcessBuilder pb = new ProcessBuilder(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"),
                MariaDbChild.class.getName(), data.toString())).redirectErrorStream(true);
        pb.environment().put("STRATA_WAREHOUSE_PASSWORD", "do-not-leak");
        Process child = pb.start();
        try {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null && !line.startsWith("PORT ")) {
                    // skip log lines
                }
                assertThat(line).as("child JVM printed its port").isNotNull();
            }
            long pid = Long.parseLong(Files.readString(data.resolve(EmbeddedMariaDb.PID_FILE)).trim());
            String environ = new String(Files.readAllBytes(Path.of("/proc/" + pid + "/environ")), StandardCharsets.UTF_8);
            assertThat(environ).doesNotContain("do-not-leak").doesNotContain("STRATA_");
            String childEnviron = new String(Files.readAllBytes(Path.of("/proc/" + child.pid() + "/environ")), StandardCharsets.UTF_8);
            assertThat(childEnviron).as("the JVM itself had it").contains("do-not-leak");
        } finally {
            child.destroyForcibly();
            child.waitFor(10, TimeUnit.SECONDS);
            EmbeddedMariaDb.stopStaleServer(data);
        }
    }
}
