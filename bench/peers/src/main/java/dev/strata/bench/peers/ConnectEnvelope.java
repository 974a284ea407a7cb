package dev.strata.bench.peers;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.strata.bench.LandingBenchmark;

/**
 * The benchmark's messages as the Debezium JDBC sink reads them. The sink needs records with a
 * schema; without a schema registry (none here) its users send Kafka Connect's JSON envelope,
 * {@code {"schema": ..., "payload": ...}}, read by {@code JsonConverter} with
 * {@code schemas.enable=true}. The envelope carries the same fields as the plain message; the
 * nested {@code payload} object travels as a string of semantic type {@code io.debezium.data.Json}
 * with source column type {@code JSONB} (what Debezium's own PostgreSQL source emits for a jsonb
 * column), so the sink writes it to a jsonb column, as Strata and the other peers do. A record
 * is about 3 times the plain message; message i goes to partition {@code i % partitions}, like
 * the plain topic, so both topics hold the same messages at the same positions.
 */
final class ConnectEnvelope {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SCHEMA = "{\"type\":\"struct\",\"name\":\"order\",\"optional\":false,\"fields\":["
            + "{\"field\":\"object_id\",\"type\":\"string\",\"optional\":false},"
            + "{\"field\":\"object_type\",\"type\":\"string\",\"optional\":false},"
            + "{\"field\":\"sent_dttm\",\"type\":\"string\",\"optional\":false},"
            + "{\"field\":\"payload\",\"type\":\"string\",\"optional\":false,\"name\":\"io.debezium.data.Json\","
            + "\"parameters\":{\"__debezium.source.column.type\":\"JSONB\"}}]}";

    private ConnectEnvelope() {
    }

    /** Message i of {@link LandingBenchmark#message(int)} inside its Connect JSON envelope. */
    static byte[] message(int i) throws Exception {
        ObjectNode m = (ObjectNode) JSON.readTree(LandingBenchmark.message(i));
        m.put("payload", JSON.writeValueAsString(m.get("payload")));
        return ("{\"schema\":" + SCHEMA + ",\"payload\":" + JSON.writeValueAsString(m) + "}").getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    /** The table the sink writes for these records (pre-created: with tasks.max > 1 the tasks race on CREATE TABLE). */
    static String createTable(String table, boolean primaryKey) {
        return "CREATE TABLE " + table + " (object_id text NOT NULL, object_type text NOT NULL, sent_dttm text NOT NULL, "
                + "payload jsonb NOT NULL" + (primaryKey ? ", PRIMARY KEY (object_id)" : "") + ")";
    }

    /** SQL giving a row of that table back as the plain message. */
    static final String DOCUMENT = "jsonb_build_object('object_id', object_id, 'object_type', object_type, "
            + "'sent_dttm', sent_dttm, 'payload', payload)";

    /** Creates {@code topic} and sends it the envelopes of messages 0..count-1, as the plain topic was produced; rows/s. */
    static double produce(String bootstrap, String topic, int count, int partitions) throws Exception {
        return LandingBenchmark.produce(bootstrap, topic, partitions, count, ConnectEnvelope::message);
    }
}
