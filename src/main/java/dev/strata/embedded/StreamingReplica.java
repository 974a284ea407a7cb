package dev.strata.embedded;

import dev.strata.ErrorCode;
import dev.strata.StrataException;
import dev.strata.config.Secret;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A physical streaming replica (hot standby) of an {@link EmbeddedPostgres} primary, built with
 * the server's own means, since zonky's bundle has no {@code pg_basebackup}:
 * <ol>
 *   <li>on the primary, the role {@value #ROLE} ({@code REPLICATION LOGIN}) gets a new random
 *       password (SCRAM-SHA-256) at every start, and a physical slot {@value #SLOT} reserves WAL
 *       from the moment it is created, so nothing the standby needs is recycled before it connects;</li>
 *   <li>{@code pg_backup_start()}, a copy of the data directory without what PostgreSQL's
 *       documentation says to leave out ({@code postmaster.pid}, {@code postmaster.opts},
 *       the contents of {@code pg_wal}, {@code pg_replslot}, {@code pg_stat_tmp} and the other
 *       temporary directories), {@code pg_backup_stop()}, whose {@code backup_label} is written
 *       into the copy;</li>
 *   <li>{@code standby.signal}, and in {@code postgresql.auto.conf} {@code primary_conninfo}
 *       (with {@code passfile=}: the password is in a file of mode 0600 inside the standby's data
 *       directory, never on a command line or in a log), {@code primary_slot_name} and
 *       {@code hot_standby=on}.</li>
 * </ol>
 * The standby is then an {@link EmbeddedPostgres} of its own (own port, same superuser password as
 * the primary, since it is a copy; supervised and restarted like any embedded server). A kept
 * standby directory is reused: only the password is renewed. Stop the standby ({@link #close})
 * before the primary.
 *
 * <p>The role's password is given by the caller (configuration) or generated at each start; it
 * is written only into the standby's passfile (mode 0600, inside its data directory).
 *
 * <p>The primary's {@code pg_hba.conf} allows replication connections only for {@value #ROLE},
 * with its password, on loopback; there is no {@code trust} line.
 */
public final class StreamingReplica implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(StreamingReplica.class);
    public static final String ROLE = "strata_replication";
    public static final String SLOT = "strata_standby";
    private static final String PASSFILE = ".strata-replication-pgpass";
    private static final Duration START_WAIT = Duration.ofSeconds(60);
    private static final Set<String> EMPTIED = Set.of("pg_wal", "pg_replslot", "pg_dynshmem", "pg_notify", "pg_serial",
            "pg_snapshots", "pg_stat_tmp", "pg_subtrans");
    private static final Set<String> LEFT_OUT = Set.of("postmaster.pid", "postmaster.opts", "backup_label", "tablespace_map",
            "epg-lock", "postgres.log", "postgres.log.1", "standby.signal", "recovery.signal", PASSFILE);

    private final EmbeddedPostgres primary;
    private final Path dataDir;
    private final boolean temporary;
    private final int port;
    private volatile EmbeddedPostgres standby;

    private StreamingReplica(EmbeddedPostgres primary, Path dataDir, boolean temporary, int port, EmbeddedPostgres standby) {
        this.primary = primary;
        this.dataDir = dataDir;
        this.temporary = temporary;
        this.port = port;
        this.standby = standby;
    }

    /**
     * Builds (or, for a kept standby directory, reuses) the standby of {@code primary} in
     * {@code dataDir} (empty: a temporary directory, removed on close), starts it on a free port and
     * returns once the primary reports it streaming. The replication role gets a new random
     * password.
     */
    public static StreamingReplica start(EmbeddedPostgres primary, Optional<Path> dataDir) {
        return start(primary, dataDir, Optional.empty());
    }

    /**
     * As {@link #start(EmbeddedPostgres, Optional)}, with the replication role's password given
     * (from configuration, e.g. an environment variable); empty: a new random one.
     */
    public static StreamingReplica start(EmbeddedPostgres primary, Optional<Path> dataDir, Optional<Secret> replicationPassword) {
        Path dir = null;
        boolean temporary = dataDir.isEmpty();
        try {
            dir = temporary ? Files.createTempDirectory("strata-pg-standby-").resolve("data") : dataDir.get().toAbsolutePath();
            Secret replPassword = replicationPassword.orElseGet(ServerPassword::generate);
            try (Connection c = connect(primary); Statement s = c.createStatement()) {
                String verifier = org.postgresql.util.PasswordUtil.encodeScramSha256(replPassword.reveal().toCharArray());
                // a verifier, never the password itself, goes into the statement (and so into no log)
                s.execute("DO $$BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '" + ROLE + "') THEN "
                        + "CREATE ROLE " + ROLE + " REPLICATION LOGIN; END IF; END$$");
                s.execute("ALTER ROLE " + ROLE + " REPLICATION LOGIN PASSWORD '" + verifier + "'");
                boolean kept = Files.exists(dir.resolve("PG_VERSION")) && Files.exists(dir.resolve("standby.signal"));
                if (!kept) {
                    baseBackup(c, primary.dataDir(), dir);
                } else {
                    s.execute("SELECT pg_create_physical_replication_slot('" + SLOT + "', true) WHERE NOT EXISTS "
                            + "(SELECT FROM pg_replication_slots WHERE slot_name = '" + SLOT + "')");
                }
            }
            writePassfile(dir, primary.port(), replPassword);
            if (!Files.exists(dir.resolve("standby.signal"))) {
                configure(dir, primary.port());
            }
            int port = Ports.free();
            EmbeddedPostgres standby = EmbeddedPostgres.start(Optional.of(dir), port, Durability.FAST);
            StreamingReplica r = new StreamingReplica(primary, dir, temporary, port, standby);
            try {
                r.awaitStreaming(START_WAIT);
            } catch (RuntimeException e) {
                r.close();
                throw e;
            }
            LOG.info("PostgreSQL hot standby on port {} streams from the primary on port {}", port, primary.port());
            return r;
        } catch (IOException | SQLException e) {
            if (temporary && dir != null) {
                EmbeddedPostgres.deleteRecursively(dir.getParent());
            }
            throw new StrataException(ErrorCode.EMBEDDED, "cannot start the PostgreSQL standby: " + e.getMessage(), e);
        }
    }

    /**
     * The base backup: slot first (it reserves WAL from now), then a non-exclusive
     * {@code pg_backup_start} on this connection, the copy, {@code pg_backup_stop} and its label.
     */
    private static void baseBackup(Connection c, Path source, Path target) throws IOException, SQLException {
        if (Files.isDirectory(target)) {
            try (var entries = Files.list(target)) {
                if (entries.findAny().isPresent()) {
                    throw new IOException(target + " is neither empty nor a standby's data directory; point it elsewhere or empty it");
                }
            }
        }
        try (Statement s = c.createStatement()) {
            s.execute("SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = '" + SLOT + "'");
            s.execute("SELECT pg_create_physical_replication_slot('" + SLOT + "', true)");
            s.execute("SELECT pg_backup_start('strata standby', true)");
            copyDataDirectory(source, target);
            try (ResultSet rs = s.executeQuery("SELECT labelfile, spcmapfile FROM pg_backup_stop(true)")) {
                rs.next();
                Files.writeString(target.resolve("backup_label"), rs.getString(1), StandardCharsets.UTF_8);
                String map = rs.getString(2);
                if (map != null && !map.isEmpty()) {
                    Files.writeString(target.resolve("tablespace_map"), map, StandardCharsets.UTF_8);
                }
            }
        }
    }

    private static void copyDataDirectory(Path source, Path target) throws IOException {
        Files.createDirectories(target, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rwx------"));
        Files.walkFileTree(source, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                Path rel = source.relativize(dir);
                Files.createDirectories(target.resolve(rel.toString()));
                if (rel.getNameCount() == 1 && EMPTIED.contains(rel.toString())) {
                    if (rel.toString().equals("pg_wal")) {
                        Files.createDirectories(target.resolve("pg_wal/archive_status"));
                    }
                    return FileVisitResult.SKIP_SUBTREE;
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Path rel = source.relativize(file);
                String name = file.getFileName().toString();
                if ((rel.getNameCount() == 1 && LEFT_OUT.contains(name)) || name.equals("pg_internal.init")
                        || name.startsWith("pgsql_tmp") || name.startsWith(ServerPassword.FILE + ".tmp-")) {
                    return FileVisitResult.CONTINUE;
                }
                try {
                    Files.copy(file, target.resolve(rel.toString()), StandardCopyOption.REPLACE_EXISTING,
                            StandardCopyOption.COPY_ATTRIBUTES);
                } catch (NoSuchFileException vanished) {
                    // dropped while we copied: WAL replay recreates what the standby needs
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                if (e instanceof NoSuchFileException) {
                    return FileVisitResult.CONTINUE;
                }
                throw e;
            }
        });
    }

    private static void writePassfile(Path dir, int primaryPort, Secret password) throws IOException {
        Path file = dir.resolve(PASSFILE);
        Files.deleteIfExists(file);
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        // host:port:database:user:password; "replication" is the database of a physical replication connection
        Files.writeString(file, "localhost:" + primaryPort + ":replication:" + ROLE + ":" + password.reveal() + "\n"
                + "127.0.0.1:" + primaryPort + ":replication:" + ROLE + ":" + password.reveal() + "\n", StandardCharsets.UTF_8);
    }

    private static void configure(Path dir, int primaryPort) throws IOException {
        String conninfo = "host=127.0.0.1 port=" + primaryPort + " user=" + ROLE + " passfile=" + dir.resolve(PASSFILE)
                + " application_name=" + SLOT;
        Files.writeString(dir.resolve("postgresql.auto.conf"), "\n# Written by Strata's StreamingReplica: follow the primary\n"
                + "primary_conninfo = '" + conninfo.replace("'", "''") + "'\n"
                + "primary_slot_name = '" + SLOT + "'\n"
                + "hot_standby = on\n", StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.CREATE,
                java.nio.file.StandardOpenOption.APPEND);
        Files.writeString(dir.resolve("standby.signal"), "", StandardCharsets.UTF_8);
    }

    /** Waits until the primary's {@code pg_stat_replication} shows this standby {@code streaming}. */
    public void awaitStreaming(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "not connected";
        while (true) {
            try (Connection c = connect(primary);
                 PreparedStatement ps = c.prepareStatement("SELECT state FROM pg_stat_replication WHERE application_name = ?")) {
                ps.setString(1, SLOT);
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        last = rs.getString(1);
                        if ("streaming".equals(last)) {
                            return;
                        }
                    }
                }
            } catch (SQLException e) {
                last = e.getMessage();
            }
            if (System.nanoTime() > deadline) {
                throw new StrataException(ErrorCode.EMBEDDED, "the PostgreSQL standby on port " + port + " does not stream within "
                        + timeout.toSeconds() + " s (" + last + "); see " + dataDir.resolve("postgres.log"));
            }
            sleep();
        }
    }

    /**
     * Waits until the standby has replayed everything the primary had written when this was called:
     * its WAL insert position, since with {@code synchronous_commit=off} the last commits may not
     * have been written out yet ({@code pg_current_wal_lsn()} lags behind them).
     */
    public void waitCaughtUp(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        String target;
        try (Connection c = connect(primary); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT pg_current_wal_insert_lsn()::text")) {
            rs.next();
            target = rs.getString(1);
        } catch (SQLException e) {
            throw new StrataException(ErrorCode.EMBEDDED, "cannot read the primary's WAL position: " + e.getMessage(), e);
        }
        String replayed = "unknown";
        while (true) {
            try (Connection c = connect(standby);
                 PreparedStatement ps = c.prepareStatement("SELECT pg_last_wal_replay_lsn()::text, "
                         + "coalesce(pg_last_wal_replay_lsn() >= ?::pg_lsn, false)")) {
                ps.setString(1, target);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    replayed = rs.getString(1);
                    if (rs.getBoolean(2)) {
                        return;
                    }
                }
            } catch (SQLException e) {
                replayed = e.getMessage();
            }
            if (System.nanoTime() > deadline) {
                throw new StrataException(ErrorCode.EMBEDDED, "the PostgreSQL standby has replayed up to " + replayed
                        + ", not the primary's " + target + ", after " + timeout.toSeconds() + " s");
            }
            sleep();
        }
    }

    /** Stops the standby and starts it again on the same port and data; it resumes from its slot. */
    public synchronized void restart() {
        standby.close();
        standby = EmbeddedPostgres.start(Optional.of(dataDir), port, Durability.FAST);
    }

    public EmbeddedPostgres standby() {
        return standby;
    }

    public String jdbcUrl() {
        return standby.jdbcUrl();
    }

    public String user() {
        return standby.user();
    }

    /** The superuser's password: the primary's, as the standby is a copy of it. */
    public Secret password() {
        return standby.password();
    }

    public int port() {
        return port;
    }

    public Path dataDir() {
        return dataDir;
    }

    /** The standby's passfile: the replication role's password, mode 0600, inside its data directory. */
    public Path passfile() {
        return dataDir.resolve(PASSFILE);
    }

    public String replicationUser() {
        return ROLE;
    }

    /** Stops the standby (never the primary); a temporary standby's directory is removed. */
    @Override
    public synchronized void close() {
        standby.close();
        if (temporary) {
            EmbeddedPostgres.deleteRecursively(dataDir.getParent());
        }
    }

    private static Connection connect(EmbeddedPostgres pg) throws SQLException {
        return DriverManager.getConnection(pg.jdbcUrl(), pg.user(), pg.password().reveal());
    }

    private static void sleep() {
        try {
            Thread.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StrataException(ErrorCode.EMBEDDED, "interrupted while waiting for the PostgreSQL standby", e);
        }
    }
}
