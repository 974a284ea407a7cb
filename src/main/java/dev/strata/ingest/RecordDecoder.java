package dev.strata.ingest;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import dev.strata.config.JsonPath;
import dev.strata.config.RecordFilter;
import java.io.IOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * Decides whether a record value can land, and extracts its dedup key and event time. A value can
 * land when it is at most {@code max_message_bytes}, valid UTF-8, one JSON object and nothing else,
 * and (with a {@code key:}) has a value at every key path. Everything else is rejected with a
 * reason meant for a person reading {@code strata dead-letters list}.
 *
 * <p>The key: a string, number or boolean counts by its text; an object or array by the MD5 (hex)
 * of its exact JSON text, so {@code key: [$.object_id, $.payload]} identifies exact re-deliveries
 * and {@code key: $} the whole record. One path gives that text as is (so {@code _key} reads like
 * the id it is); several are joined with {@code |}, each part escaped ({@code \} → {@code \\},
 * {@code |} → {@code \|}) so that different parts never join to the same key.
 *
 * <p>With a {@code filter:}, a well-formed object the filter does not select is {@linkplain
 * Decoded#skipped() skipped} — whatever its key — since it belongs to another source reading the
 * same stream. A value that cannot be read at all (too large, not UTF-8, not a JSON object) is
 * rejected by every source that reads it: none of them can tell whose it is.
 *
 * <p>Validation streams through the bytes once (no tree is built) so that the warehouse never
 * sees a value it would refuse. Thread-safe: holds no per-record state.
 */
final class RecordDecoder {
    private static final JsonFactory JSON = JsonFactory.builder().build();

    private final List<JsonPath> keyPaths;
    private final Optional<JsonPath> eventTimePath;
    private final Optional<RecordFilter> filter;
    private final long maxBytes;
    private final boolean rejectNul;
    private final Segment[][] key;
    private final Segment[] eventTime;
    private final Segment[] filterPath;

    /** Why a record was rejected: a stable category (a metric tag) and a sentence. */
    record Rejection(Reason reason, String message) {
    }

    /** Categories of rejection; the name is the metric tag. */
    enum Reason {
        TOMBSTONE, EMPTY, TOO_LARGE, NOT_UTF8, NOT_JSON, NOT_OBJECT, NOT_DEBEZIUM, MISSING_KEY, BAD_KEY, UNSTORABLE,
        REJECTED_BY_WAREHOUSE;

        String tag() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /**
     * The outcome for one value: either {@code rejection} is set, or it is {@code skipped} (not
     * selected by the source's filter), or the record lands with {@code key} (null when the source
     * has no key) and {@code eventTime} (canonical text, see {@link EventTimes}; null when absent or
     * unreadable; {@code eventTimeUnreadable} tells the two apart).
     */
    record Decoded(Rejection rejection, String key, String eventTime, boolean eventTimeUnreadable, boolean skipped) {
        static final Decoded SKIPPED = new Decoded(null, null, null, false, true);

        boolean accepted() {
            return rejection == null && !skipped;
        }

        static Decoded reject(Reason reason, String message) {
            return new Decoded(new Rejection(reason, message), null, null, false, false);
        }
    }

    private record Segment(String name, int index) {
        static Segment of(String s) {
            int idx = -1;
            if (!s.isEmpty() && s.chars().allMatch(Character::isDigit) && s.length() < 10) {
                idx = Integer.parseInt(s);
            }
            return new Segment(s, idx);
        }
    }

    RecordDecoder(Optional<JsonPath> keyPath, Optional<JsonPath> eventTimePath, long maxBytes, boolean rejectNul) {
        this(keyPath.map(List::of).orElse(List.of()), Optional.empty(), eventTimePath, maxBytes, rejectNul);
    }

    RecordDecoder(List<JsonPath> keyPaths, Optional<RecordFilter> filter, Optional<JsonPath> eventTimePath,
                  long maxBytes, boolean rejectNul) {
        this.keyPaths = List.copyOf(keyPaths);
        this.filter = filter;
        this.eventTimePath = eventTimePath;
        this.maxBytes = maxBytes;
        this.rejectNul = rejectNul;
        this.key = keyPaths.stream().map(RecordDecoder::segments).toArray(Segment[][]::new);
        this.eventTime = eventTimePath.map(RecordDecoder::segments).orElse(null);
        this.filterPath = filter.map(f -> segments(f.path())).orElse(null);
    }

    private static Segment[] segments(JsonPath p) {
        return p.segments().stream().map(Segment::of).toArray(Segment[]::new);
    }

    /** True when the source has an {@code event_time:} path. */
    boolean readsEventTime() {
        return eventTimePath.isPresent();
    }

    Decoded decode(byte[] value) {
        if (value == null) {
            return Decoded.reject(Reason.TOMBSTONE, "null value (a tombstone): there is no record to land");
        }
        if (value.length == 0) {
            return Decoded.reject(Reason.EMPTY, "empty value (0 bytes): expected a JSON object");
        }
        if (value.length > maxBytes) {
            return Decoded.reject(Reason.TOO_LARGE, "too large: " + value.length + " bytes, over max_message_bytes ("
                    + maxBytes + " bytes)");
        }
        int bad = Utf8.firstInvalid(value);
        if (bad >= 0) {
            return Decoded.reject(Reason.NOT_UTF8, "not valid UTF-8: invalid byte sequence at byte " + bad
                    + " (0x" + String.format("%02x", value[bad] & 0xff) + ")");
        }
        Decoded d;
        try (JsonParser p = JSON.createParser(value)) {
            d = walk(p, value);
        } catch (JsonProcessingException e) {
            var loc = e.getLocation();
            String where = loc == null ? "" : " at line " + loc.getLineNr() + ", column " + loc.getColumnNr();
            return Decoded.reject(Reason.NOT_JSON, "not valid JSON: " + e.getOriginalMessage() + where);
        } catch (IOException e) {
            return Decoded.reject(Reason.NOT_JSON, "not valid JSON: " + e.getMessage());
        }
        // After the walk, so that a record another source selects is skipped here, not refused.
        if (d.accepted() && rejectNul && containsNulEscape(value)) {
            return Decoded.reject(Reason.UNSTORABLE,
                    "contains the escaped NUL character \\u0000, which the warehouse's JSON type cannot store");
        }
        return d;
    }

    private Decoded walk(JsonParser p, byte[] value) throws IOException {
        JsonToken first = p.nextToken();
        if (first != JsonToken.START_OBJECT) {
            return Decoded.reject(Reason.NOT_OBJECT, "not a JSON object: the value is " + describe(first));
        }
        // The path of the current token: per depth, the field name or the array index.
        int cap = 16;
        String[] names = new String[cap];
        int[] indexes = new int[cap];
        boolean[] arrays = new boolean[cap];
        int depth = 1;
        int parts = key.length;
        String[] keyText = new String[parts];
        Rejection[] keyProblem = new Rejection[parts];
        boolean[] keyFound = new boolean[parts];
        int[] captureDepth = new int[parts];     // > 0 while inside an object or array that is a key part
        long[] captureStart = new long[parts];
        for (int i = 0; i < parts; i++) {
            if (key[i].length == 0) {            // $: the whole record
                keyFound[i] = true;
                keyText[i] = md5Hex(value, 0, value.length);
            }
        }
        String filterText = null;
        String eventAt = null;
        boolean eventUnreadable = false;
        JsonToken t;
        while (depth > 0 && (t = p.nextToken()) != null) {
            if (t == JsonToken.FIELD_NAME) {
                names[depth] = p.currentName();
                continue;
            }
            if (t == JsonToken.END_OBJECT || t == JsonToken.END_ARRAY) {
                for (int i = 0; i < parts; i++) {
                    if (captureDepth[i] == depth) {
                        captureDepth[i] = 0;
                        keyText[i] = md5Hex(value, captureStart[i], p.currentTokenLocation().getByteOffset() + 1);
                    }
                }
                depth--;
                continue;
            }
            if (arrays[depth]) {
                indexes[depth]++;
            }
            for (int i = 0; i < parts; i++) {
                if (key[i].length > 0 && matches(key[i], depth, names, indexes, arrays)) {
                    keyFound[i] = true;
                    keyText[i] = null;
                    keyProblem[i] = null;
                    captureDepth[i] = 0;
                    switch (t) {
                        case VALUE_STRING, VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT, VALUE_TRUE, VALUE_FALSE -> keyText[i] = p.getText();
                        case VALUE_NULL -> keyProblem[i] = new Rejection(Reason.MISSING_KEY, "missing key: "
                                + keyPaths.get(i) + " is null");
                        case START_OBJECT, START_ARRAY -> {
                            captureDepth[i] = depth + 1;
                            captureStart[i] = p.currentTokenLocation().getByteOffset();
                        }
                        default -> keyProblem[i] = new Rejection(Reason.BAD_KEY, "bad key: " + keyPaths.get(i) + " is "
                                + describe(t));
                    }
                }
            }
            if (filterPath != null && matches(filterPath, depth, names, indexes, arrays)) {
                filterText = switch (t) {
                    case VALUE_STRING, VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT, VALUE_TRUE, VALUE_FALSE -> p.getText();
                    default -> null;
                };
            }
            if (eventTime != null && matches(eventTime, depth, names, indexes, arrays)) {
                eventAt = null;
                eventUnreadable = false;
                switch (t) {
                    case VALUE_STRING -> {
                        eventAt = EventTimes.parse(p.getText()).orElse(null);
                        eventUnreadable = eventAt == null;
                    }
                    case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> {
                        eventAt = EventTimes.fromNumber(p.getDoubleValue()).orElse(null);
                        eventUnreadable = eventAt == null;
                    }
                    case VALUE_NULL -> {
                        // absent: NULL
                    }
                    default -> eventUnreadable = true;
                }
            }
            if (t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY) {
                depth++;
                if (depth == cap) {
                    cap *= 2;
                    names = Arrays.copyOf(names, cap);
                    indexes = Arrays.copyOf(indexes, cap);
                    arrays = Arrays.copyOf(arrays, cap);
                }
                arrays[depth] = t == JsonToken.START_ARRAY;
                indexes[depth] = -1;
                names[depth] = null;
            }
        }
        if (depth > 0) {
            return Decoded.reject(Reason.NOT_JSON, "not valid JSON: the object is not closed");
        }
        JsonToken after = p.nextToken();
        if (after != null) {
            return Decoded.reject(Reason.NOT_JSON, "not valid JSON: more content after the object (" + describe(after)
                    + " at line " + p.currentLocation().getLineNr() + ", column " + p.currentLocation().getColumnNr() + ")");
        }
        if (filter.isPresent() && !filter.get().selects(filterText)) {
            return Decoded.SKIPPED;
        }
        for (int i = 0; i < parts; i++) {
            if (keyProblem[i] != null) {
                return new Decoded(keyProblem[i], null, null, false, false);
            }
            if (!keyFound[i]) {
                return Decoded.reject(Reason.MISSING_KEY, "missing key: no value at " + keyPaths.get(i));
            }
        }
        return new Decoded(null, joinKey(keyText), eventAt, eventUnreadable, false);
    }

    /** One part as it is; several joined with '|', each escaped so that the joining is unambiguous. */
    private static String joinKey(String[] parts) {
        if (parts.length == 0) {
            return null;
        }
        if (parts.length == 1) {
            return parts[0];
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < parts.length; i++) {
            if (i > 0) {
                sb.append('|');
            }
            sb.append(parts[i].replace("\\", "\\\\").replace("|", "\\|"));
        }
        return sb.toString();
    }

    private static String md5Hex(byte[] bytes, long from, long to) {
        try {
            MessageDigest md5 = MessageDigest.getInstance("MD5");
            md5.update(bytes, (int) from, (int) (to - from));
            return HexFormat.of().formatHex(md5.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("MD5 is required of every Java runtime", e);
        }
    }

    private static boolean matches(Segment[] path, int depth, String[] names, int[] indexes, boolean[] arrays) {
        if (depth != path.length) {
            return false;
        }
        for (int level = 1; level <= depth; level++) {
            Segment s = path[level - 1];
            if (arrays[level] ? s.index() != indexes[level] : !s.name().equals(names[level])) {
                return false;
            }
        }
        return true;
    }

    private static String describe(JsonToken t) {
        if (t == null) {
            return "nothing";
        }
        return switch (t) {
            case START_ARRAY -> "an array";
            case START_OBJECT -> "an object";
            case VALUE_STRING -> "a string";
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
            case VALUE_TRUE, VALUE_FALSE -> "a boolean";
            case VALUE_NULL -> "null";
            default -> t.toString();
        };
    }

    /** True when the JSON text has the escape for U+0000 (a backslash not itself escaped, then u0000). */
    static boolean containsNulEscape(byte[] b) {
        for (int i = 0; i + 5 < b.length; i++) {
            if (b[i] == '\\' && b[i + 1] == 'u' && b[i + 2] == '0' && b[i + 3] == '0' && b[i + 4] == '0' && b[i + 5] == '0') {
                int backslashes = 0;
                for (int j = i; j >= 0 && b[j] == '\\'; j--) {
                    backslashes++;
                }
                if (backslashes % 2 == 1) {
                    return true;
                }
            }
        }
        return false;
    }
}
