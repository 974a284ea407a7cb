package dev.strata.embedded;

import dev.strata.config.Secret;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;

/**
 * The superuser password of an embedded server, one per data directory: generated on first use
 * (32 random letters and digits, so it needs no quoting in SQL or URLs) and kept in
 * {@code <data dir>/.strata-password}, readable by its owner only (mode 0600). Every Strata
 * process that starts or attaches to the server on that directory reads it from there; a user
 * reads it there too, to connect with a client.
 */
public final class ServerPassword {
    public static final String FILE = ".strata-password";
    private static final String ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    private static final SecureRandom RANDOM = new SecureRandom();

    private ServerPassword() {
    }

    /** The password of {@code dataDir}, created (and stored with mode 0600) when there is none yet. */
    public static Secret readOrCreate(Path dataDir) throws IOException {
        Path file = dataDir.resolve(FILE);
        if (Files.exists(file)) {
            String stored = Files.readString(file, StandardCharsets.UTF_8).trim();
            if (!stored.isEmpty()) {
                return Secret.of(stored);
            }
        }
        StringBuilder sb = new StringBuilder(32);
        for (int i = 0; i < 32; i++) {
            sb.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
        }
        // written to a private temporary file first, so the password is never readable by others,
        // not even for a moment, and a reader never sees half a file
        Path tmp = dataDir.resolve(FILE + ".tmp-" + ProcessHandle.current().pid());
        Files.deleteIfExists(tmp);
        Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(tmp, sb + "\n", StandardCharsets.UTF_8);
        try {
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException | FileAlreadyExistsException e) {
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
        }
        return Secret.of(sb.toString());
    }
}
