package dev.strata.ingest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Reads a Kafka message that Debezium wrote through Kafka Connect ({@code format: debezium}) into the
 * STG shape a {@code cdc} source lands, so that one vault declaration reads both:
 * {@code _payload} is the change event's envelope ({@code before}, {@code after}, {@code source},
 * {@code op}, {@code ts_ms}, {@code transaction}), {@code _key} the record key as compact JSON
 * ({@code {"id":2}}), {@code _source_time} the envelope's {@code source.ts_ms} (when the change
 * happened on the source database, not when Connect wrote it to Kafka).
 *
 * <p>Connect's {@code JsonConverter} writes with schemas by default: {@code {"schema": …,
 * "payload": …}}; the {@code payload} is taken and the schema dropped (the cdc kind lands without
 * schemas too). Values written with {@code schemas.enable=false} are the envelope already.
 *
 * <p>A tombstone (null value: Debezium sends one after each delete so that log compaction can drop
 * the key; the delete itself came just before it) carries no change: it is {@linkplain Read#skipped
 * skipped}. A JSON object that is not a change event (no {@code op}) is rejected with a reason, into
 * dead letters; what is not JSON at all is passed on unchanged, for {@link RecordDecoder} to reject
 * as it rejects any other unreadable value. Thread-safe.
 */
final class DebeziumEnvelope {
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * One message read: {@code value} to land (null when {@code skipped} or rejected), {@code key}
     * text or null, {@code sourceMillis} or -1 when the envelope has none, and a {@code rejection}.
     */
    record Read(byte[] value, String key, long sourceMillis, RecordDecoder.Rejection rejection, boolean skipped) {
        static final Read SKIPPED = new Read(null, null, -1, null, true);
    }

    Read read(byte[] key, byte[] value) {
        if (value == null) {
            return Read.SKIPPED;
        }
        JsonNode root;
        try {
            root = JSON.readTree(value);
        } catch (IOException e) {
            return new Read(value, keyText(key), -1, null, false);   // unreadable: RecordDecoder says why
        }
        if (root == null || !root.isObject()) {
            return new Read(value, keyText(key), -1, null, false);
        }
        JsonNode envelope = unwrap(root);
        if (envelope.isNull()) {
            return Read.SKIPPED;   // a tombstone written with a schema
        }
        if (!envelope.isObject() || !envelope.path("op").isTextual()) {
            return new Read(null, null, -1, new RecordDecoder.Rejection(RecordDecoder.Reason.NOT_DEBEZIUM,
                    "not a Debezium change event: no \"op\" field (format: debezium expects {before, after, source, "
                            + "op, ts_ms}, or that inside {schema, payload} as Kafka Connect's JsonConverter writes it)"),
                    false);
        }
        JsonNode sourceTs = envelope.path("source").path("ts_ms");
        long millis = sourceTs.isIntegralNumber() ? sourceTs.asLong()
                : envelope.path("ts_ms").isIntegralNumber() ? envelope.path("ts_ms").asLong() : -1;
        byte[] landed = envelope == root ? value : bytes(envelope);
        return new Read(landed, keyText(key), millis, null, false);
    }

    /** {@code {"schema": …, "payload": X}} → X; anything else as it is. */
    private static JsonNode unwrap(JsonNode root) {
        if (root.size() == 2 && root.has("schema") && root.has("payload")) {
            return root.get("payload");
        }
        return root;
    }

    private static String keyText(byte[] key) {
        if (key == null) {
            return null;
        }
        try {
            JsonNode root = JSON.readTree(key);
            if (root != null && (root.isObject() || root.isArray())) {
                JsonNode k = unwrap(root);
                return k.isNull() ? null : k.isValueNode() ? k.asText() : JSON.writeValueAsString(k);
            }
        } catch (IOException e) {
            // not JSON: a key written by another converter, kept as its text
        }
        return new String(key, StandardCharsets.UTF_8);
    }

    private static byte[] bytes(JsonNode n) {
        try {
            return JSON.writeValueAsBytes(n);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a parsed JSON tree is always writable", e);
        }
    }
}
