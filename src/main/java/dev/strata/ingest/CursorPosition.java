package dev.strata.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A JDBC source's position: the last cursor-column value landed (as text, compared by the source
 * in the column's own type), or null before the first load. {@code version} is the compare-and-set
 * token, incremented by every move ({@link #next}). Stored as {@code {"cursor": "..."}}.
 */
public record CursorPosition(String stream, long version, String cursor) implements SourcePosition {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The position before anything has landed. */
    public static CursorPosition start(String stream) {
        return new CursorPosition(stream, 0, null);
    }

    /** This position moved to {@code newCursor}. */
    public CursorPosition next(String newCursor) {
        return new CursorPosition(stream, version + 1, newCursor);
    }

    @Override
    public long token() {
        return version;
    }

    @Override
    public String detailJson() {
        ObjectNode o = JSON.createObjectNode();
        o.put("cursor", cursor);
        return o.toString();
    }

    public static CursorPosition of(StoredPosition stored) {
        String cursor = null;
        if (stored.detailJson() != null) {
            try {
                JsonNode n = JSON.readTree(stored.detailJson()).get("cursor");
                cursor = n == null || n.isNull() ? null : n.asText();
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new IllegalStateException("strata.source_positions.detail of stream " + stored.stream()
                        + " is not a cursor position: " + stored.detailJson(), e);
            }
        }
        return new CursorPosition(stored.stream(), stored.token(), cursor);
    }
}
