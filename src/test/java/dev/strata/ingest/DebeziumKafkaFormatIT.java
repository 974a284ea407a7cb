package dev.strata.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.strata.config.EnvResolver;
import dev.strata.config.ProjectConfig;
import dev.strata.config.ProjectLoader;
import dev.strata.config.Secret;
import dev.strata.embedded.EmbeddedPostgres;
import dev.strata.runtime.Environment;
import dev.strata.testing.TestServers;
import dev.strata.vault.VaultLoader;
import dev.strata.warehouse.Warehouse;
import io.debezium.engine.ChangeEvent;
import io.debezium.engine.DebeziumEngine;
import io.debezium.engine.format.Json;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

/**
 * {@code format: debezium}: a Kafka topic written the way an existing Kafka Connect writes it —
 * Debezium's PostgreSQL connector through Connect's {@code JsonConverter} with schemas, and a
 * tombstone after each delete — lands into the STG shape a {@code cdc} source lands for the same
 * table, and the same vault declaration loads the same hubs and satellites from either.
 */
class DebeziumKafkaFormatIT {
    private static final String VAULT = """
            vault:
              hubs:
                h_account: { key: { account_id: integer }, from: { shop_accounts: $.after.id } }
              satellites:
                s_account:
                  parent: h_account
                  attributes: { owner: text, balance: integer, op: text }
                  from: { shop_accounts: { account_id: $.after.id, owner: $.after.owner, balance: $.after.balance, op: $.op } }
            """;

