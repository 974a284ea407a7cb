package dev.strata.ingest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Map;
import java.util.TreeMap;

/**
 * A change-data-capture position, opaque to Strata: the connector's own offset as named fields
 * (a PostgreSQL LSN {@code {"lsn": "0/16B3748"}}; a MySQL binlog {@code {"file": "binlog.000003",
 * "pos": "1234", "gtids": "..."}}), handed back to the connector unchanged. {@code version} is the
 * compare-and-set token, incremented by every move ({@link #next}).
 */
public record CdcOffset(String stream, long version, Map<String, String> offset) implements SourcePosition {
    private static final ObjectMapper JSON = new ObjectMapper();

    public CdcOffset {
        offset = java.util.Collections.unmodifiableMap(new TreeMap<>(offset));
    }

    /** This position moved to {@code newOffset}. */
    public CdcOffset next(Map<String, String> newOffset) {
        return new CdcOffset(stream, version + 1, newOffset);
    }

    @Override
    public long token() {
        return version;
    }

    @Override
    public String detailJson() {
        try {
            return JSON.writeValueAsString(offset);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    public static CdcOffset of(StoredPosition stored) {
        try {
            Map<String, String> offset = stored.detailJson() == null ? Map.of()
                    : JSON.readValue(stored.detailJson(), new TypeReference<Map<String, String>>() { });
            return new CdcOffset(stored.stream(), stored.token(), offset);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("strata.source_positions.detail of stream " + stored.stream()
                    + " is not a CDC offset: " + stored.detailJson(), e);
        }
    }
}
