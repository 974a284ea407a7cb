package dev.strata.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.strata.config.EnvResolver;
import dev.strata.config.ProjectLoader;
import dev.strata.embedded.EmbeddedKafka;
import dev.strata.embedded.Ports;
import dev.strata.runtime.Environment;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The broker goes away for several seconds and comes back on the same ports: the lander notices
 * (a warning and {@code strata.landing.broker_disconnects}), keeps its place, and lands what was
 * produced before and after exactly once.
 */
class BrokerOutageIT {

    @Test
    void shouldResumeAndLandEachMessageOnceAfterTheBrokerIsDownForAWhile(@TempDir Path dir) throws Exception {
        int port = Ports.free();
        int controllerPort = Ports.free();
        EmbeddedKafka kafka = EmbeddedKafka.start(Optional.of(dir.resolve("kafka")), port, controllerPort);
        try (LandingFixture f = new LandingFixture(2)) {
            String topic = "outage";
            kafka.createTopic(topic, 2);
            String yaml = "name: " + f.pipeline + "\nsources:\n  orders:\n    kafka: { bootstrap: \"" + kafka.bootstrap()
                    + "\", topic: " + topic + " }\n    key: $.object_id\n";
            Environment env = new Environment(new ProjectLoader(EnvResolver.of(Map.of())).parse(dir, yaml, "strata.yaml"),
                    f.warehouse, null, new SimpleMeterRegistry(), Clock.systemUTC(), "worker-broker-outage");
            Set<String> produced = new HashSet<>();
            try (Landing ignored = Landing.start(env)) {
                produce(kafka, topic, 0, 2000, produced);
                await().atMost(Duration.ofSeconds(60)).until(() -> f.rows() == 2000);

                kafka.close();
                await().atMost(Duration.ofSeconds(60)).until(() ->
                        env.metrics().get("strata.landing.broker_disconnects").counter().count() >= 1);
                kafka = EmbeddedKafka.start(Optional.of(dir.resolve("kafka")), port, controllerPort);

                produce(kafka, topic, 2000, 4000, produced);
                await().atMost(Duration.ofSeconds(90)).until(() -> f.rows() == 4000);
            }
            LandingFixture.ExactlyOnce result = f.exactlyOnce(produced);
            System.out.printf("broker outage test: %s%n", result);
            assertThat(result.missing()).isZero();
            assertThat(result.duplicates()).isZero();
            assertThat(result.attemptedDuplicates()).isZero();
        } finally {
            kafka.close();
        }
    }

    private static void produce(EmbeddedKafka kafka, String topic, int from, int to, Set<String> ids) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrap());
        p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "1");
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (int i = from; i < to; i++) {
                producer.send(new ProducerRecord<>(topic, i % 2, null,
                        LandingFixture.order("o-" + i, i).getBytes(StandardCharsets.UTF_8)));
                ids.add("o-" + i);
            }
            producer.flush();
        }
    }
}
