package dev.strata.ingest;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.strata.config.EnvResolver;
import dev.strata.config.ProjectConfig;
import dev.strata.config.ProjectLoader;
import dev.strata.runtime.Environment;
import dev.strata.testing.TestServers;
import dev.strata.testing.WarehouseUnderTest;
import dev.strata.warehouse.Warehouse;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * A landing test's world: a fresh database on the shared embedded PostgreSQL, a fresh topic on the
 * shared broker, a one-source project pointing at both, and helpers to produce and to query.
 */
final class LandingFixture implements AutoCloseable {
    static final ObjectMapper JSON = new ObjectMapper();
    final Warehouse warehouse;
    final String jdbcUrl;
    /** Which warehouse, and the credentials a child process or the CLI connects with. */
    final WarehouseUnderTest under;
    final String topic;
    final String source;
    final String pipeline;
    final int partitions;
    private final KafkaProducer<byte[], byte[]> producer;
    private final java.util.concurrent.atomic.AtomicReference<Exception> sendFailure =
            new java.util.concurrent.atomic.AtomicReference<>();

    LandingFixture(int partitions) {
        this(partitions, Map.of());
    }

    private LandingFixture(LandingFixture of, Warehouse other) {
        this.under = of.under;
        this.warehouse = other;
        this.jdbcUrl = null;
        this.topic = of.topic;
        this.source = of.source;
        this.pipeline = of.pipeline;
        this.partitions = of.partitions;
        this.producer = null;
    }

    /** The same topic and source, with queries against another warehouse (not closed by this view). */
    LandingFixture on(Warehouse other) {
        return new LandingFixture(this, other);
    }

    /** With topic configs, e.g. {@code max.message.bytes} for oversized records. */
    LandingFixture(int partitions, Map<String, String> topicConfig) {
        this(partitions, topicConfig, WarehouseUnderTest.postgres());
    }

    /** On a new database of {@code under} (e.g. {@link WarehouseUnderTest#mariadb()}). */
    LandingFixture(int partitions, WarehouseUnderTest under) {
        this(partitions, Map.of(), under);
    }

