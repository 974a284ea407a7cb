package dev.strata.vault;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.UUID;

/**
 * Strata's hashing standard, as Java: the reference that the SQL form ({@link HashSql}) must equal
 * bit for bit, and what scenario checks and tests compute expected keys with. The rules, one by
 * one (also in {@code docs/vault.md}):
 *
 * <ol>
 *   <li>Every value is first cast to text in its canonical form (the warehouse dialect's
 *       {@code canonicalText}: decimal digits for numbers, ISO 8601 UTC for timestamps, ...).</li>
 *   <li>Leading and trailing ASCII whitespace ({@link #WHITESPACE}) is trimmed.</li>
 *   <li>Business key parts are upper-cased, ASCII letters only ({@code a-z → A-Z}), so that a hash
 *       never depends on a database's locale or Unicode version; attributes keep their case.</li>
 *   <li>A key part that is NULL or empty after trimming is NULL. Attributes keep the empty string.</li>
 *   <li>Inside a value, {@code \} becomes {@code \\} and {@code |} becomes {@code \|}; NULL is
 *       written as the marker {@code \N}, which no escaped value can equal.</li>
 *   <li>The parts are joined with {@code |}, in declaration order. Because values are escaped, two
 *       different lists of parts never give the same text.</li>
 *   <li>The hash is MD5 over the UTF-8 bytes of that text, stored as a 16-byte {@code uuid}
 *       (the 32 hex digits of the digest, in order).</li>
 *   <li>A business key whose parts are all NULL hashes to the unknown key
 *       {@code 00000000-0000-0000-0000-000000000000} instead of being dropped.</li>
 * </ol>
 *
 * Thread-safe; no state.
 */
public final class HashStandard {
    /** The characters trimmed from both ends: space, tab, line feed, carriage return, form feed, vertical tab. */
    public static final String WHITESPACE = " \t\n\r\f\u000B";
    public static final char DELIMITER = '|';
    public static final char ESCAPE = '\\';
    /** How a NULL part is written; an escaped value never equals it. */
    public static final String NULL_MARKER = "\\N";
    /** The hash key of a business key whose parts are all NULL or empty. */
    public static final UUID UNKNOWN_KEY = new UUID(0L, 0L);
    /**
     * The key of the ghost records ({@code ghost_records: true}): all 128 bits set, so it is never
     * the unknown key (all zero) and is no business key's hash except by a 2^-128 chance, like any
     * two keys colliding.
     */
    public static final UUID GHOST_KEY = new UUID(-1L, -1L);

    private HashStandard() {
    }

    /** The hash key of a business key given as canonical text parts (null for NULL). */
    public static UUID hashKey(List<String> parts) {
        String[] normalized = new String[parts.size()];
        boolean allNull = true;
        for (int i = 0; i < normalized.length; i++) {
            normalized[i] = normalizeKeyPart(parts.get(i));
            allNull &= normalized[i] == null;
        }
        return allNull ? UNKNOWN_KEY : md5(encode(normalized));
    }

    /** The hashdiff of a satellite row's attributes, given as canonical text (null for NULL), in declaration order. */
    public static UUID hashDiff(List<String> attributes) {
        String[] normalized = new String[attributes.size()];
        for (int i = 0; i < normalized.length; i++) {
            normalized[i] = attributes.get(i) == null ? null : trim(attributes.get(i));
        }
        return md5(encode(normalized));
    }

    /**
     * Rule 9: the hashdiff of a multi-active satellite's set of rows — MD5 over the rows' own
     * hashdiffs written as 32 lower-case hex digits, sorted, concatenated — the same whatever the
     * order of the rows.
     */
    public static UUID setHashDiff(java.util.Collection<UUID> rowHashDiffs) {
        return md5(String.join("", rowHashDiffs.stream().map(HashStandard::hex).sorted().toList()));
    }

    /** A hash key's 32 lower-case hex digits, in order. */
    public static String hex(UUID key) {
        return key.toString().replace("-", "");
    }

    /** Rules 2–4 for a key part: trimmed, ASCII upper-cased, NULL when empty. */
    public static String normalizeKeyPart(String value) {
        if (value == null) {
            return null;
        }
        String t = asciiUpper(trim(value));
        return t.isEmpty() ? null : t;
    }

    /** Rules 5–6: the text that is hashed. */
    public static String encode(String... normalizedParts) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < normalizedParts.length; i++) {
            if (i > 0) {
                sb.append(DELIMITER);
            }
            String p = normalizedParts[i];
            if (p == null) {
                sb.append(NULL_MARKER);
                continue;
            }
            for (int j = 0; j < p.length(); j++) {
                char c = p.charAt(j);
                if (c == ESCAPE || c == DELIMITER) {
                    sb.append(ESCAPE);
                }
                sb.append(c);
            }
        }
        return sb.toString();
    }

    /** Rule 7: MD5 of the UTF-8 bytes as a uuid whose hex digits are the digest's, in order. */
    public static UUID md5(String text) {
        try {
            byte[] d = MessageDigest.getInstance("MD5").digest(text.getBytes(StandardCharsets.UTF_8));
            ByteBuffer b = ByteBuffer.wrap(d);
            return new UUID(b.getLong(), b.getLong());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has MD5", e);
        }
    }

    static String trim(String s) {
        int start = 0;
        int end = s.length();
        while (start < end && WHITESPACE.indexOf(s.charAt(start)) >= 0) {
            start++;
        }
        while (end > start && WHITESPACE.indexOf(s.charAt(end - 1)) >= 0) {
            end--;
        }
        return s.substring(start, end);
    }

    static String asciiUpper(String s) {
        char[] cs = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= 'a' && c <= 'z') {
                if (cs == null) {
                    cs = s.toCharArray();
                }
                cs[i] = (char) (c - ('a' - 'A'));
            }
        }
        return cs == null ? s : new String(cs);
    }
}
