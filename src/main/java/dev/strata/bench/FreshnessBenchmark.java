package dev.strata.bench;

import dev.strata.ErrorCode;
import dev.strata.StrataException;
import dev.strata.app.EmbeddedServices;
import dev.strata.app.PipelineRuntime;
import dev.strata.config.EnvResolver;
import dev.strata.config.KafkaSourceSpec;
import dev.strata.config.ProjectConfig;
import dev.strata.config.ProjectLoader;
import dev.strata.embedded.Durability;
import dev.strata.embedded.EmbeddedRedis;
import dev.strata.examples.ExampleProjects;
import dev.strata.examples.fooddelivery.Dictionaries;
import dev.strata.examples.fooddelivery.DictionarySeeder;
import dev.strata.examples.fooddelivery.FoodDeliveryScenario;
import dev.strata.examples.fooddelivery.OrderMessage;
import dev.strata.examples.fooddelivery.OrderStream;
import dev.strata.vault.HashStandard;
import dev.strata.warehouse.SqlDialect;
import dev.strata.warehouse.Warehouse;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * {@code strata bench freshness}: how long a message takes from its producer to the Data Vault,
 * on the food-delivery example's whole pipeline as {@code strata run} runs it (durable warehouse,
 * landing, continuous vault loads, the scheduler building marts, PITs and bridges every 5 s).
 *
 * <p>A producer sends the example's order stream at a fixed rate; every {@code probeEvery}-th new
 * order is a probe: the time just before its {@code send} is kept, and a tracker polls the hub
 * {@code h_order} and the satellite {@code s_order_status} by the probe's hash key (computed in Java
 * by {@link HashStandard}, so the lookup uses the tables' primary keys and costs the pipeline little).
 * A probe's delay is taken at the start of the first query that sees its row, so the figures
 * over-state by at most one polling interval. The vault delay of a probe is the later of the two
 * (the order is in the vault when its hub row and its status are). Last line:
 * {@code freshness: p95_ms=N} over the vault delays.
 */
public final class FreshnessBenchmark {
    /** How often the tracker looks for outstanding probes: the figures' resolution. */
    static final Duration POLL = Duration.ofMillis(20);
    private static final Duration DRAIN = Duration.ofSeconds(60);
    private static final int PARTITIONS = 4;
    private static final int LOOKUP_CHUNK = 200;

    /**
     * @param rate       messages per second
     * @param duration   how long the measured part sends
     * @param warmUp     sending at the same rate before, not measured (JIT, first loads, first marts)
     * @param probeEvery one new order in this many is a probe
     * @param mariadb    the embedded MariaDB instead of the embedded PostgreSQL as the warehouse
     */
    public record Options(int rate, Duration duration, Duration warmUp, int probeEvery, boolean mariadb) {
    }

    /** Delay percentiles in milliseconds. */
    public record Percentiles(int count, long p50, long p95, long p99, long max) {
        static Percentiles of(long[] millis) {
            long[] s = millis.clone();
            Arrays.sort(s);
            return new Percentiles(s.length, at(s, 0.50), at(s, 0.95), at(s, 0.99), s.length == 0 ? 0 : s[s.length - 1]);
        }

        /** The nearest-rank percentile: the smallest value with at least {@code q} of all at or below it. */
        static long at(long[] sorted, double q) {
            if (sorted.length == 0) {
                return 0;
            }
            int rank = (int) Math.ceil(q * sorted.length);
            return sorted[Math.max(0, rank - 1)];
        }
    }

    /** What one run measured. */
    public record Result(long sent, double achievedRate, Percentiles hub, Percentiles satellite, Percentiles vault) {
    }

    /** One probe: a new order, when it was sent, and when each table first showed it (0 until then). */
    private static final class Probe {
        final UUID key;
        final long sentNanos;
        volatile long hubNanos;
        volatile long satelliteNanos;

        Probe(UUID key, long sentNanos) {
            this.key = key;
            this.sentNanos = sentNanos;
        }
    }

    private final Options options;
    private final PrintWriter out;

    public FreshnessBenchmark(Options options, PrintWriter out) {
        this.options = options;
        this.out = out;
    }

    public Result run() throws Exception {
        Path work = Files.createTempDirectory("strata-bench-freshness-");
        try {
            return run(work);
        } finally {
            deleteTree(work);
        }
    }

