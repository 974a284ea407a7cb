package dev.strata.embedded;

import dev.strata.ErrorCode;
import dev.strata.StrataException;
import dev.strata.config.Secret;
import dev.strata.runtime.ShutdownOrder;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real PostgreSQL server (zonky's binaries, run by Strata as a process of its own) on a free
 * loopback port. With a data directory it keeps its data across runs; without one it uses a
 * temporary directory removed on close.
 *
 * <h2>Access</h2>
 * Each data directory gets a random password for the superuser {@value #USER} when it is created
 * ({@code initdb --pwfile}), kept in {@value ServerPassword#FILE} (mode 0600) inside the data
 * directory; a directory made by an older Strata without one gets one on its next start. The
 * server accepts only password logins (SCRAM-SHA-256) over TCP on 127.0.0.1 and ::1: no
 * {@code trust} line, no Unix socket ({@code pg_hba.conf} is rewritten at every start). Use
 * {@link #jdbcUrl()}, {@link #user()} and {@link #password()} to connect; the password is never
 * printed. The server's processes get a reduced environment, so secrets of Strata's own
 * ({@code STRATA_WAREHOUSE_PASSWORD}) never reach them.
 *
 * <h2>Several processes, one data directory</h2>
 * {@link #open} starts the server of a data directory, or attaches to the one another live Strata
 * process runs there (it holds the directory's {@code epg-lock}): such an instance only gives the
 * URL, user and password, and leaves the server running on close. A server left running by a JVM
 * that was killed is found through its {@code postmaster.pid} and shut down before a new one
 * starts.
 *
 * <h2>Supervision</h2>
 * A server this process started that exits unexpectedly ({@code kill -9}, a crash) is started
 * again on the same port by a {@link Supervisor}; if it cannot be within a minute,
 * {@link #failure()} completes and the command stops with that error.
 *
 * <h2>Durability</h2>
 * {@link Durability#DURABLE} ({@code strata run}, the commands of a project): {@code fsync},
 * {@code synchronous_commit} and {@code full_page_writes} on, so every acknowledged commit survives
 * a killed server, an operating-system crash and a power loss. {@link Durability#FAST}
 * ({@code strata demo}, tests, benchmarks): all three off. Then a killed JVM loses nothing (the
 * server keeps running), but a killed <em>server</em> loses the commits of its last ~0.6 s
 * (three {@code wal_writer_delay}s; they vanish whole, so landing's positions roll back with
 * their rows), and an operating-system crash or power loss can corrupt the data directory.
 * Both: {@code work_mem=64MB} so that marts' aggregates over an interval stay in memory.
 */
public final class EmbeddedPostgres implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedPostgres.class);
    public static final String USER = "postgres";
    public static final String DATABASE = "postgres";
    private static final String OWNER_LOCK = "epg-lock";
    private static final String SERVER_LOG = "postgres.log";
    private static final long SERVER_LOG_MAX = 10L << 20;
    /** How long the shutdown hook waits for a running command before it stops the server anyway. */
    private static final Duration STOP_WAIT = Duration.ofMinutes(3);
    private static final Duration START_WAIT = Duration.ofSeconds(60);

    private final Path dataDir;
    private final int port;
    private final Secret password;
    private final boolean owner;
    private final boolean temporary;
    private final Durability durability;
    private final Path binDir;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private final Thread stopOnExit;
    private volatile Supervisor supervisor;
    private volatile boolean closed;

    private EmbeddedPostgres(Path dataDir, int port, Secret password, boolean owner, boolean temporary, Durability durability,
                             Path binDir, FileChannel lockChannel, FileLock lock) {
        this.dataDir = dataDir;
        this.port = port;
        this.password = password;
        this.owner = owner;
        this.temporary = temporary;
        this.durability = durability;
        this.binDir = binDir;
        this.lockChannel = lockChannel;
        this.lock = lock;
        if (owner) {
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

    /** A fast (not durable) server with its data in {@code dataDir} (kept), or in a temporary directory when empty. */
    public static EmbeddedPostgres start(Optional<Path> dataDir) {
        return start(dataDir, 0, Durability.FAST);
    }

    /** Same, on a given port (0: any free port). Restarting on the same port lets clients reconnect. */
    public static EmbeddedPostgres start(Optional<Path> dataDir, int port) {
        return start(dataDir, port, Durability.FAST);
    }

    /** A durable server (see the class comment), for benchmarks whose baseline depends on what a commit costs. */
    public static EmbeddedPostgres startDurable(Optional<Path> dataDir) {
        return start(dataDir, 0, Durability.DURABLE);
    }

    /**
     * The server of {@code dataDir}: started with {@code durability}, or, when another live Strata
     * process runs it, attached to (whatever durability that process chose). Either way
     * {@link #jdbcUrl()}, {@link #user()} and {@link #password()} connect to it.
     */
    public static EmbeddedPostgres open(Path dataDir, Durability durability) {
        return start(Optional.of(dataDir), 0, durability);
    }

    /** Starts (or, for a kept data directory another process serves, attaches to) a server. */
    public static EmbeddedPostgres start(Optional<Path> dataDir, int port, Durability durability) {
        Path dir = null;
        boolean temporary = dataDir.isEmpty();
        FileChannel channel = null;
        try {
            if (temporary) {
                dir = Files.createTempDirectory("strata-pg-").resolve("data");
            } else {
                dir = dataDir.get().toAbsolutePath();
                Files.createDirectories(dir.getParent());
                Optional<Integer> live = liveServerPort(dir);
                if (live.isPresent()) {
                    LOG.info("attaching to the PostgreSQL server another Strata process runs on {} (port {})", dir, live.get());
                    return new EmbeddedPostgres(dir, live.get(), ServerPassword.read(dir).orElse(Secret.empty()), false, false,
                            durability, null, null, null);
                }
                stopStaleServer(dir);
            }
            Path bin = PostgresBinaries.binDir();
            Secret pw = prepare(bin, dir);
            channel = FileChannel.open(dir.resolve(OWNER_LOCK), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock = channel.tryLock();
            if (lock == null) {
                throw new IOException("another process holds " + dir.resolve(OWNER_LOCK));
            }
            int chosen = port > 0 ? port : Ports.free();
            EmbeddedPostgres pg = new EmbeddedPostgres(dir, chosen, pw, true, temporary, durability, bin, channel, lock);
            try {
                pg.supervisor = new Supervisor("PostgreSQL", pg.startServer(), pg::startServer);
            } catch (IOException | RuntimeException e) {
                pg.close();
                throw e;
            }
            return pg;
        } catch (IOException | RuntimeException e) {
            if (channel != null && !channel.isOpen()) {
                channel = null;
            }
            closeQuietly(channel);
            if (temporary && dir != null) {
                deleteRecursively(dir.getParent());
            }
            if (e instanceof StrataException se) {
                throw se;
            }
            throw new StrataException(ErrorCode.EMBEDDED, "cannot start the embedded PostgreSQL server: " + e.getMessage(), e);
        }
    }

    /**
     * Makes {@code dir} a data directory Strata can start: {@code initdb} with a new password when
     * it has none; a password for a directory an older Strata made without one; {@code pg_hba.conf}
     * for password logins over loopback TCP only. Returns the superuser's password.
     */
    private static Secret prepare(Path bin, Path dir) throws IOException {
        if (!Files.exists(dir.resolve("PG_VERSION"))) {
            if (Files.isDirectory(dir)) {
                try (var entries = Files.list(dir)) {
                    if (entries.anyMatch(p -> !p.getFileName().toString().equals(OWNER_LOCK))) {
                        throw new StrataException(ErrorCode.EMBEDDED, dir + " is neither empty nor a PostgreSQL data directory;"
                                + " point the data directory elsewhere or empty it");
                    }
                }
                Files.deleteIfExists(dir.resolve(OWNER_LOCK));
            }
            Secret pw = ServerPassword.generate();
            Path pwFile = ServerPassword.writeTemporary(dir.getParent(), pw);
            try {
                run(List.of(bin.resolve("initdb").toString(), "-A", "scram-sha-256", "-U", USER, "--pwfile=" + pwFile,
                        "-D", dir.toString(), "-E", "UTF-8"), null, "initdb");
                ServerPassword.install(pwFile, dir);
            } finally {
                Files.deleteIfExists(pwFile);
            }
            writeHba(dir);
            return pw;
        }
        Optional<Secret> existing = ServerPassword.read(dir);
        Secret pw;
        if (existing.isPresent()) {
            pw = existing.get();
        } else {
            // made by a Strata that trusted local users: set a password before the server listens
            pw = ServerPassword.generate();
            String verifier = org.postgresql.util.PasswordUtil.encodeScramSha256(pw.reveal().toCharArray());
            run(List.of(bin.resolve("postgres").toString(), "--single", "-D", dir.toString(), "-c", "unix_socket_directories=",
                    "-c", "listen_addresses=", DATABASE), "ALTER ROLE " + USER + " PASSWORD '" + verifier + "';\n",
                    "setting the superuser's password");
            Path tmp = ServerPassword.writeTemporary(dir, pw);
            ServerPassword.install(tmp, dir);
            LOG.info("the embedded PostgreSQL data directory {} now requires a password (in {})", dir, ServerPassword.FILE);
        }
        writeHba(dir);
        return pw;
    }

    private static void writeHba(Path dir) throws IOException {
        Files.writeString(dir.resolve("pg_hba.conf"), """
                # Written by Strata at every start of its embedded server: the superuser's password
                # (SCRAM-SHA-256, in .strata-password) over TCP on loopback; physical replication
                # only for the standby's role, with its password; nothing else. There is no 'trust'
                # line and no Unix socket (unix_socket_directories is empty).
                # TYPE  DATABASE     USER                ADDRESS       METHOD
                host    all          all                 127.0.0.1/32  scram-sha-256
                host    all          all                 ::1/128       scram-sha-256
                host    replication  strata_replication  127.0.0.1/32  scram-sha-256
                host    replication  strata_replication  ::1/128       scram-sha-256
                """, StandardCharsets.UTF_8);
    }

    /** Server settings on the command line (never in postgresql.conf, so a data directory keeps no choice of ours). */
    private Map<String, String> settings() {
        String safe = durability == Durability.DURABLE ? "on" : "off";
        Map<String, String> s = new LinkedHashMap<>();
        s.put("listen_addresses", "localhost");
        s.put("unix_socket_directories", "");
        s.put("password_encryption", "scram-sha-256");
        s.put("fsync", safe);
        s.put("synchronous_commit", safe);
        s.put("full_page_writes", safe);
        s.put("max_connections", "200");
        s.put("shared_buffers", "128MB");
        // marts aggregate and sort whole intervals: with PostgreSQL's 4MB default a day of fintech
        // transactions already spills its hash aggregate to disk
        s.put("work_mem", "64MB");
        s.put("max_wal_size", "2GB");
        s.put("wal_level", "logical");
        s.put("max_replication_slots", "10");
        s.put("max_wal_senders", "10");
        return s;
    }

    /**
     * Starts the postmaster with {@code pg_ctl}, which detaches it into a session of its own (a
     * terminal's Ctrl-C does not reach it; the shutdown hook stops it once the command finished),
     * waits until it accepts logins, and returns its process.
     */
    private synchronized ProcessHandle startServer() throws IOException {
        if (closed) {
            throw new IOException("closed");
        }
        Path log = dataDir.resolve(SERVER_LOG);
        if (Files.exists(log) && Files.size(log) > SERVER_LOG_MAX) {
            Files.move(log, dataDir.resolve(SERVER_LOG + ".1"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        StringBuilder options = new StringBuilder("-p ").append(port);
        // pg_ctl hands these to /bin/sh: every value is a constant of ours, quoted
        settings().forEach((k, v) -> options.append(" -c '").append(k).append('=').append(v).append('\''));
        run(List.of(binDir.resolve("pg_ctl").toString(), "-D", dataDir.toString(), "-l", log.toString(), "-w",
                "-t", Long.toString(START_WAIT.toSeconds()), "-o", options.toString(), "start"), null, "pg_ctl start");
        List<String> pidLines = Files.readAllLines(dataDir.resolve("postmaster.pid"), StandardCharsets.UTF_8);
        ProcessHandle postmaster = ProcessHandle.of(Long.parseLong(pidLines.get(0).trim()))
                .orElseThrow(() -> new IOException("the PostgreSQL server exited right after starting; see " + log));
        awaitLogin();
        return postmaster;
    }

    private void awaitLogin() throws IOException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            try (Connection c = DriverManager.getConnection(jdbcUrl(), USER, password.reveal())) {
                return;
            } catch (SQLException e) {
                if (System.nanoTime() > deadline || "28P01".equals(e.getSQLState())) {
                    throw new IOException("the PostgreSQL server does not accept Strata's login: " + e.getMessage(), e);
                }
                try {
                    Thread.sleep(50);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted", ie);
                }
            }
        }
    }

    /** Runs a PostgreSQL tool to its end with the reduced environment; its output goes into the error if it fails. */
    private static void run(List<String> command, String input, String what) throws IOException {
        ProcessBuilder pb = ChildProcesses.builder(ChildProcesses.unprivileged(command)).redirectErrorStream(true);
        if (input == null) {
            pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        }
        Process p = ChildProcesses.start(pb);
        if (input != null) {
            try (var in = p.getOutputStream()) {
                in.write(input.getBytes(StandardCharsets.UTF_8));
            }
        }
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (!p.waitFor(2, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new IOException(what + " did not finish within 2 minutes");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for " + what, e);
        }
        if (p.exitValue() != 0) {
            throw new IOException(what + " failed (exit code " + p.exitValue() + "): " + output.strip());
        }
    }

    /**
     * The port of a server on {@code dir} whose owner process is alive, if any: the owner lock
     * cannot be taken while its JVM lives, and {@code postmaster.pid}'s fourth line is the port.
     */
    static Optional<Integer> liveServerPort(Path dir) throws IOException {
        Path lockFile = dir.resolve(OWNER_LOCK);
        Path pidFile = dir.resolve("postmaster.pid");
        if (!Files.exists(lockFile) || !Files.exists(pidFile)) {
            return Optional.empty();
        }
        boolean owned;
        try (FileChannel ch = FileChannel.open(lockFile, StandardOpenOption.WRITE)) {
            FileLock l = ch.tryLock();
            owned = l == null;
            if (l != null) {
                l.release();
            }
        } catch (OverlappingFileLockException e) {
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
     * A killed JVM leaves its PostgreSQL server running with the data directory locked. Its pid is
     * the first line of {@code postmaster.pid}; if that process is alive and is a postgres server
     * on this data directory, ask it to shut down (SIGTERM, then SIGKILL after a grace period).
     */
    static void stopStaleServer(Path dir) throws IOException {
        Path pidFile = dir.resolve("postmaster.pid");
        if (!Files.exists(pidFile)) {
            return;
        }
        List<String> lines = Files.readAllLines(pidFile, StandardCharsets.UTF_8);
        if (lines.size() < 2) {
            return;
        }
        long pid;
        try {
            pid = Long.parseLong(lines.get(0).trim());
        } catch (NumberFormatException e) {
            return;
        }
        // the pid may have been reused since: only a postgres whose data directory (line 2) is ours
        Optional<ProcessHandle> process = ProcessHandle.of(pid).filter(ProcessHandle::isAlive)
                .filter(p -> p.info().command().map(c -> c.endsWith("/postgres")).orElse(false))
                .filter(p -> Path.of(lines.get(1).trim()).toAbsolutePath().equals(dir.toAbsolutePath()));
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

    /** The superuser to connect as. */
    public String user() {
        return USER;
    }

    /** The superuser's password (empty only when attached to a server of an older Strata that had none). */
    public Secret password() {
        return password;
    }

    /** The file holding the password (mode 0600). */
    public Path passwordFile() {
        return dataDir.resolve(ServerPassword.FILE);
    }

    /** The server's postmaster, while this process runs it. */
    public Optional<ProcessHandle> serverProcess() {
        Supervisor s = supervisor;
        return s == null ? Optional.empty() : Optional.of(s.process());
    }

    /** Completes with the reason when the server exited and could not be restarted; see {@link Supervisor}. */
    public CompletableFuture<StrataException> failure() {
        Supervisor s = supervisor;
        return s == null ? new CompletableFuture<>() : s.failure();
    }

    /**
     * The command line a user can paste to look inside. It reads the password from its file rather
     * than showing it, so the secret never lands in a terminal's scroll-back or a log.
     */
    public String psqlCommand() {
        String psql = "psql -h localhost -p " + port() + " -U " + USER + " " + DATABASE;
        return password.isEmpty() ? psql : "PGPASSWORD=\"$(cat '" + passwordFile() + "')\" " + psql;
    }

    @Override
    public void close() {
        if (!owner || closed) {
            return;   // attached to another process's server: it is not ours to stop
        }
        try {
            Runtime.getRuntime().removeShutdownHook(stopOnExit);
        } catch (IllegalStateException shuttingDown) {
            // the JVM is already stopping: the hook runs (or ran) and stops the server too
        }
        stopServer();
    }

    private synchronized void stopServer() {
        if (closed) {
            return;
        }
        closed = true;
        Supervisor s = supervisor;
        if (s != null) {
            s.close();
        }
        try {
            if (Files.exists(dataDir.resolve("postmaster.pid"))) {
                run(List.of(binDir.resolve("pg_ctl").toString(), "-D", dataDir.toString(), "-m", "fast", "-w", "-t", "60",
                        "stop"), null, "pg_ctl stop");
            }
        } catch (IOException e) {
            LOG.warn("stopping the embedded PostgreSQL server failed: {}", e.getMessage());
        }
        try {
            lock.release();
        } catch (IOException | RuntimeException e) {
            // released with the channel
        }
        closeQuietly(lockChannel);
        if (temporary) {
            deleteRecursively(dataDir.getParent());
        }
    }

    private static void closeQuietly(FileChannel c) {
        if (c != null) {
            try {
                c.close();
            } catch (IOException ignored) {
                // nothing to do
            }
        }
    }

    static void deleteRecursively(Path dir) {
        try (var paths = Files.walk(dir)) {
            List<Path> all = new ArrayList<>(paths.toList());
            java.util.Collections.reverse(all);
            for (Path p : all) {
                Files.deleteIfExists(p);
            }
        } catch (IOException ignored) {
            // a temporary folder: best effort
        }
    }
}
