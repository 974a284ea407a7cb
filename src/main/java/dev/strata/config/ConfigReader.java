package dev.strata.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;

/**
 * Reads one YAML mapping. Every key a parser asks for becomes a known key; {@link #finish()} then
 * reports the keys nobody asked for as unknown, with a "did you mean" suggestion. Duplicate keys
 * are problems too. Typical use:
 *
 * <pre>{@code
 * String topic = kafka.required("topic").flatMap(ConfigValue::asString).orElse(null);
 * int pool = warehouse.optional("pool_size").flatMap(ConfigValue::asInt).orElse(10);
 * kafka.finish();
 * }</pre>
 */
public final class ConfigReader {
    private final ConfigContext ctx;
    private final String path;
    private final Position position;
    private final Map<String, ConfigValue> values = new LinkedHashMap<>();
    private final Map<String, Position> keyPositions = new LinkedHashMap<>();
    private final Set<String> asked = new LinkedHashSet<>();

    ConfigReader(ConfigContext ctx, MappingNode node, String path, Position position) {
        this.ctx = ctx;
        this.path = path;
        this.position = position;
        for (NodeTuple t : node.getValue()) {
            Position keyPos = YamlDocument.position(ctx, t.getKeyNode());
            if (!(t.getKeyNode() instanceof ScalarNode k)) {
                ctx.problems().add(keyPos, path, "keys must be plain words");
                continue;
            }
            String key = k.getValue();
            String childPath = path.isEmpty() ? key : path + "." + key;
            if (values.containsKey(key)) {
                ctx.problems().add(keyPos, childPath, "duplicate key (first defined at line " + keyPositions.get(key).line() + ")");
                continue;
            }
            values.put(key, new ConfigValue(ctx, t.getValueNode(), childPath, keyPos));
            keyPositions.put(key, keyPos);
        }
    }

    /** The dotted key path of this mapping, e.g. {@code sources.orders.kafka}. */
    public String path() {
        return path;
    }

    public Position position() {
        return position;
    }

    /** The keys present, in file order. Does not mark them as known. */
    public List<String> keys() {
        return new ArrayList<>(values.keySet());
    }

    public boolean has(String key) {
        asked.add(key);
        return values.containsKey(key) && !values.get(key).isNull();
    }

    /** Where a key is written, for messages about the key itself rather than its value. */
    public Position keyPosition(String key) {
        return keyPositions.getOrDefault(key, position);
    }

    public Optional<ConfigValue> optional(String key) {
        asked.add(key);
        ConfigValue v = values.get(key);
        return v == null || v.isNull() ? Optional.empty() : Optional.of(v);
    }

    /** The value, or empty after recording "required" at this mapping. */
    public Optional<ConfigValue> required(String key) {
        Optional<ConfigValue> v = optional(key);
        if (v.isEmpty()) {
            problem(key, "required");
        }
        return v;
    }

    /** Records a problem about {@code key} of this mapping (at the key if present, else at the mapping). */
    public void problem(String key, String message) {
        ctx.problems().add(keyPosition(key), path.isEmpty() ? key : path + "." + key, message);
    }

    /** Records a problem about this mapping as a whole. */
    public void problem(String message) {
        ctx.problems().add(position, path, message);
    }

    // Shorthands for the common cases.

    public Optional<String> string(String key) {
        return optional(key).flatMap(ConfigValue::asString);
    }

    public String requiredString(String key) {
        return required(key).flatMap(ConfigValue::asString).orElse(null);
    }

    public int integer(String key, int defaultValue) {
        return optional(key).flatMap(ConfigValue::asInt).orElse(defaultValue);
    }

    public boolean bool(String key, boolean defaultValue) {
        return optional(key).flatMap(ConfigValue::asBoolean).orElse(defaultValue);
    }

    public Duration duration(String key, Duration defaultValue) {
        return optional(key).flatMap(ConfigValue::asDuration).orElse(defaultValue);
    }

    public long size(String key, long defaultValue) {
        return optional(key).flatMap(ConfigValue::asSize).orElse(defaultValue);
    }

    public Secret secret(String key) {
        return optional(key).flatMap(ConfigValue::asSecret).orElse(Secret.empty());
    }

    public Optional<ConfigReader> mapping(String key) {
        return optional(key).flatMap(ConfigValue::asMapping);
    }

    /**
     * A mapping whose keys are user-chosen names (sources, hubs, marts): each name is checked to be
     * a safe identifier, and each value is handed over as a {@link ConfigValue}.
     */
    public Map<String, ConfigValue> namedEntries(String key) {
        Map<String, ConfigValue> out = new LinkedHashMap<>();
        mapping(key).ifPresent(m -> {
            for (String name : m.keys()) {
                m.asked.add(name);
                if (!Identifiers.isSafe(name)) {
                    m.problem(name, name.isEmpty() ? "names must not be empty"
                            : "'" + name + "' is not a safe SQL name (" + Identifiers.RULE + ")");
                    continue;
                }
                out.put(name, m.values.get(name));
            }
        });
        return out;
    }

    /** Reports every key of this mapping that no parser asked for. Call once the mapping is read. */
    public void finish() {
        for (Map.Entry<String, Position> e : keyPositions.entrySet()) {
            if (!asked.contains(e.getKey())) {
                String key = e.getKey();
                ctx.problems().add(e.getValue(), path.isEmpty() ? key : path + "." + key,
                        "unknown key" + Suggestions.didYouMean(key, asked));
            }
        }
    }
}
