package dev.strata.config;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The small JSON path subset used in config: {@code $.payload.user.id}, {@code $.items[0].id},
 * {@code $['odd key']}. Each segment is a field name or an array index. Dialects turn it into SQL
 * ({@code payload #>> '{payload,user,id}'}); {@code JsonPaths} evaluates it in Java for tests.
 */
public record JsonPath(String text, List<String> segments) {
    private static final Pattern SEGMENT = Pattern.compile(
            "\\.([A-Za-z_][A-Za-z0-9_-]*)|\\[(\\d+)]|\\['([^']*)']");

    public JsonPath {
        segments = List.copyOf(segments);
    }

    /** Parses {@code $.a.b[0]}; throws {@link IllegalArgumentException} explaining the syntax otherwise. */
    public static JsonPath parse(String text) {
        String t = text.trim();
        if (!t.startsWith("$")) {
            throw new IllegalArgumentException("a JSON path starts with '$', such as $.payload.user.id; got '" + text + "'");
        }
        List<String> segs = new ArrayList<>();
        Matcher m = SEGMENT.matcher(t);
        int at = 1;
        while (at < t.length()) {
            if (!m.find(at) || m.start() != at) {
                throw new IllegalArgumentException("cannot read JSON path '" + text + "' at character " + (at + 1)
                        + " (use $.field, [index] or ['field name'])");
            }
            segs.add(m.group(1) != null ? m.group(1) : m.group(2) != null ? m.group(2) : m.group(3));
            at = m.end();
        }
        return new JsonPath(t, segs);
    }

    /** True when the path has no segments, i.e. {@code $}: the whole document. */
    public boolean isRoot() {
        return segments.isEmpty();
    }

    /** The last segment, useful as a default column name ({@code $.payload.user.id} → {@code id}). */
    public String lastSegment() {
        return segments.isEmpty() ? "" : segments.get(segments.size() - 1);
    }

    @Override
    public String toString() {
        return text;
    }
}
