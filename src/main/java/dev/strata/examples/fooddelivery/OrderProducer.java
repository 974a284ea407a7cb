package dev.strata.examples.fooddelivery;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Sends the order stream to Kafka at a given rate of new orders per second, in a background
 * thread. Messages are keyed by order id, so all messages of an order go to one partition in
 * order, and each carries its stream index in the header {@value #INDEX_HEADER}.
 *
 * <p><b>Exactly once across kills.</b> Each message is written to the generator log
 * ({@link OrderLog#write}, handed to the operating system) <em>before</em> it is sent, in batches of
 * {@value #BATCH} whose acknowledgements are awaited before the next batch starts. So when the JVM
 * is killed, every message the broker may have is in the log, and only the last batch's may be
 * missing from the topic. On start the producer continues the (deterministic) stream after the
 * log's last line, but first reads the last {@value #BATCH} records of each partition and sends
 * again only those of the log's last {@value #BATCH} messages that are not there. That is enough:
 * nothing else writes to the topic, and the idempotent producer writes a partition's messages as
 * a prefix of what it sent, so anything of the last batch that arrived is among the last
 * {@value #BATCH} records of its partition, and sending the missing ones in stream order keeps
 * every order's messages in order. The topic then holds each message of the log exactly once.
 */
public final class OrderProducer implements AutoCloseable {
    /** Carries the message's index in the stream (decimal text), so a restart can tell what arrived. */
    public static final String INDEX_HEADER = "strata-demo-index";
    static final int BATCH = 50;
    private static final Duration RECONCILE_TIMEOUT = Duration.ofSeconds(60);
    private final OrderStream stream;
    private final KafkaProducer<byte[], byte[]> producer;
    private final OrderLog log;
    private final String topic;
    private final double ordersPerSecond;
    private final AtomicBoolean running = new AtomicBoolean();
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong orders = new AtomicLong();
    private final long resent;
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
        this.log = OrderLog.append(logFile);   // cuts off a line a kill left unfinished
        List<OrderMessage> logged = OrderLog.read(logFile);
        for (int i = 0; i < logged.size(); i++) {
            OrderMessage m = stream.next();
            if (m.index() != logged.get(i).index()) {
                producer.close();
                log.close();
                throw new IllegalStateException("the generator log " + logFile + " does not match the stream at line "
                        + (i + 1) + " (index " + logged.get(i).index() + ", expected " + m.index() + "; an older Strata could "
                        + "lose a line to one a kill cut short): run the demo on a new data directory");
            }
        }
        try {
            this.resent = sendMissing(bootstrap, logged.subList(Math.max(0, logged.size() - BATCH), logged.size()));
        } catch (RuntimeException e) {
            producer.close();
            log.close();
            throw e;
        }
        this.sent.set(logged.size());
    }

    /** Sends those of {@code tail} (the log's last messages) that the topic does not have; returns how many. */
    private long sendMissing(String bootstrap, List<OrderMessage> tail) {
        if (tail.isEmpty()) {
            return 0;
        }
        Set<Long> arrived = indicesAtTheEnd(bootstrap);
        List<OrderMessage> missing = tail.stream().filter(m -> !arrived.contains(m.index())).toList();
        List<Future<RecordMetadata>> acks = new ArrayList<>();
        for (OrderMessage m : missing) {
            acks.add(send(m));
        }
        producer.flush();
        try {
            for (Future<RecordMetadata> ack : acks) {
                ack.get(RECONCILE_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while sending the generator's unacknowledged messages", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot send the generator's unacknowledged messages: " + e.getMessage(), e);
        }
        log.sync();
        return missing.size();
    }

    /** The stream indices carried by the last {@value #BATCH} records of each partition of the topic. */
    private Set<Long> indicesAtTheEnd(String bootstrap) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        Set<Long> out = new HashSet<>();
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = c.partitionsFor(topic, RECONCILE_TIMEOUT).stream()
                    .map(info -> new TopicPartition(topic, info.partition())).toList();
            c.assign(partitions);
            Map<TopicPartition, Long> ends = c.endOffsets(partitions, RECONCILE_TIMEOUT);
            Map<TopicPartition, Long> starts = c.beginningOffsets(partitions, RECONCILE_TIMEOUT);
            for (TopicPartition tp : partitions) {
                c.seek(tp, Math.max(starts.get(tp), ends.get(tp) - BATCH));
            }
            long deadline = System.nanoTime() + RECONCILE_TIMEOUT.toNanos();
            while (partitions.stream().anyMatch(tp -> c.position(tp) < ends.get(tp))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("cannot read the end of topic " + topic + " within "
                            + RECONCILE_TIMEOUT.toSeconds() + " s");
                }
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
                    Header h = r.headers().lastHeader(INDEX_HEADER);
                    if (h != null && h.value() != null) {
                        try {
                            out.add(Long.parseLong(new String(h.value(), StandardCharsets.UTF_8)));
                        } catch (NumberFormatException notOurs) {
                            // not a header this generator wrote
                        }
                    }
                }
            }
        }
        return out;
    }

    private Future<RecordMetadata> send(OrderMessage m) {
        return send(m, null);
    }

    private Future<RecordMetadata> send(OrderMessage m, org.apache.kafka.clients.producer.Callback acknowledged) {
        byte[] key = m.objectId() < 0 ? null : Long.toString(m.objectId()).getBytes(StandardCharsets.UTF_8);
        ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(topic, key, m.value());
        record.headers().add(INDEX_HEADER, Long.toString(m.index()).getBytes(StandardCharsets.UTF_8));
        return producer.send(record, acknowledged);
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
                List<Future<RecordMetadata>> acks = new ArrayList<>(BATCH);
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
                    log.write(m);   // before the send: see the class comment
                    // counted as sent when acknowledged, so the progress line does not show more landed than sent
                    acks.add(send(m, (meta, error) -> {
                        if (error == null) {
                            sent.incrementAndGet();
                            if (m.kind() == OrderMessage.Kind.ORDER) {
                                orders.incrementAndGet();
                            }
                        }
                    }));
                    if (!running.get()) {
                        break;
                    }
                }
                producer.flush();
                for (Future<RecordMetadata> ack : acks) {
                    ack.get();
                }
                log.sync();
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

    /** Messages an earlier run had logged but the topic did not have, sent on start (0 when it was stopped cleanly). */
    public long resent() {
        return resent;
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
