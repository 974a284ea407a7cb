package dev.strata.config;

import java.util.Map;
import java.util.TreeMap;

/**
 * A Kafka topic as a source. {@code bootstrap} is {@code host:port,...} or {@code embedded} (the
 * broker that {@code strata demo} and tests start). {@code properties} are passed to the consumer
 * as-is (security settings, for instance); their values are masked in {@link #toString()}.
 */
public record KafkaSourceSpec(String bootstrap, String topic, String format, String group,
                              Map<String, String> properties) implements SourceSpec {
    public static final String EMBEDDED = "embedded";
    /** Each message value is one JSON object, landed as it is. */
    public static final String FORMAT_JSON = "json";
    /** Each message value is a Debezium change event (an existing Kafka Connect's topic), landed in a cdc source's STG shape. */
    public static final String FORMAT_DEBEZIUM = "debezium";

    public KafkaSourceSpec {
        properties = properties == null ? Map.of() : Map.copyOf(properties);
    }

    @Override
    public String kind() {
        return "kafka";
    }

    public boolean isDebezium() {
        return FORMAT_DEBEZIUM.equals(format);
    }

    public boolean isEmbedded() {
        return EMBEDDED.equals(bootstrap);
    }

    @Override
    public String toString() {
        Map<String, String> masked = new TreeMap<>();
        properties.keySet().forEach(k -> masked.put(k, "******"));
        return "KafkaSourceSpec[bootstrap=" + bootstrap + ", topic=" + topic + ", format=" + format
                + ", group=" + group + ", properties=" + masked + "]";
    }
}
