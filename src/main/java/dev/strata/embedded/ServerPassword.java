package dev.strata.embedded;

import dev.strata.config.Secret;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Optional;
import java.util.Set;

/**
 * The generated superuser password of an embedded server (PostgreSQL, MariaDB, Redis), one per
 * data directory: 32 random letters and digits (190 bits; nothing to quote in SQL, URLs, a Redis
 * config or a shell) in {@value #FILE} inside that directory, readable by its owner only (mode
 * 0600, from the moment the file exists). Every Strata process that starts or attaches to the
 * server reads it from there; a user reads it there to connect with a client. Strata never prints
 * or logs it.
 */
public final class ServerPassword {
    public static final String FILE = ".strata-password";
    private static final String ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");
    private static final SecureRandom RANDOM = new SecureRandom();

    private ServerPassword() {
    }

    /** The password stored in {@code dir}, if there is a non-empty one. */
    public static Optional<Secret> read(Path dir) throws IOException {
        Path file = dir.resolve(FILE);
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        String stored = Files.readString(file, StandardCharsets.UTF_8).trim();
        return stored.isEmpty() ? Optional.empty() : Optional.of(Secret.of(stored));
    }

    /** The password of {@code dir}, generated and stored first when it has none. Safe against a concurrent first use. */
    public static Secret readOrCreate(Path dir) throws IOException {
        Optional<Secret> existing = read(dir);
        if (existing.isPresent()) {
            return existing.get();
        }
        Secret password = generate();
        Path tmp = writeTemporary(dir, password);
        try {
            install(tmp, dir);
        } catch (FileAlreadyExistsException raced) {
            Files.deleteIfExists(tmp);
            Optional<Secret> theirs = read(dir);
            if (theirs.isPresent()) {
                return theirs.get();   // another process stored one first: use it
            }
            // an empty file (a crash while an older Strata wrote it): replace it
            tmp = writeTemporary(dir, password);
            Files.move(tmp, dir.resolve(FILE), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        }
        return password;
    }

    /** A new random password, not stored anywhere yet. */
    static Secret generate() {
        StringBuilder sb = new StringBuilder(32);
        for (int i = 0; i < 32; i++) {
            sb.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
        }
        return Secret.of(sb.toString());
    }

    /**
     * Writes {@code password} to a new file in {@code dir}, created owner-only from the start so it
     * is never readable by others, not even for a moment (PostgreSQL's {@code initdb --pwfile} reads
     * such a file before the data directory exists), and returns its path.
     */
    static Path writeTemporary(Path dir, Secret password) throws IOException {
        Path tmp = Files.createTempFile(dir, FILE + ".tmp-", "", PosixFilePermissions.asFileAttribute(OWNER_ONLY));
        Files.writeString(tmp, password.reveal() + "\n", StandardCharsets.UTF_8);
        return tmp;
    }

    /**
     * Makes a file written by {@link #writeTemporary} {@code dir}'s password file, atomically and
     * only if {@code dir} has none yet (a hard link cannot replace an existing name); the temporary
     * file is gone afterwards either way.
     *
     * @throws FileAlreadyExistsException when {@code dir} already has a password file
     */
    static void install(Path temporary, Path dir) throws IOException {
        Path file = dir.resolve(FILE);
        try {
            if (temporary.getParent().equals(dir)) {
                Files.createLink(file, temporary);
            } else {
                Files.move(temporary, file);   // across directories: fails, rather than replaces, an existing file
            }
        } finally {
            Files.deleteIfExists(temporary);
        }
        Files.setPosixFilePermissions(file, OWNER_ONLY);
    }
}