    @Test
    void shouldLandConnectWrittenDebeziumEventsAsACdcSourceLandsThemAndLoadTheSameVault() throws Exception {
        String topic = TestServers.uniqueName("dbz");
        TestServers.kafka().createTopic(topic, 1);
        try (CdcFixture f = new CdcFixture();
             Warehouse kafkaSide = Warehouse.connect(TestServers.newDatabaseUrl(), EmbeddedPostgres.USER, Secret.empty(), 4)) {
            kafkaSide.migrate();
            f.source("CREATE TABLE accounts (id int PRIMARY KEY, owner text, balance int)",
                    "ALTER TABLE accounts REPLICA IDENTITY FULL",
                    "INSERT INTO accounts VALUES (1, 'ann', 10), (2, 'bob', 20)");
            AtomicInteger produced = new AtomicInteger();
            String kafkaYaml = "name: " + f.pipeline + "\nsources:\n  shop_accounts:\n    kafka:\n      bootstrap: "
                    + TestServers.kafka().bootstrap() + "\n      topic: " + topic + "\n      format: debezium\n" + VAULT;
            ProjectConfig kafkaProject = new ProjectLoader(EnvResolver.of(Map.of())).parse(Path.of("."), kafkaYaml, "strata.yaml");
            ProjectConfig cdcProject = f.project(f.yaml(List.of("accounts"), "") + VAULT);
            Environment kafkaEnv = new Environment(kafkaProject, kafkaSide, TestServers.kafka().bootstrap(),
                    new SimpleMeterRegistry(), Clock.systemUTC(), "worker-test");
            ExecutorService connect = Executors.newSingleThreadExecutor();
            try (KafkaProducer<byte[], byte[]> producer = producer();
                 DebeziumEngine<ChangeEvent<String, String>> engine = connectStyleEngine(f, topic, producer, produced);
                 Landing cdc = Landing.start(f.environment(cdcProject));
                 Landing kafka = Landing.start(kafkaEnv)) {
                connect.submit(engine);
                await().atMost(Duration.ofSeconds(90)).until(() -> f.changes("accounts").size() == 2
                        && rows(kafkaSide).size() == 2);
                f.source("INSERT INTO accounts VALUES (3, 'cy', 30)",
                        "UPDATE accounts SET balance = 11 WHERE id = 1",
                        "DELETE FROM accounts WHERE id = 2");
                // not a change event: a message another producer put on the topic
                producer.send(new ProducerRecord<>(topic, null, "{\"hello\": 1}".getBytes(StandardCharsets.UTF_8))).get();
                await().atMost(Duration.ofSeconds(90)).until(() -> f.changes("accounts").size() == 5
                        && rows(kafkaSide).size() == 5
                        && count(kafkaSide, "SELECT count(*) FROM strata.dead_letters") == 1);
            } finally {
                connect.shutdownNow();
                await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> {
                    f.source("SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = '"
                            + f.slot + "_connect' AND NOT active");
                    return true;
                });
            }
            assertThat(produced.get()).as("Connect wrote 5 changes and the delete's tombstone").isEqualTo(6);
            List<String> fromCdc = rows(f.warehouse);
            List<String> fromKafka = rows(kafkaSide);
            assertThat(fromKafka).containsExactlyElementsOf(fromCdc);
            assertThat(fromKafka).extracting(r -> r.split(" \\| ")[1]).containsExactly("r", "r", "c", "u", "d");
            assertThat(fromKafka.get(4)).startsWith("{\"id\":2} | d | {\"id\": 2, \"owner\": \"bob\", \"balance\": 20} | null");
            // _source_time: when the change happened on the source (source.ts_ms), the same on both sides
            assertThat(sourceTimes(kafkaSide)).containsExactlyElementsOf(sourceTimes(f.warehouse));
            assertThat(text(kafkaSide, "SELECT reason FROM strata.dead_letters")).startsWith("not a Debezium change event");

            new VaultLoader(f.warehouse, f.pipeline, cdcProject.vault()).loadAll();
            new VaultLoader(kafkaSide, f.pipeline, kafkaProject.vault()).loadAll();
            String hub = "SELECT h_account_hk || ' ' || account_id FROM dds.h_account ORDER BY 1";
            String sat = "SELECT h_account_hk || ' ' || hashdiff || ' ' || coalesce(owner, '-') || ' ' "
                    + "|| coalesce(balance::text, '-') || ' ' || op FROM dds.s_account ORDER BY 1";
            assertThat(list(f.warehouse, hub)).hasSizeGreaterThanOrEqualTo(3);   // ids 1-3 (how a delete's null after loads is the vault's business)
            assertThat(list(kafkaSide, hub)).containsExactlyElementsOf(list(f.warehouse, hub));
            assertThat(list(kafkaSide, sat)).isNotEmpty().containsExactlyElementsOf(list(f.warehouse, sat));
        } finally {
            TestServers.kafka().admin().deleteTopics(List.of(topic));
        }
    }

    /**
     * What Kafka Connect does with Debezium's connector: the engine's records through Connect's
     * {@code JsonConverter} (schemas on, Connect's default), key and value, to the table's topic.
     */
    private static DebeziumEngine<ChangeEvent<String, String>> connectStyleEngine(CdcFixture f, String topic,
            KafkaProducer<byte[], byte[]> producer, AtomicInteger produced) {
        Properties p = new Properties();
        p.setProperty("name", "connect-" + f.slot);
        p.setProperty("connector.class", CdcLander.CONNECTOR_CLASS);
        p.setProperty("offset.storage", "org.apache.kafka.connect.storage.MemoryOffsetBackingStore");
        p.setProperty("offset.flush.interval.ms", "100");
        p.setProperty("topic.prefix", "connect");   // not "shop": the JMX names of the two connectors would clash
        p.setProperty("database.hostname", "localhost");
        p.setProperty("database.port", Integer.toString(f.server.port()));
        p.setProperty("database.user", EmbeddedPostgres.USER);
        p.setProperty("database.password", f.server.password().reveal());
        p.setProperty("database.dbname", f.sourceDb);
        p.setProperty("plugin.name", "pgoutput");
        p.setProperty("slot.name", f.slot + "_connect");
        p.setProperty("publication.name", "pub_" + f.slot + "_connect");
        p.setProperty("publication.autocreate.mode", "filtered");
        p.setProperty("table.include.list", "public\\.accounts");
        p.setProperty("decimal.handling.mode", "string");
        p.setProperty("converter.schemas.enable", "true");
        return DebeziumEngine.create(Json.class)
                .using(p)
                .notifying(event -> {
                    if (!event.destination().equals("connect.public.accounts")) {
                        return;
                    }
                    try {
                        producer.send(new ProducerRecord<>(topic, bytes(event.key()), bytes(event.value()))).get();
                        produced.incrementAndGet();
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                })
                .build();
    }

    private static byte[] bytes(String s) {
        return s == null ? null : s.getBytes(StandardCharsets.UTF_8);
    }

    private static KafkaProducer<byte[], byte[]> producer() {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, TestServers.kafka().bootstrap());
        return new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
    }

    /** STG rows of {@code stg.shop_accounts} in order: key, op, before, after (the change, as landed). */
    private static List<String> rows(Warehouse w) {
        return list(w, "SELECT _key || ' | ' || (_payload->>'op') || ' | ' || (_payload->'before')::text || ' | ' "
                + "|| (_payload->'after')::text FROM stg.shop_accounts ORDER BY _seq");
    }

    private static List<String> sourceTimes(Warehouse w) {
        return list(w, "SELECT _source_time::text || ' ' || _event_time::text FROM stg.shop_accounts "
                + "WHERE _payload->>'op' <> 'r' ORDER BY _seq");
    }

    private static List<String> list(Warehouse w, String sql) {
        List<String> out = new ArrayList<>();
        try (Connection c = w.connection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        } catch (SQLException e) {
            if ("42P01".equals(e.getSQLState())) {
                return List.of();
            }
            throw new IllegalStateException(e);
        }
        return out;
    }

    private static long count(Warehouse w, String sql) {
        List<String> l = list(w, sql);
        return l.isEmpty() ? 0 : Long.parseLong(l.get(0));
    }

    private static String text(Warehouse w, String sql) {
        List<String> l = list(w, sql);
        return l.isEmpty() ? null : l.get(0);
    }
}