    private Result run(Path work) throws Exception {
        Path projectDir = work.resolve("project");
        ExampleProjects.copy("food-delivery", projectDir);
        // the example's own defaults (every server embedded), whatever the caller's environment says
        Map<String, String> env = options.mariadb() ? Map.of("STRATA_WAREHOUSE_URL", "embedded:mariadb") : Map.of();
        ProjectConfig project = new ProjectLoader(EnvResolver.of(env)).load(projectDir);
        String topic = ((KafkaSourceSpec) project.sources().get("orders").spec()).topic();
        out.printf("freshness benchmark: the food-delivery pipeline (durable %s warehouse, landing, continuous vault, "
                        + "marts every 5 s), %,d messages/s for %d s after a %d s warm-up; one new order in %d is a probe%n",
                options.mariadb() ? "MariaDB" : "PostgreSQL", options.rate(), options.duration().toSeconds(),
                options.warmUp().toSeconds(), options.probeEvery());
        out.flush();
        EmbeddedServices services = EmbeddedServices.forProject(project, Optional.empty(), Durability.DURABLE);
        try {
            services.kafka().orElseThrow().createTopic(topic, PARTITIONS);
            EmbeddedRedis redis = services.redis().orElseThrow();
            Dictionaries dict = Dictionaries.generate(FoodDeliveryScenario.SEED, FoodDeliveryScenario.USERS, 4, 25);
            DictionarySeeder.seed(redis.url(), redis.password(), dict);
        } catch (RuntimeException e) {
            services.close();
            throw e;
        }
        String bootstrap = services.kafka().orElseThrow().bootstrap();
        try (PipelineRuntime runtime = PipelineRuntime.start(project,
                PipelineRuntime.Options.defaults().withConsole(false), services)) {
            Dictionaries dict = Dictionaries.generate(FoodDeliveryScenario.SEED, FoodDeliveryScenario.USERS, 4, 25);
            OrderStream stream = new OrderStream(dict, FoodDeliveryScenario.SEED, OrderStream.Profile.defaults());
            return measure(runtime.env().warehouse(), project.vault().schema(), bootstrap, topic, stream);
        }
    }

