package dev.strata.embedded;

import dev.strata.ErrorCode;
import dev.strata.StrataException;
import dev.strata.config.Secret;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.embedded.core.ExecutableProvider;
import redis.embedded.model.OsArchitecture;

/**
 * A real redis-server (the binary shipped by codemonstur's embedded-redis) as a child process on a
 * free loopback port, without persistence: the demo seeds its dictionaries on every start.
 *
 * <p><b>Its directory.</b> Each server has a directory of its own (given, or temporary) holding,
 * readable by the owner only: {@code redis.conf}, the generated password
 * ({@value ServerPassword#FILE}; the server has {@code requirepass}, so every client must
 * {@code AUTH}) and {@code redis.pid}. The password is in the config file, never on a command
 * line another user could read.
 *
 * <p><b>Leftovers.</b> A JVM killed with SIGKILL cannot stop its child. The next start in the same
 * directory stops the server its {@code redis.pid} names, and only if that process still runs
 * this directory's {@code redis.conf} (pids are reused): Strata never stops a redis-server it did
 * not start.
 *
 * <p><b>Supervision.</b> A server that exits unexpectedly is started again on the same port
 * ({@link Supervisor}); clients reconnect on their next refresh.
 */
public final class EmbeddedRedis implements AutoCloseable {
    static final String PID_FILE = "redis.pid";
    static final String CONFIG_FILE = "redis.conf";
    private static final String TEMP_PREFIX = "strata-redis-";
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedRedis.class);
    private final Path dir;
    private final boolean temporary;
    private final Path binary;
    private final int port;
    private final Secret password;
    private volatile Process process;
    private volatile Supervisor supervisor;
    private volatile boolean closed;

    private EmbeddedRedis(Path dir, boolean temporary, Path binary, int port, Secret password) {
        this.dir = dir;
        this.temporary = temporary;
        this.binary = binary;
        this.port = port;
        this.password = password;
    }

    /** A server in a temporary directory, removed on close. */
    public static EmbeddedRedis start() {
        return start(Optional.empty());
    }

    /** A server whose directory (config, password, pid file) is {@code dir}, or a temporary one. */
    public static EmbeddedRedis start(Optional<Path> dir) {
        try {
            stopOrphansInTemporaryDirectories();
            Path home = dir.isPresent() ? dir.get().toAbsolutePath() : Files.createTempDirectory(TEMP_PREFIX);
            Files.createDirectories(home);
            Files.setPosixFilePermissions(home, PosixFilePermissions.fromString("rwx------"));
            stopLeftover(home);
            Secret password = ServerPassword.readOrCreate(home);
            EmbeddedRedis redis = new EmbeddedRedis(home, dir.isEmpty(), binary(), Ports.free(), password);
            redis.supervisor = new Supervisor("Redis", redis.startServer(), redis::startServer);
            return redis;
        } catch (IOException | RuntimeException e) {
            if (e instanceof StrataException se) {
                throw se;
            }
            throw new StrataException(ErrorCode.EMBEDDED, "cannot start the embedded Redis server: " + e.getMessage(), e);
        }
    }

    /**
     * The redis-server binary for this machine, copied once out of embedded-redis's jar into a
     * folder of the temp directory and reused (embedded-redis would unpack a new copy per start).
     */
    static Path binary() throws IOException {
        String resource = ExecutableProvider.newProvidedVersionsMap().get(OsArchitecture.detectOSandArchitecture());
        if (resource == null) {
            throw new IOException("embedded-redis has no redis-server for " + OsArchitecture.detectOSandArchitecture());
        }
        Path dir = Path.of(System.getProperty("java.io.tmpdir"), "strata-redis-bin");
        Files.createDirectories(dir);
        Path target = dir.resolve(Path.of(resource).getFileName().toString());
        if (Files.isExecutable(target)) {
            return target;
        }
        Path tmp = Files.createTempFile(dir, "redis-server-", ".tmp");
        try (InputStream in = EmbeddedRedis.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IOException("missing resource " + resource);
            }
            Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
        }
        tmp.toFile().setExecutable(true, false);
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        return target;
    }

    /** Writes the config (mode 0600), starts the server, waits until it is ready, records its pid. */
    private synchronized ProcessHandle startServer() throws IOException {
        if (closed) {
            throw new IOException("closed");
        }
        Path config = dir.resolve(CONFIG_FILE);
        Path tmp = Files.createTempFile(dir, ".redis-", ".conf", PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rw-------")));
        Files.writeString(tmp, String.join("\n", List.of(
                "# Written by Strata at every start of its embedded Redis",
                "port " + port,
                "bind 127.0.0.1",
                "protected-mode yes",
                "requirepass " + password.reveal(),
                "save \"\"",
                "appendonly no",
                "daemonize no",
                // keep the command line (binary, this config file) that identifies the server as ours
                "set-proc-title no",
                "dir " + dir)) + "\n", StandardCharsets.UTF_8);
        Files.move(tmp, config, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        Process p = ChildProcesses.start(ChildProcesses.builder(List.of(binary.toString(), config.toString()))
                .directory(dir.toFile()).redirectErrorStream(true));
        List<String> output = new ArrayList<>();
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        CompletableFuture<Boolean> ready = CompletableFuture.supplyAsync(() -> {
            try {
                String line;
                while ((line = out.readLine()) != null) {
                    if (line.contains("Ready to accept connections")) {
                        return true;
                    }
                    if (output.size() < 50) {
                        output.add(line);
                    }
                }
            } catch (IOException ignored) {
                // the process ended
            }
            return false;
        });
        boolean ok;
        try {
            ok = ready.get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            ok = false;
        }
        if (!ok) {
            p.destroyForcibly();
            throw new IOException("redis-server did not start: " + String.join(" | ", output));
        }
        // keep reading, so that a full pipe never blocks the server
        Thread drain = new Thread(() -> {
            try {
                while (out.readLine() != null) {
                    // discard
                }
            } catch (IOException ignored) {
                // the process ended
            }
        }, "embedded-redis-output");
        drain.setDaemon(true);
        drain.start();
        Files.writeString(dir.resolve(PID_FILE), p.pid() + "\n", StandardCharsets.UTF_8);
        process = p;
        return p.toHandle();
    }

    /**
     * Stops the server a killed run left in {@code dir}: the process {@code redis.pid} names, if it
     * is alive and runs this directory's {@code redis.conf}. Any other process — another program's
     * redis-server, a reused pid — is left alone.
     */
    static void stopLeftover(Path dir) throws IOException {
        Path pidFile = dir.resolve(PID_FILE);
        if (!Files.exists(pidFile)) {
            return;
        }
        long pid;
        try {
            pid = Long.parseLong(Files.readString(pidFile, StandardCharsets.UTF_8).trim());
        } catch (NumberFormatException e) {
            Files.deleteIfExists(pidFile);
            return;
        }
        String config = dir.resolve(CONFIG_FILE).toAbsolutePath().toString();
        Optional<ProcessHandle> ours = ProcessHandle.of(pid).filter(ProcessHandle::isAlive)
                .filter(p -> p.info().command().map(c -> c.contains("redis-server")).orElse(false))
                .filter(p -> p.info().arguments().map(a -> List.of(a).contains(config)).orElse(false));
        if (ours.isPresent()) {
            LOG.info("stopping the embedded redis-server (pid {}) a killed run left in {}", pid, dir);
            ProcessHandle p = ours.get();
            p.destroy();
            try {
                p.onExit().get(10, TimeUnit.SECONDS);
            } catch (Exception timeout) {
                p.destroyForcibly();
            }
        }
        Files.deleteIfExists(pidFile);
    }

    /**
     * Servers of temporary directories ({@code <tmp>/strata-redis-*}) whose JVM was killed: each is
     * stopped by {@link #stopLeftover} when its parent process is gone, and its directory removed.
     * A server whose JVM still runs (another Strata process) has a live parent and is left alone.
     */
    static void stopOrphansInTemporaryDirectories() {
        Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
        try (var dirs = Files.newDirectoryStream(tmp, TEMP_PREFIX + "*")) {
            for (Path d : dirs) {
                if (!Files.isDirectory(d) || d.getFileName().toString().equals("strata-redis-bin")) {
                    continue;
                }
                Path pidFile = d.resolve(PID_FILE);
                try {
                    if (Files.exists(pidFile)) {
                        long pid = Long.parseLong(Files.readString(pidFile, StandardCharsets.UTF_8).trim());
                        Optional<ProcessHandle> p = ProcessHandle.of(pid).filter(ProcessHandle::isAlive);
                        boolean orphan = p.map(h -> h.parent().map(parent -> parent.pid() == 1 || !parent.isAlive()).orElse(true))
                                .orElse(true);
                        if (!orphan) {
                            continue;
                        }
                        stopLeftover(d);
                    } else if (Files.getLastModifiedTime(d).toMillis() > System.currentTimeMillis() - 3_600_000) {
                        continue;   // maybe a server being set up right now
                    }
                    try (var files = Files.walk(d)) {
                        List<Path> all = new ArrayList<>(files.toList());
                        java.util.Collections.reverse(all);
                        for (Path f : all) {
                            Files.deleteIfExists(f);
                        }
                    }
                } catch (IOException | RuntimeException e) {
                    LOG.debug("could not clean {}: {}", d, e.getMessage());
                }
            }
        } catch (IOException e) {
            LOG.debug("could not look for leftover embedded redis-servers: {}", e.getMessage());
        }
    }

    public int port() {
        return port;
    }

    /** {@code redis://127.0.0.1:<port>}, the form a {@code redis.url} setting takes; the password is separate. */
    public String url() {
        return "redis://127.0.0.1:" + port;
    }

    /** The password every client must give ({@code AUTH}). */
    public Secret password() {
        return password;
    }

    /** The server's directory (config, password and pid file). */
    public Path directory() {
        return dir;
    }

    /** The running server's process. */
    public Optional<ProcessHandle> serverProcess() {
        Process p = process;
        return p == null ? Optional.empty() : Optional.of(p.toHandle());
    }

    /** Completes with the reason when the server exited and could not be restarted. */
    public CompletableFuture<StrataException> failure() {
        Supervisor s = supervisor;
        return s == null ? new CompletableFuture<>() : s.failure();
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        Supervisor s = supervisor;
        if (s != null) {
            s.close();
        }
        Process p = process;
        if (p != null) {
            p.destroy();
            try {
                if (!p.waitFor(10, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                p.destroyForcibly();
            }
        }
        try {
            Files.deleteIfExists(dir.resolve(PID_FILE));
            if (temporary) {
                try (var files = Files.walk(dir)) {
                    List<Path> all = new ArrayList<>(files.toList());
                    java.util.Collections.reverse(all);
                    for (Path f : all) {
                        Files.deleteIfExists(f);
                    }
                }
            }
        } catch (IOException ignored) {
            // best effort
        }
    }
}