    private LandingFixture(int partitions, Map<String, String> topicConfig, WarehouseUnderTest under) {
        this.under = under;
        this.jdbcUrl = under.newDatabaseUrl();
        this.warehouse = Warehouse.connect(jdbcUrl, under.user(), under.password(), 8);
        this.warehouse.migrate();
        this.topic = TestServers.uniqueName("topic");
        this.source = "orders";
        this.pipeline = TestServers.uniqueName("p");
        this.partitions = partitions;
        try (Admin admin = TestServers.kafka().admin()) {
            admin.createTopics(List.of(new org.apache.kafka.clients.admin.NewTopic(topic, partitions, (short) 1)
                    .configs(topicConfig))).all().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("cannot create topic " + topic, e);
        }
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, TestServers.kafka().bootstrap());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, Integer.toString(256 * 1024));
        p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Integer.toString(16 << 20));
        // One request in flight: on a just-created topic the broker may refuse the first batch
        // (NOT_LEADER) and accept the next; its retry then fails as out of order and is lost
        // (same race as AutoMQ#584). With one in flight nothing overtakes a retried batch.
        p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "1");
        this.producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
    }

    /** The project YAML of one Kafka source; {@code sourceExtra} is indented YAML added under the source. */
    String yaml(String sourceExtra) {
        return "name: " + pipeline + "\n"
                + "sources:\n"
                + "  " + source + ":\n"
                + "    kafka:\n"
                + "      bootstrap: " + TestServers.kafka().bootstrap() + "\n"
                + "      topic: " + topic + "\n"
                + sourceExtra;
    }

    /** Writes {@code dir/strata.yaml} with this fixture's warehouse and source, for the CLI. */
    Path writeProject(Path dir, String sourceExtra) throws java.io.IOException {
        String yaml = yaml(sourceExtra).replaceFirst("\nsources:", "\nwarehouse:\n  url: " + jdbcUrl
                + "\n  user: " + under.user() + "\n  password: \"" + under.password().reveal() + "\"\nsources:");
        java.nio.file.Files.writeString(dir.resolve("strata.yaml"), yaml);
        return dir;
    }

    ProjectConfig project(String sourceExtra) {
        return new ProjectLoader(EnvResolver.of(Map.of())).parse(Path.of("."), yaml(sourceExtra), "strata.yaml");
    }

    Environment environment(String sourceExtra) {
        return new Environment(project(sourceExtra), warehouse, TestServers.kafka().bootstrap(), new SimpleMeterRegistry(),
                Clock.systemUTC(), "test-" + ProcessHandle.current().pid());
    }

    void send(int partition, String key, byte[] value) {
        send(new ProducerRecord<>(topic, partition, key == null ? null : key.getBytes(StandardCharsets.UTF_8), value));
    }

    void send(int partition, String key, String value) {
        send(partition, key, value == null ? null : value.getBytes(StandardCharsets.UTF_8));
    }

    void send(ProducerRecord<byte[], byte[]> record) {
        producer.send(record, (m, e) -> {
            if (e != null) {
                sendFailure.compareAndSet(null, e);
            }
        });
    }

    /** Waits until everything sent is acknowledged; fails if any send failed (the test would be void). */
    void flush() {
        producer.flush();
        if (sendFailure.get() != null) {
            throw new IllegalStateException("producing test data failed", sendFailure.get());
        }
    }

    /** An order message of about 200 bytes. */
    static String order(String id, int i) {
        return "{\"object_id\":\"" + id + "\",\"object_type\":\"order\",\"sent_dttm\":\"2022-10-01 12:"
                + String.format("%02d:%02d", (i / 60) % 60, i % 60) + "\",\"payload\":{\"user\":{\"id\":\"u-" + (i % 997)
                + "\",\"name\":\"Ann \\\"A\\\" Lee\"},\"cost\":" + (i % 1000) + "." + (i % 10) + ",\"status\":\"CLOSED\",\"items\":[\"p-"
                + (i % 31) + "\"]}}";
    }

    long scalar(String sql) throws SQLException {
        try (Connection c = warehouse.connection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    long rows() throws SQLException {
        return scalar("SELECT count(*) FROM stg." + source);
    }

    boolean stgExists() throws SQLException {
        return scalar("SELECT count(*) FROM information_schema.tables WHERE table_schema = 'stg' AND table_name = '"
                + source + "'") == 1;
    }

    /** Stored positions: partition → next offset. */
    Map<Integer, Long> positions() throws SQLException {
        Map<Integer, Long> out = new HashMap<>();
        try (Connection c = warehouse.connection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT partition_id, position FROM strata.source_positions WHERE pipeline = '"
                     + pipeline + "' AND source = '" + source + "'")) {
            while (rs.next()) {
                out.put(Integer.parseInt(rs.getString(1)), rs.getLong(2));
            }
        }
        return out;
    }

    /** The topic's end offsets per partition. */
    Map<Integer, Long> endOffsets() throws ExecutionException, InterruptedException {
        Map<Integer, Long> out = new HashMap<>();
        try (Admin admin = TestServers.kafka().admin()) {
            Map<TopicPartition, OffsetSpec> req = new HashMap<>();
            for (int p = 0; p < partitions; p++) {
                req.put(new TopicPartition(topic, p), OffsetSpec.latest());
            }
            admin.listOffsets(req).all().get(30, TimeUnit.SECONDS).forEach((tp, info) -> out.put(tp.partition(), info.offset()));
        } catch (java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException(e);
        }
        return out;
    }

    boolean caughtUp() throws Exception {
        return positions().equals(endOffsets());
    }

    List<String> strings(String sql) throws SQLException {
        List<String> out = new java.util.ArrayList<>();
        try (Connection c = warehouse.connection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }

    /**
     * What STG holds against what was produced (keyed sources). {@code attemptedDuplicates} counts
     * records a committed batch tried to insert although they were already landed: with the
     * position protocol working it is 0 — the unique key is a second line of defence, not the first.
     */
    record ExactlyOnce(int produced, long rows, long distinct, long missing, long unexpected, long attemptedDuplicates,
                       long batches, long deadLetters) {
        long duplicates() {
            return rows - distinct;
        }

        @Override
        public String toString() {
            return "produced=" + produced + " landed=" + rows + " duplicates=" + duplicates() + " missing=" + missing
                    + " unexpected=" + unexpected + " re-inserts attempted=" + attemptedDuplicates + " batches=" + batches
                    + " dead letters=" + deadLetters;
        }
    }

    ExactlyOnce exactlyOnce(java.util.Set<String> produced) throws SQLException {
        java.util.Set<String> landed = new java.util.HashSet<>(strings("SELECT _key FROM stg." + source));
        long missing = produced.stream().filter(k -> !landed.contains(k)).count();
        long unexpected = landed.stream().filter(k -> !produced.contains(k)).count();
        return new ExactlyOnce(produced.size(), rows(), scalar("SELECT count(DISTINCT _key) FROM stg." + source), missing,
                unexpected, scalar("SELECT coalesce(sum(duplicates), 0) FROM strata.landing_batches"),
                scalar("SELECT count(*) FROM strata.landing_batches"), scalar("SELECT count(*) FROM strata.dead_letters"));
    }

    @Override
    public void close() {
        if (producer != null) {
            producer.close();
            warehouse.close();
        }
    }
}
