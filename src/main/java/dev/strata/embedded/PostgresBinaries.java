package dev.strata.embedded;

import io.zonky.test.db.postgres.embedded.DefaultPostgresBinaryResolver;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.tukaani.xz.XZInputStream;

/**
 * The PostgreSQL binaries ({@code initdb}, {@code pg_ctl}, {@code postgres}) of zonky's binaries
 * artifact, unpacked once per machine into the same cache zonky uses
 * ({@code <tmp>/embedded-pg/PG-<md5 of the archive>}, done when it holds {@code .exists}), so
 * Strata can run them itself: with its own authentication setup from {@code initdb} on, a reduced
 * environment, and restarts. Several processes unpacking at once serialize on a lock file.
 */
final class PostgresBinaries {
    private static volatile Path cached;

    private PostgresBinaries() {
    }

    /** The {@code bin} directory, unpacking the archive first if needed. */
    static Path binDir() throws IOException {
        Path dir = cached;
        if (dir == null) {
            synchronized (PostgresBinaries.class) {
                if (cached == null) {
                    cached = unpack();
                }
                dir = cached;
            }
        }
        return dir.resolve("bin");
    }

    private static Path unpack() throws IOException {
        String os = System.getProperty("os.name").toLowerCase(Locale.ROOT);
        String system = os.contains("win") ? "Windows" : os.contains("mac") ? "Darwin" : "Linux";
        String arch = System.getProperty("os.arch");
        arch = "amd64".equals(arch) ? "x86_64" : arch;
        byte[] archive;
        try (InputStream in = DefaultPostgresBinaryResolver.INSTANCE.getPgBinary(system, arch)) {
            archive = in.readAllBytes();
        }
        String digest;
        try {
            digest = HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(archive));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        Path workDir = Path.of(System.getProperty("ot.epg.working-dir", System.getProperty("java.io.tmpdir")), "embedded-pg");
        Path dir = workDir.resolve("PG-" + digest);
        Path done = dir.resolve(".exists");
        if (Files.exists(done)) {
            return dir;
        }
        Files.createDirectories(workDir);
        try (FileChannel lockFile = FileChannel.open(workDir.resolve("PG-" + digest + ".lock"), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE); FileLock ignored = lockFile.lock()) {
            if (Files.exists(done)) {
                return dir;   // another process unpacked it while this one waited
            }
            Files.createDirectories(dir);
            try (TarArchiveInputStream tar = new TarArchiveInputStream(new XZInputStream(new ByteArrayInputStream(archive)))) {
                TarArchiveEntry e;
                while ((e = tar.getNextEntry()) != null) {
                    Path target = dir.resolve(e.getName()).normalize();
                    if (!target.startsWith(dir)) {
                        throw new IOException("the PostgreSQL archive has an entry outside its folder: " + e.getName());
                    }
                    if (e.isDirectory()) {
                        Files.createDirectories(target);
                    } else if (e.isSymbolicLink() || e.isLink()) {
                        Files.createDirectories(target.getParent());
                        Files.deleteIfExists(target);
                        Files.createSymbolicLink(target, Path.of(e.getLinkName()));
                    } else {
                        Files.createDirectories(target.getParent());
                        try (OutputStream out = Files.newOutputStream(target)) {
                            tar.transferTo(out);
                        }
                        if ((e.getMode() & 0100) != 0 || e.getName().startsWith("bin/") || e.getName().startsWith("./bin/")) {
                            target.toFile().setExecutable(true, false);
                        }
                    }
                }
            }
            Files.createFile(done);
        }
        return dir;
    }
}