    private Result measure(Warehouse w, String vaultSchema, String bootstrap, String topic, OrderStream stream)
            throws Exception {
        ConcurrentLinkedQueue<Probe> fresh = new ConcurrentLinkedQueue<>();
        List<Probe> probes = Collections.synchronizedList(new ArrayList<>());
        AtomicBoolean sending = new AtomicBoolean(true);
        Tracker tracker = new Tracker(w, vaultSchema, fresh, sending);
        Thread trackerThread = new Thread(tracker, "freshness-tracker");
        trackerThread.setDaemon(true);
        trackerThread.start();
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        long sentMeasured;
        double seconds;
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            send(producer, topic, stream, options.warmUp(), null, null);
            out.printf("  warm-up done: %s%n", tracker.progress());
            out.flush();
            long t0 = System.nanoTime();
            sentMeasured = send(producer, topic, stream, options.duration(), fresh, probes);
            seconds = (System.nanoTime() - t0) / 1e9;
            producer.flush();
        }
        sending.set(false);
        out.printf("  sent %,d messages in %.1f s (%,.0f/s), %,d probes; waiting for the vault to show them all%n",
                sentMeasured, seconds, sentMeasured / seconds, probes.size());
        out.flush();
        trackerThread.join(DRAIN.toMillis() + 5_000);
        if (tracker.failure != null) {
            throw new StrataException(ErrorCode.WAREHOUSE_UNAVAILABLE, "the freshness tracker failed: " + tracker.failure.getMessage(),
                    tracker.failure);
        }
        List<Probe> all;
        synchronized (probes) {
            all = List.copyOf(probes);
        }
        long missing = all.stream().filter(pr -> pr.hubNanos == 0 || pr.satelliteNanos == 0).count();
        if (missing > 0) {
            throw new StrataException(ErrorCode.VERIFICATION_FAILED, missing + " of " + all.size() + " probes did not reach h_order and "
                    + "s_order_status within " + DRAIN.toSeconds() + " s after the producer stopped");
        }
        Percentiles hub = Percentiles.of(all.stream().mapToLong(pr -> millis(pr.hubNanos - pr.sentNanos)).toArray());
        Percentiles sat = Percentiles.of(all.stream().mapToLong(pr -> millis(pr.satelliteNanos - pr.sentNanos)).toArray());
        Percentiles vault = Percentiles.of(all.stream()
                .mapToLong(pr -> millis(Math.max(pr.hubNanos, pr.satelliteNanos) - pr.sentNanos)).toArray());
        print("produce -> h_order", hub);
        print("produce -> s_order_status", sat);
        print("produce -> vault (both)", vault);
        out.printf("  resolution: the tracker polls every %d ms; delays include the producer's linger (5 ms) and acks=all%n",
                POLL.toMillis());
        out.printf("freshness: p95_ms=%d%n", vault.p95());
        out.flush();
        return new Result(sentMeasured, sentMeasured / seconds, hub, sat, vault);
    }

    private void print(String what, Percentiles p) {
        out.printf("  %-26s p50 %,6d ms  p95 %,6d ms  p99 %,6d ms  max %,6d ms  (%,d probes)%n",
                what, p.p50(), p.p95(), p.p99(), p.max(), p.count());
    }

    /**
     * Sends the stream at {@link Options#rate} for {@code length}, in 10 ms steps (catching up when a
     * step ran late, so the average rate holds); probes go to {@code fresh} and {@code probes} when
     * those are given. Returns how many messages it sent.
     */
    private long send(KafkaProducer<byte[], byte[]> producer, String topic, OrderStream stream, Duration length,
                      ConcurrentLinkedQueue<Probe> fresh, List<Probe> probes) throws InterruptedException {
        long start = System.nanoTime();
        long end = start + length.toNanos();
        long sent = 0;
        long orders = 0;
        for (long now = start; now < end; now = System.nanoTime()) {
            long due = (long) ((now - start) / 1e9 * options.rate());
            for (; sent < due; sent++) {
                OrderMessage m = stream.next();
                Probe probe = null;
                if (fresh != null && m.kind() == OrderMessage.Kind.ORDER && orders++ % options.probeEvery() == 0) {
                    probe = new Probe(HashStandard.hashKey(List.of(Long.toString(m.objectId()))), System.nanoTime());
                }
                producer.send(new ProducerRecord<>(topic, m.value()));
                if (probe != null) {
                    probes.add(probe);
                    fresh.add(probe);
                }
            }
            TimeUnit.MILLISECONDS.sleep(10);
        }
        return sent;
    }

    /** Polls the hub and the satellite for the outstanding probes until all are seen (or the drain time is over). */
    private static final class Tracker implements Runnable {
        private final Warehouse w;
        private final String hubSql;
        private final String satelliteSql;
        private final ConcurrentLinkedQueue<Probe> fresh;
        private final AtomicBoolean sending;
        private final List<Probe> outstanding = new ArrayList<>();
        private volatile int seen;
        volatile Exception failure;

        Tracker(Warehouse w, String schema, ConcurrentLinkedQueue<Probe> fresh, AtomicBoolean sending) {
            this.w = w;
            SqlDialect d = w.sql();
            String hk = d.quote("h_order_hk");
            String marks = String.join(", ", Collections.nCopies(LOOKUP_CHUNK, "?"));
            this.hubSql = "SELECT " + hk + " FROM " + d.qualified(schema, "h_order") + " WHERE " + hk + " IN (" + marks + ")";
            this.satelliteSql = "SELECT DISTINCT " + hk + " FROM " + d.qualified(schema, "s_order_status") + " WHERE " + hk
                    + " IN (" + marks + ")";
            this.fresh = fresh;
            this.sending = sending;
        }

        String progress() {
            return seen + " probes seen";
        }

        @Override
        public void run() {
            long drainEnd = Long.MAX_VALUE;
            try (Connection c = w.connection();
                 PreparedStatement hub = c.prepareStatement(hubSql);
                 PreparedStatement sat = c.prepareStatement(satelliteSql)) {
                c.setAutoCommit(true);
                while (true) {
                    for (Probe p; (p = fresh.poll()) != null; ) {
                        outstanding.add(p);
                    }
                    if (!sending.get() && drainEnd == Long.MAX_VALUE) {
                        drainEnd = System.nanoTime() + DRAIN.toNanos();
                    }
                    if (outstanding.isEmpty() && !sending.get() && fresh.isEmpty()) {
                        return;
                    }
                    if (System.nanoTime() > drainEnd) {
                        return;
                    }
                    if (!outstanding.isEmpty()) {
                        look(hub, false);
                        look(sat, true);
                        outstanding.removeIf(p -> p.hubNanos != 0 && p.satelliteNanos != 0);
                    }
                    TimeUnit.MILLISECONDS.sleep(POLL.toMillis());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (SQLException | RuntimeException e) {
                failure = e;
            }
        }

        /** Marks the outstanding probes that {@code ps} (hub or satellite) shows now. */
        private void look(PreparedStatement ps, boolean satellite) throws SQLException {
            List<Probe> waiting = outstanding.stream().filter(p -> (satellite ? p.satelliteNanos : p.hubNanos) == 0).toList();
            for (int from = 0; from < waiting.size(); from += LOOKUP_CHUNK) {
                List<Probe> chunk = waiting.subList(from, Math.min(waiting.size(), from + LOOKUP_CHUNK));
                for (int i = 0; i < LOOKUP_CHUNK; i++) {
                    // unused places repeat the first key: the statement stays one prepared shape
                    w.sql().bindHashKey(ps, i + 1, chunk.get(Math.min(i, chunk.size() - 1)).key);
                }
                long at = System.nanoTime();
                Set<UUID> found = new HashSet<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        found.add(w.sql().readHashKey(rs, 1));
                    }
                }
                for (Probe p : chunk) {
                    if (found.contains(p.key)) {
                        if (satellite) {
                            p.satelliteNanos = at;
                        } else {
                            p.hubNanos = at;
                        }
                        if (p.hubNanos != 0 && p.satelliteNanos != 0) {
                            seen++;
                        }
                    }
                }
            }
        }
    }

    private static long millis(long nanos) {
        return TimeUnit.NANOSECONDS.toMillis(nanos);
    }

    private static void deleteTree(Path dir) throws IOException {
        try (var paths = Files.walk(dir)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
