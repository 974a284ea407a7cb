package dev.strata.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.embedded.core.ExecutableProvider;

/** The embedded Redis: password required, only its own leftovers stopped, restarted when killed. */
class EmbeddedRedisIT {

    /** Issue 20 item 4. */
    @Test
    @Tag("reliability")
    void shouldRefuseClientsWithoutThePasswordKeptInAnOwnerOnlyFile(@TempDir Path dir) throws Exception {
        try (EmbeddedRedis redis = EmbeddedRedis.start(Optional.of(dir.resolve("redis")))) {
            Path home = redis.directory();
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(home.resolve(".strata-password"))))
                    .isEqualTo("rw-------");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(home.resolve("redis.conf"))))
                    .isEqualTo("rw-------");
            assertThat(Files.readString(home.resolve(".strata-password")).trim()).isEqualTo(redis.password().reveal());
            try (Jedis anonymous = new Jedis("127.0.0.1", redis.port())) {
                assertThatThrownBy(() -> anonymous.get("k")).isInstanceOf(JedisDataException.class).hasMessageContaining("NOAUTH");
                assertThatThrownBy(() -> anonymous.auth("guess")).isInstanceOf(JedisDataException.class);
            }
            try (Jedis client = new Jedis("127.0.0.1", redis.port())) {
                client.auth(redis.password().reveal());
                client.set("k", "v");
                assertThat(client.get("k")).isEqualTo("v");
            }
            long pid = redis.serverProcess().orElseThrow().pid();
            assertThat(Files.readString(home.resolve("redis.pid")).trim()).isEqualTo(Long.toString(pid));
            String cmdline = new String(Files.readAllBytes(Path.of("/proc/" + pid + "/cmdline")), StandardCharsets.UTF_8);
            assertThat(cmdline).as("the password is not on the command line").doesNotContain(redis.password().reveal());
        }
    }

    /**
     * Issue 20 item 11: another program's redis-server, orphaned like the ones a killed JVM leaves
     * (its parent gone), keeps running when Strata starts its own; the one a killed run of Strata left
     * in the same directory is stopped.
     */
    @Test
    @Tag("reliability")
    void shouldStopOnlyTheServerItsOwnPidFileNames(@TempDir Path dir) throws Exception {
        // a redis-server of someone else, from the same embedded-redis binaries, re-parented to init
        Path binary = ExecutableProvider.newJarResourceProvider().get().toPath();
        ProcessHandle foreign = orphan(binary + " --port " + Ports.free() + " --save '' --bind 127.0.0.1", dir.resolve("foreign.pid"));
        try {
            try (EmbeddedRedis redis = EmbeddedRedis.start()) {
                assertThat(redis.port()).isPositive();
                assertThat(foreign.isAlive()).as("another program's orphaned redis-server is left alone").isTrue();
            }

            // a killed run of Strata in a kept directory: its server runs on, named by the pid file
            Path home = dir.resolve("kept");
            EmbeddedRedis.start(Optional.of(home)).close();
            ProcessHandle leftover = orphan(EmbeddedRedis.binary() + " " + home.resolve("redis.conf"), home.resolve("redis.pid"));
            // and a pid file naming a process that is no redis-server of this directory (a reused pid)
            Path other = dir.resolve("other");
            Files.createDirectories(other);
            Files.writeString(other.resolve("redis.pid"), foreign.pid() + "\n");
            try (EmbeddedRedis again = EmbeddedRedis.start(Optional.of(home));
                 EmbeddedRedis beside = EmbeddedRedis.start(Optional.of(other))) {
                await().atMost(Duration.ofSeconds(15)).until(() -> !leftover.isAlive());
                assertThat(foreign.isAlive()).as("a pid file naming someone else's process").isTrue();
                assertThat(again.serverProcess().orElseThrow().isAlive()).isTrue();
            }
        } finally {
            foreign.destroyForcibly();
        }
    }

    /** Issue 20 item 2, for Redis: killed, it is started again on the same port with the same password. */
    @Test
    @Tag("reliability")
    void shouldRestartAKilledServerOnTheSamePort(@TempDir Path dir) throws Exception {
        try (EmbeddedRedis redis = EmbeddedRedis.start(Optional.of(dir.resolve("redis")))) {
            ProcessHandle first = redis.serverProcess().orElseThrow();
            long killedAt = System.nanoTime();
            assertThat(first.destroyForcibly()).isTrue();   // SIGKILL
            await().atMost(Duration.ofSeconds(30)).until(() -> redis.serverProcess().filter(p -> p.pid() != first.pid())
                    .map(ProcessHandle::isAlive).orElse(false));
            try (Jedis client = new Jedis("127.0.0.1", redis.port())) {
                client.auth(redis.password().reveal());
                client.set("after", "restart");
                assertThat(client.get("after")).isEqualTo("restart");
            }
            System.out.printf("redis kill test: back after %d ms%n", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killedAt));
            assertThat(redis.failure()).isNotDone();
        }
    }

    /** Starts {@code command} in the background of a shell that exits at once, so its parent becomes init; writes its pid. */
    private static ProcessHandle orphan(String command, Path pidFile) throws Exception {
        Process sh = new ProcessBuilder("sh", "-c", command + " >/dev/null 2>&1 & echo $! > '" + pidFile + "'").start();
        assertThat(sh.waitFor(10, TimeUnit.SECONDS)).isTrue();
        long pid = Long.parseLong(Files.readString(pidFile).trim());
        ProcessHandle p = ProcessHandle.of(pid).orElseThrow();
        await().atMost(Duration.ofSeconds(10)).until(() -> p.parent().map(ProcessHandle::pid).orElse(1L) != sh.pid());
        return p;
    }
}
