package dev.strata.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import dev.strata.testing.TestServers;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

class EmbeddedKafkaIT {

    @Test
    void shouldDeliverTenThousandMessagesThroughTheInProcessBroker() {
        EmbeddedKafka kafka = TestServers.kafka();
        String topic = TestServers.uniqueName("roundtrip");
        kafka.createTopic(topic, 4);
        int n = 10_000;

        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrap());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        // One request in flight: on a just-created topic the broker may refuse a first batch and accept the
        // next, and the refused batch's retry is then lost as out of order (see LandingFixture).
        p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "1");
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (int i = 0; i < n; i++) {
                byte[] value = ("{\"id\":" + i + "}").getBytes(StandardCharsets.UTF_8);
                producer.send(new ProducerRecord<>(topic, String.valueOf(i).getBytes(StandardCharsets.UTF_8), value));
            }
            producer.flush();
        }

        Properties c = new Properties();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrap());
        c.put(ConsumerConfig.GROUP_ID_CONFIG, topic + "-reader");
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        Set<String> seen = new HashSet<>();
        int records = 0;
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            while (records < n && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    records++;
                    seen.add(new String(r.value(), StandardCharsets.UTF_8));
                }
            }
        }
        assertThat(records).isEqualTo(n);
        assertThat(seen).hasSize(n).contains("{\"id\":0}", "{\"id\":9999}");
    }
}
