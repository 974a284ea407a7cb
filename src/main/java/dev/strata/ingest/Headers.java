package dev.strata.ingest;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BinaryNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Header;

/**
 * Kafka message headers as the JSON object stored in {@code _headers} and in dead letters:
 * {@code {"name": "value"}}; a name that occurs more than once maps to an array of its values in
 * order; a value that is not valid UTF-8 (or holds a NUL character) is written as base64 text; a
 * null value is JSON null.
 */
final class Headers {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private Headers() {
    }

    /** The JSON text, or null when there are no headers. */
    static String toJson(org.apache.kafka.common.header.Headers headers) {
        if (headers == null) {
            return null;
        }
        Header[] all = headers.toArray();
        if (all.length == 0) {
            return null;
        }
        java.util.Map<String, java.util.List<JsonNode>> byName = new java.util.LinkedHashMap<>();
        for (Header h : all) {
            byName.computeIfAbsent(h.key().replace('\0', '\uFFFD'), k -> new java.util.ArrayList<>()).add(value(h.value()));
        }
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        byName.forEach((name, values) -> {
            if (values.size() == 1) {
                o.set(name, values.get(0));
            } else {
                ArrayNode arr = o.putArray(name);
                values.forEach(arr::add);
            }
        });
        try {
            return MAPPER.writeValueAsString(o);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("cannot write headers as JSON", e);
        }
    }

    private static JsonNode value(byte[] b) {
        if (b == null) {
            return JsonNodeFactory.instance.nullNode();
        }
        if (Utf8.firstInvalid(b) < 0) {
            boolean nul = false;
            for (byte x : b) {
                if (x == 0) {
                    nul = true;
                    break;
                }
            }
            if (!nul) {
                return TextNode.valueOf(new String(b, StandardCharsets.UTF_8));
            }
        }
        return BinaryNode.valueOf(b);
    }
}
