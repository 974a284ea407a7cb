package dev.strata.examples.webshop;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * kafka-datagen: sends registrations to {@code new_users_events} without a key (§3.2), each written
 * to the log ({@code registrations.jsonl}, one JSON object a line) before it is sent, so the ground
 * truth is what was sent. {@link #send} returns once the broker acknowledged every event
 * ({@code acks=all}, idempotent, one request in flight: they keep their order on the one partition).
 */
final class RegistrationProducer implements AutoCloseable {
    private final KafkaProducer<byte[], byte[]> producer;
    private final String topic;
    private final Path log;

    RegistrationProducer(String bootstrap, String topic, Path log) {
        this.topic = topic;
        this.log = log;
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "1");
        this.producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
    }

    /** Sends {@code events} in order, each logged first; returns how many the broker acknowledged. */
    long send(List<Registration> events) {
        try {
            Files.createDirectories(log.getParent());
            StringBuilder lines = new StringBuilder();
            events.forEach(e -> lines.append(new String(e.json(), StandardCharsets.UTF_8)).append('\n'));
            Files.writeString(log, lines, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the registrations log " + log, e);
        }
        List<Future<RecordMetadata>> sent = new ArrayList<>(events.size());
        for (Registration e : events) {
            sent.add(producer.send(new ProducerRecord<>(topic, null, e.json())));
        }
        producer.flush();
        long acked = 0;
        try {
            for (Future<RecordMetadata> f : sent) {
                f.get(60, TimeUnit.SECONDS);
                acked++;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted after " + acked + " acknowledged registrations", e);
        } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("the broker did not take registration " + (acked + 1) + ": " + e.getMessage(), e);
        }
        return acked;
    }

    @Override
    public void close() {
        producer.close();
    }
}
