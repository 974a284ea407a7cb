package dev.strata.examples.fintech;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Sends generated fintech messages to one topic, in send order, as the course's provider service
 * did: both object types on the same topic, duplicates sent again as exact copies. Messages are
 * keyed by what must stay in order: a transaction by its operation (its status messages stay in
 * one partition, in order), a rate by its currency pair (a pair's rates arrive in date order, as
 * the date-ordered rate satellite of the Data Vault expects; keyed by their own ids they would
 * spread over partitions, and a partition that lags would deliver an older date after a newer
 * one, which the vault treats as late). {@link #send} returns once the broker acknowledged every message
 * ({@code acks=all}, idempotent producer), so a caller may then wait for the landing to catch up.
 */
public final class FintechProducer implements AutoCloseable {
    /** Messages sent between two waits for acknowledgements, bounding memory for futures. */
    private static final int WINDOW = 10_000;
    private final KafkaProducer<byte[], byte[]> producer;
    private final String topic;

    public FintechProducer(String bootstrap, String topic) {
        this.topic = topic;
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "10");
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, Integer.toString(256 * 1024));
        p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        // One request in flight: on a just-created topic the broker may refuse a first batch and accept
        // the next; the refused batch's retry would then fail as out of order.
        p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "1");
        this.producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
    }

    /** Sends every message as fast as the broker takes them; returns how many were acknowledged. */
    public long send(List<FintechGenerator.Sent> messages) {
        return send(messages, 0, n -> { });
    }

    /**
     * Sends every message, at most {@code perSecond} per second (0: no limit; the spec's replay
     * default is 1,000/s), telling {@code progress} the count acknowledged so far after each window.
     */
    public long send(List<FintechGenerator.Sent> messages, double perSecond, LongConsumer progress) {
        long started = System.nanoTime();
        long acked = 0;
        List<Future<RecordMetadata>> window = new ArrayList<>(WINDOW);
        try {
            for (int i = 0; i < messages.size(); i++) {
                if (perSecond > 0) {
                    long wait = started + (long) (i * 1e9 / perSecond) - System.nanoTime();
                    if (wait > 0) {
                        TimeUnit.NANOSECONDS.sleep(wait);
                    }
                }
                FintechMessage m = messages.get(i).message();
                byte[] key = key(m).getBytes(StandardCharsets.UTF_8);
                window.add(producer.send(new ProducerRecord<>(topic, key, m.json())));
                if (window.size() == WINDOW || (perSecond > 0 && window.size() >= Math.max(1, perSecond / 10))) {
                    acked += await(window);
                    progress.accept(acked);
                }
            }
            acked += await(window);
            progress.accept(acked);
            return acked;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted after " + acked + " acknowledged messages", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("the broker refused a message after " + acked + " were acknowledged: "
                    + e.getCause().getMessage(), e.getCause());
        }
    }

    /** The Kafka key: what must keep its order. */
    static String key(FintechMessage m) {
        if (m instanceof FintechMessage.Rate r) {
            return r.currency() + "-" + r.currencyWith();
        }
        return ((FintechMessage.Transaction) m).operationId();
    }

    private long await(List<Future<RecordMetadata>> window) throws InterruptedException, ExecutionException {
        producer.flush();
        for (Future<RecordMetadata> f : window) {
            f.get();
        }
        int n = window.size();
        window.clear();
        return n;
    }

    @Override
    public void close() {
        producer.close();
    }
}
