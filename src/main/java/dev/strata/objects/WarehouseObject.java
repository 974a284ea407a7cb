package dev.strata.objects;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * One SQL object of the project: the statements of {@code objects/<name>.sql} (or, for one
 * warehouse only, {@code objects/<warehouse>/<name>.sql}), which create or replace it.
 *
 * @param name     the file's name without {@code .sql}
 * @param file     the file as shown in messages
 * @param text     the file's statements, run as they are (not templated)
 * @param checksum SHA-256 of the text: the object is deployed again when it changes
 */
public record WarehouseObject(String name, String file, String text, String checksum) {
    public static WarehouseObject of(String name, String file, String text) {
        return new WarehouseObject(name, file, text, sha256(text));
    }

    static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
