package dev.strata.bench.peers;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.connect.connector.policy.AllConnectorClientConfigOverridePolicy;
import org.apache.kafka.connect.connector.policy.ConnectorClientConfigOverridePolicy;
import org.apache.kafka.connect.json.JsonConverter;
import org.apache.kafka.connect.runtime.Worker;
import org.apache.kafka.connect.runtime.isolation.Plugins;
import org.apache.kafka.connect.runtime.standalone.StandaloneConfig;
import org.apache.kafka.connect.runtime.standalone.StandaloneHerder;
import org.apache.kafka.connect.storage.FileOffsetBackingStore;
import org.apache.kafka.connect.util.FutureCallback;

/**
 * Peer: the Debezium JDBC sink connector in Kafka Connect standalone mode, inside this JVM. The
 * worker is what {@code connect-standalone.sh} builds (plugins, a file offset store, a
 * {@link StandaloneHerder}) minus the REST server, which only receives connector configs: they are
 * handed to the herder directly, as a {@code .properties} file on the command line would be.
 *
 * <p>Settings are those a user tuning for throughput would choose (measured best here,
 * ../shared/peers/RESULTS.md): {@code tasks.max=2} (the topic has 4 partitions; 1 task lands
 * about 40k rows/s, 4 tasks no more than 2 on 2 cores), {@code batch.size=5000} with the sink's
 * consumer fetching as many ({@code consumer.override.max.poll.records}; Debezium's default
 * batch, 500, is ~10 % slower), {@code JsonConverter} with schemas (see {@link ConnectEnvelope}).
 * Everything else is the sink's default.
 */
final class DebeziumJdbcSink implements AutoCloseable {
    private final StandaloneHerder herder;
    private final Visible.Pg pg;
    private final int tasks;
    private final int batch;

    private DebeziumJdbcSink(StandaloneHerder herder, Visible.Pg pg, int tasks, int batch) {
        this.herder = herder;
        this.pg = pg;
        this.tasks = tasks;
        this.batch = batch;
    }

    static DebeziumJdbcSink start(String bootstrap, Visible.Pg pg, Path scratch, int tasks, int batch) {
        Map<String, String> props = new HashMap<>();
        props.put("bootstrap.servers", bootstrap);
        props.put("key.converter", "org.apache.kafka.connect.storage.StringConverter");
        props.put("value.converter", JsonConverter.class.getName());
        props.put("value.converter.schemas.enable", "true");
        props.put("offset.storage.file.filename", scratch.resolve("connect.offsets").toString());
        // the connectors are on the class path and declare themselves to ServiceLoader: no scan of 350 MB of jars
        props.put("plugin.discovery", "service_load");
        // consumer.override.* in a connector's config needs a worker that allows it
        props.put("connector.client.config.override.policy", "All");
        StandaloneConfig config = new StandaloneConfig(props);
        Plugins plugins = new Plugins(props);
        ConnectorClientConfigOverridePolicy policy = new AllConnectorClientConfigOverridePolicy();
        JsonConverter offsetKeys = new JsonConverter();
        offsetKeys.configure(Map.of("schemas.enable", "false"), true);
        FileOffsetBackingStore offsets = new FileOffsetBackingStore(offsetKeys);
        offsets.configure(config);
        Worker worker = new Worker("strata-bench-peers", Time.SYSTEM, plugins, config, offsets, policy);
        StandaloneHerder herder = new StandaloneHerder(worker, config.kafkaClusterId(), policy);
        herder.start();
        return new DebeziumJdbcSink(herder, pg, tasks, batch);
    }

    /** Submits a connector that lands {@code topic} into {@code table} ({@code upsert}: on primary key object_id). */
    void submit(String name, String topic, String table, boolean upsert) throws Exception {
        Map<String, String> c = new HashMap<>();
        c.put("name", name);
        c.put("connector.class", "io.debezium.connector.jdbc.JdbcSinkConnector");
        c.put("tasks.max", Integer.toString(tasks));
        c.put("topics", topic);
        c.put("connection.url", pg.url());
        c.put("connection.username", pg.user());
        c.put("connection.password", pg.password());
        c.put("insert.mode", upsert ? "upsert" : "insert");
        c.put("primary.key.mode", upsert ? "record_value" : "none");
        if (upsert) {
            c.put("primary.key.fields", "object_id");
        }
        c.put("schema.evolution", "basic");
        c.put("collection.name.format", table);
        c.put("batch.size", Integer.toString(batch));
        c.put("consumer.override.max.poll.records", Integer.toString(batch));
        FutureCallback<Object> done = new FutureCallback<>();
        herder.putConnectorConfig(name, c, false, (e, r) -> done.onCompletion(e, r));
        done.get(60, TimeUnit.SECONDS);
    }

    void delete(String name) throws Exception {
        FutureCallback<Object> done = new FutureCallback<>();
        herder.deleteConnectorConfig(name, (e, r) -> done.onCompletion(e, r));
        done.get(60, TimeUnit.SECONDS);
    }

    String settings(boolean upsert) {
        return (upsert ? "insert.mode=upsert, primary key object_id (INSERT ... ON CONFLICT DO UPDATE)"
                : "insert.mode=insert, no key") + ", tasks.max=" + tasks + ", batch.size=" + batch + ", max.poll.records=" + batch
                + ", JsonConverter schemas.enable=true";
    }

    @Override
    public void close() {
        herder.stop();
    }
}
