package dev.strata.examples.fooddelivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.strata.embedded.EmbeddedKafka;
import dev.strata.testing.TestServers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.LongStream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 20 item 12, the case a kill rarely hits: the generator logged messages (the log is written
 * before each send) that never reached the topic. The restarted generator sends exactly those, and
 * then continues the stream; the topic holds every logged message once.
 */
@Tag("reliability")
class OrderProducerIT {
    private static final long SEED = 7;

    @Test
    void shouldSendOnResumeExactlyTheLoggedMessagesTheTopicLacks(@TempDir Path dir) throws Exception {
        EmbeddedKafka kafka = TestServers.kafka();
        String topic = TestServers.uniqueName("orders");
        kafka.createTopic(topic, 4);
        Dictionaries dict = Dictionaries.generate(SEED, 50, 4, 25);
        Path file = dir.resolve("orders.log");

        // an earlier run: 120 messages logged, but only the first 105 reached the broker before the kill
        OrderStream earlier = new OrderStream(dict, SEED, OrderStream.Profile.defaults());
        try (OrderLog log = OrderLog.append(file); KafkaProducer<byte[], byte[]> p = producer(kafka)) {
            for (int i = 0; i < 120; i++) {
                OrderMessage m = earlier.next();
                log.write(m);
                if (i < 105) {
                    ProducerRecord<byte[], byte[]> r = new ProducerRecord<>(topic,
                            m.objectId() < 0 ? null : Long.toString(m.objectId()).getBytes(StandardCharsets.UTF_8), m.value());
                    r.headers().add(OrderProducer.INDEX_HEADER, Long.toString(m.index()).getBytes(StandardCharsets.UTF_8));
                    p.send(r).get();
                }
            }
        }
        assertThat(indices(kafka, topic)).hasSize(105);

        try (OrderProducer resumed = new OrderProducer(new OrderStream(dict, SEED, OrderStream.Profile.defaults()),
                kafka.bootstrap(), topic, file, 500)) {
            assertThat(resumed.resent()).as("the 15 logged messages the topic lacked").isEqualTo(15);
            assertThat(resumed.sent()).isEqualTo(120);
            assertThat(indices(kafka, topic)).containsExactlyInAnyOrderElementsOf(LongStream.range(0, 120).boxed().toList());

            resumed.start();
            await().atMost(Duration.ofSeconds(30)).until(() -> resumed.sent() >= 300);
            resumed.stop();
            long sent = resumed.sent();
            assertThat(OrderLog.read(file)).extracting(OrderMessage::index)
                    .containsExactlyElementsOf(LongStream.range(0, sent).boxed().toList());
            assertThat(indices(kafka, topic)).containsExactlyInAnyOrderElementsOf(LongStream.range(0, sent).boxed().toList());
        }

        // stopped cleanly: a second resume has nothing to send again
        try (OrderProducer again = new OrderProducer(new OrderStream(dict, SEED, OrderStream.Profile.defaults()),
                kafka.bootstrap(), topic, file, 500)) {
            assertThat(again.resent()).isZero();
        }
    }

    private static KafkaProducer<byte[], byte[]> producer(EmbeddedKafka kafka) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrap());
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        return new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
    }

    /** The stream index of every record in the topic, in no particular order (duplicates kept). */
    private static List<Long> indices(EmbeddedKafka kafka, String topic) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrap());
        List<Long> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> parts = c.partitionsFor(topic).stream().map(i -> new TopicPartition(topic, i.partition())).toList();
            c.assign(parts);
            c.seekToBeginning(parts);
            Map<TopicPartition, Long> ends = c.endOffsets(parts);
            while (parts.stream().anyMatch(tp -> c.position(tp) < ends.get(tp))) {
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
                    out.add(Long.parseLong(new String(r.headers().lastHeader(OrderProducer.INDEX_HEADER).value(),
                            StandardCharsets.UTF_8)));
                }
            }
        }
        return out;
    }
}
