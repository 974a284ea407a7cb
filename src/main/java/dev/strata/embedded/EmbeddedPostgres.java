package dev.strata.embedded;

import dev.strata.ErrorCode;
import dev.strata.StrataException;
import dev.strata.runtime.ShutdownOrder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real PostgreSQL server (zonky's binaries, run as a child process) on a free port. With a data
 * directory it keeps its data across runs; without one it uses a temporary directory removed on
 * close. A server left running by a JVM that was killed is found through its {@code postmaster.pid}
 * and shut down before the new one starts. A server still owned by a live process (another
 * {@code strata} command on the same data directory holds zonky's {@code epg-lock}) is not
 * stopped: this process attaches to it and leaves it running on close.
 *
 * <p>Tuned for demos and tests, not for durability: {@code fsync=off} and
 * {@code synchronous_commit=off} (data survives a killed JVM or server process, not a power loss);
 * {@code work_mem=64MB} so that marts' aggregates over an interval stay in memory.
 */
public final class EmbeddedPostgres implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedPostgres.class);
    public static final String USER = "postgres";
    public static final String DATABASE = "postgres";
    private static final String OWNER_LOCK = "epg-lock";
    /** How long the shutdown hook waits for a running command before it stops the server anyway. */
    private static final Duration STOP_WAIT = Duration.ofMinutes(3);   // zonky holds a FileLock on it while it runs the server
    private final io.zonky.test.db.postgres.embedded.EmbeddedPostgres server;   // null when attached
    private final Path dataDir;
    private final int port;

    private final Thread stopOnExit;

    private EmbeddedPostgres(io.zonky.test.db.postgres.embedded.EmbeddedPostgres server, Path dataDir, int port) {
        this.server = server;
        this.dataDir = dataDir;
        this.port = port;
        if (server != null) {
            stopOnExit = new Thread(() -> {
                if (!ShutdownOrder.awaitCommands(STOP_WAIT)) {
                    LOG.warn("stopping the embedded PostgreSQL server although a command has not finished after {} s",
                            STOP_WAIT.toSeconds());
                }
                stopServer();
            }, "embedded-postgres-stop");
            Runtime.getRuntime().addShutdownHook(stopOnExit);
        } else {
            stopOnExit = null;
        }
    }

    /** Starts a server with its data in {@code dataDir} (kept), or in a temporary directory when empty. */
    public static EmbeddedPostgres start(Optional<Path> dataDir) {
        return start(dataDir, 0);
    }

    /** Same, on a given port (0: any free port). Restarting on the same port lets clients reconnect. */
    public static EmbeddedPostgres start(Optional<Path> dataDir, int port) {
        return start(dataDir, port, false);
    }

    /**
     * A server with a production warehouse's durability ({@code fsync}, {@code synchronous_commit}
     * and {@code full_page_writes} on), for benchmarks whose baseline depends on what a commit costs.
     */
    public static EmbeddedPostgres startDurable(Optional<Path> dataDir) {
        return start(dataDir, 0, true);
    }

    private static EmbeddedPostgres start(Optional<Path> dataDir, int port, boolean durable) {
        String unsafe = durable ? "on" : "off";
        try {
            Path dir;
            boolean clean;
            if (dataDir.isPresent()) {
                dir = dataDir.get().toAbsolutePath();
                Files.createDirectories(dir);
                Optional<Integer> live = liveServerPort(dir);
                if (live.isPresent()) {
                    LOG.info("attaching to the PostgreSQL server another Strata process runs on {} (port {})", dir, live.get());
                    return new EmbeddedPostgres(null, dir, live.get());
                }
                stopStaleServer(dir);
                clean = false;
            } else {
                dir = Files.createTempDirectory("strata-pg-");
                clean = true;
            }
            var builder = io.zonky.test.db.postgres.embedded.EmbeddedPostgres.builder()
                    .setDataDirectory(dir.toFile())
                    .setCleanDataDirectory(clean)
                    .setPGStartupWait(Duration.ofSeconds(30))
                    // zonky's hook would stop the server the moment Ctrl-C arrives, while the command is
                    // still committing, rolling back or verifying; ours waits for it (ShutdownOrder)
                    .setRegisterShutdownHook(false)
                    .setServerConfig("fsync", unsafe)
                    .setServerConfig("synchronous_commit", unsafe)
                    .setServerConfig("full_page_writes", unsafe)
                    .setServerConfig("max_connections", "200")
                    .setServerConfig("shared_buffers", "128MB")
                    // marts aggregate and sort whole intervals: with PostgreSQL's 4MB default a
                    // day of fintech transactions already spills its hash aggregate to disk
                    .setServerConfig("work_mem", "64MB")
                    .setServerConfig("max_wal_size", "2GB")
                    .setServerConfig("wal_level", "logical")
                    .setServerConfig("max_replication_slots", "10")
                    .setServerConfig("max_wal_senders", "10");
            if (port > 0) {
                builder.setPort(port);
            }
            io.zonky.test.db.postgres.embedded.EmbeddedPostgres started = builder.start();
            return new EmbeddedPostgres(started, dir, started.getPort());
        } catch (IOException | RuntimeException e) {
            throw new StrataException(ErrorCode.EMBEDDED, "cannot start the embedded PostgreSQL server: " + e.getMessage(), e);
        }
    }

    /**
     * The port of a server on {@code dir} whose owner process is alive, if any: zonky's owner lock
     * cannot be taken while its JVM lives, and {@code postmaster.pid}'s fourth line is the port.
     */
    static Optional<Integer> liveServerPort(Path dir) throws IOException {
        Path lock = dir.resolve(OWNER_LOCK);
        Path pidFile = dir.resolve("postmaster.pid");
        if (!Files.exists(lock) || !Files.exists(pidFile)) {
            return Optional.empty();
        }
        boolean owned;
        try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(lock,
                java.nio.file.StandardOpenOption.WRITE)) {
            java.nio.channels.FileLock l = ch.tryLock();
            owned = l == null;
            if (l != null) {
                l.release();
            }
        } catch (java.nio.channels.OverlappingFileLockException e) {
            owned = true;   // this very JVM runs it
        }
        if (!owned) {
            return Optional.empty();
        }
        List<String> lines = Files.readAllLines(pidFile, StandardCharsets.UTF_8);
        if (lines.size() < 4) {
            return Optional.empty();
        }
        try {
            return Optional.of(Integer.parseInt(lines.get(3).trim()));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /**
     * A killed JVM leaves its PostgreSQL child running with the data directory locked. Its pid is
     * the first line of {@code postmaster.pid}; if that process is alive and is a postgres server,
     * ask it to shut down (SIGTERM, then SIGKILL after a grace period).
     */
    static void stopStaleServer(Path dir) throws IOException {
        Path pidFile = dir.resolve("postmaster.pid");
        if (!Files.exists(pidFile)) {
            return;
        }
        List<String> lines = Files.readAllLines(pidFile, StandardCharsets.UTF_8);
        if (lines.isEmpty()) {
            return;
        }
        long pid;
        try {
            pid = Long.parseLong(lines.get(0).trim());
        } catch (NumberFormatException e) {
            return;
        }
        Optional<ProcessHandle> process = ProcessHandle.of(pid).filter(ProcessHandle::isAlive)
                .filter(p -> p.info().command().map(c -> c.contains("postgres")).orElse(false));
        if (process.isEmpty()) {
            return;
        }
        LOG.warn("a PostgreSQL server (pid {}) left by an earlier run still uses {}; stopping it", pid, dir);
        ProcessHandle p = process.get();
        p.destroy();
        try {
            p.onExit().get(15, TimeUnit.SECONDS);
        } catch (Exception timeout) {
            p.destroyForcibly();
            try {
                p.onExit().get(5, TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new IOException("the stale PostgreSQL server (pid " + pid + ") does not stop", e);
            }
            Files.deleteIfExists(pidFile);
        }
    }

    public int port() {
        return port;
    }

    public Path dataDir() {
        return dataDir;
    }

    public String jdbcUrl() {
        return "jdbc:postgresql://localhost:" + port() + "/" + DATABASE;
    }

    /** The command line a user can paste to look inside. */
    public String psqlCommand() {
        return "psql -h localhost -p " + port() + " -U " + USER + " " + DATABASE;
    }

    @Override
    public void close() {
        if (server == null) {
            return;   // attached to another process's server: it is not ours to stop
        }
        try {
            Runtime.getRuntime().removeShutdownHook(stopOnExit);
        } catch (IllegalStateException shuttingDown) {
            // the JVM is already stopping: the hook runs (or ran) and stops the server too
        }
        stopServer();
    }

    private void stopServer() {
        try {
            server.close();   // idempotent
        } catch (IOException e) {
            LOG.warn("stopping the embedded PostgreSQL server failed: {}", e.getMessage());
        }
    }
}
