package dev.strata.examples.fooddelivery;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Sends the order stream to Kafka at a given rate of new orders per second, in a background
 * thread, and appends each acknowledged message to the generator log. Messages are keyed by order
 * id, so all messages of an order go to one partition in order. On start it skips the messages an
 * earlier run already logged (the stream is deterministic), so a restarted demo continues the
 * stream instead of repeating it.
 */
public final class OrderProducer implements AutoCloseable {
    private static final int BATCH = 50;
    private final OrderStream stream;
    private final KafkaProducer<byte[], byte[]> producer;
    private final OrderLog log;
    private final String topic;
    private final double ordersPerSecond;
    private final AtomicBoolean running = new AtomicBoolean();
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong orders = new AtomicLong();
    private volatile Throwable failure;
    private Thread thread;

    public OrderProducer(OrderStream stream, String bootstrap, String topic, Path logFile, double ordersPerSecond) {
        this.stream = stream;
        this.topic = topic;
        this.ordersPerSecond = ordersPerSecond;
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        this.producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
        long already = OrderLog.read(logFile).stream().mapToLong(m -> m.index() + 1).max().orElse(0);
        for (long i = 0; i < already; i++) {
            stream.next();
        }
        this.sent.set(already);
        this.log = OrderLog.append(logFile);
    }

    public void start() {
        running.set(true);
        thread = new Thread(this::loop, "order-producer");
        thread.setDaemon(true);
        thread.start();
    }

    private void loop() {
        long started = System.nanoTime();
        long newOrders = 0;
        try {
            while (running.get()) {
                OrderMessage[] batch = new OrderMessage[BATCH];
                @SuppressWarnings("unchecked")
                Future<RecordMetadata>[] acks = new Future[BATCH];
                for (int i = 0; i < BATCH; i++) {
                    if (stream.nextIsNewOrder()) {
                        newOrders++;
                        long due = started + (long) (newOrders * 1e9 / ordersPerSecond);
                        long wait = due - System.nanoTime();
                        if (wait > 0) {
                            TimeUnit.NANOSECONDS.sleep(wait);
                        }
                    }
                    OrderMessage m = stream.next();
                    batch[i] = m;
                    byte[] key = m.objectId() < 0 ? null : Long.toString(m.objectId()).getBytes(StandardCharsets.UTF_8);
                    acks[i] = producer.send(new ProducerRecord<>(topic, key, m.value()));
                    if (!running.get()) {
                        batch = java.util.Arrays.copyOf(batch, i + 1);
                        break;
                    }
                }
                producer.flush();
                for (int i = 0; i < batch.length; i++) {
                    acks[i].get();
                    log.write(batch[i]);
                    sent.incrementAndGet();
                    if (batch[i].kind() == OrderMessage.Kind.ORDER) {
                        orders.incrementAndGet();
                    }
                }
                log.flush();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | RuntimeException e) {
            failure = e;
        }
    }

    /** Messages sent and acknowledged (including those of an earlier run on the same log). */
    public long sent() {
        return sent.get();
    }

    /** New orders sent in this run. */
    public long orders() {
        return orders.get();
    }

    /** Stops sending after the current message; everything sent is acknowledged and logged when this returns. */
    public void stop() {
        running.set(false);
        if (thread != null) {
            try {
                thread.join(30_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (failure != null) {
            throw new IllegalStateException("the order generator failed: " + failure.getMessage(), failure);
        }
    }

    @Override
    public void close() {
        stop();
        producer.close();
        log.close();
    }
}
