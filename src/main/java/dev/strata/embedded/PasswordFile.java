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
import java.util.Base64;
import java.util.Optional;
import java.util.Set;

/**
 * The generated password of an embedded server: 192 random bits, base64url, in a file
 * {@value #NAME} readable by its owner only (mode 0600) inside the server's own directory. The
 * file is the only place the password is kept; Strata reads it to connect and never prints it.
 */
final class PasswordFile {
    static final String NAME = ".strata-password";
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");
    private static final SecureRandom RANDOM = new SecureRandom();

    private PasswordFile() {
    }

    /** The password in {@code dir}'s file, if there is one. */
    static Optional<Secret> read(Path dir) throws IOException {
        Path file = dir.resolve(NAME);
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        return Optional.of(Secret.of(Files.readString(file, StandardCharsets.UTF_8).trim()));
    }

    /** A new random password, not yet stored. */
    static Secret generate() {
        byte[] bytes = new byte[24];
        RANDOM.nextBytes(bytes);
        return Secret.of(Base64.getUrlEncoder().withoutPadding().encodeToString(bytes));
    }

    /**
     * Writes {@code password} to a new owner-only file in {@code dir} (created 0600 from the start,
     * so it is never readable by others, even for a moment) and returns its path.
     */
    static Path writeTemporary(Path dir, Secret password) throws IOException {
        Path tmp = Files.createTempFile(dir, ".strata-pw-", ".tmp", PosixFilePermissions.asFileAttribute(OWNER_ONLY));
        Files.writeString(tmp, password.reveal() + "\n", StandardCharsets.UTF_8);
        return tmp;
    }

    /** Moves a file made by {@link #writeTemporary} into place as {@code dir}'s password file. */
    static void install(Path temporary, Path dir) throws IOException {
        Path file = dir.resolve(NAME);
        if (Files.exists(file)) {
            throw new FileAlreadyExistsException(file.toString());
        }
        Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE);
        Files.setPosixFilePermissions(file, OWNER_ONLY);
    }

    /** The password of {@code dir}, generated and stored first if it has none. */
    static Secret readOrCreate(Path dir) throws IOException {
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
            return read(dir).orElseThrow();
        }
        return password;
    }
}
