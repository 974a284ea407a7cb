package dev.strata.app;

import dev.strata.ErrorCode;
import dev.strata.StrataException;
import dev.strata.config.EnvResolver;
import dev.strata.config.KafkaSourceSpec;
import dev.strata.config.ProjectConfig;
import dev.strata.config.ProjectLoader;
import dev.strata.embedded.Durability;
import dev.strata.embedded.EmbeddedKafka;
import dev.strata.examples.ExampleProjects;
import dev.strata.examples.fooddelivery.Dictionaries;
import dev.strata.examples.fooddelivery.DictionarySeeder;
import dev.strata.examples.fooddelivery.GroundTruth;
import dev.strata.examples.fooddelivery.MartVerifier;
import dev.strata.examples.fooddelivery.OrderLog;
import dev.strata.examples.fooddelivery.OrderProducer;
import dev.strata.examples.fooddelivery.OrderStream;
import dev.strata.warehouse.Warehouse;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;

/**
 * {@code strata demo food-delivery}: the food-delivery example end to end on embedded PostgreSQL,
 * Kafka and Redis. Seeds the Redis dictionaries, starts the pipeline (landing, continuous vault
 * loads, marts every few seconds, console), sends the order stream at {@code rate} orders per
 * second, and when told to stop (after {@code duration}, or on Ctrl-C) stops the generator, waits
 * until everything sent has been landed, loaded into the vault and built into the marts, and
 * verifies both marts against ground truth computed in Java from the generator's log.
 *
 * <p>With a data directory everything persists (PostgreSQL, the Kafka log, positions, watermarks,
 * the generator log), so a demo killed with SIGKILL resumes where it stopped, without losing or
 * re-sending a message ({@link OrderProducer}: the log is written ahead of each send and its tail
 * checked against the topic on resume). Its warehouse runs with {@link Durability#FAST} settings,
 * and the demo says so.
 */
public final class FoodDeliveryDemo {
    public static final String EXAMPLE = "food-delivery";
    static final long SEED = 20230401L;
    static final int PARTITIONS = 4;
    private static final Duration DRAIN_TIMEOUT = Duration.ofMinutes(3);
    /** When a run longer than twice this checks its marts once while it goes on. */
    static final Duration CHECKPOINT_AFTER = Duration.ofSeconds(10);
    /** What the demo's embedded warehouse trades for speed, said in its output (see {@link Durability#FAST}). */
    static final String FAST_SETTINGS = "fast, not durable settings (PostgreSQL: fsync and synchronous_commit off): a killed "
            + "server loses its last ~0.6 s of commits, a power loss may corrupt the data (`strata run` is durable)";
    private static final List<String> MARTS = List.of("user_product_counters", "user_category_counters");

    /** What the demo is asked to do. */
    public record Options(Optional<Duration> duration, Optional<Path> dataDir, double ordersPerSecond, boolean console,
                          int users) {
        public static Options defaults() {
            return new Options(Optional.empty(), Optional.empty(), 50, true, 1000);
        }
    }

    private final Options options;
    private final PrintWriter out;

    public FoodDeliveryDemo(Options options, PrintWriter out) {
        this.options = options;
        this.out = out;
    }

    /**
     * Runs the demo until {@code stop} counts down or the duration passes; returns true when both
     * marts equal the ground truth.
     */
    public boolean run(CountDownLatch stop) throws Exception {
        long t0 = System.nanoTime();
        try (DemoWorkDir work = DemoWorkDir.of(options.dataDir(), "strata-demo-")) {
            return run(stop, t0, work.path());
        }
    }

    private boolean run(CountDownLatch stop, long t0, Path work) throws Exception {
        Path projectDir = work.resolve("project");
        ExampleProjects.copy(EXAMPLE, projectDir);
        ProjectConfig project = new ProjectLoader(EnvResolver.system()).load(projectDir);
        KafkaSourceSpec orders = (KafkaSourceSpec) project.sources().get("orders").spec();
        Dictionaries dict = Dictionaries.generate(SEED, options.users(), 4, 25);

        out.println("starting embedded PostgreSQL, Kafka and Redis ...");
        out.flush();
        EmbeddedServices services = EmbeddedServices.forProject(project, options.dataDir());
        EmbeddedKafka kafka = services.kafka().orElseThrow(() -> new StrataException(ErrorCode.CONFIG,
                "the demo needs the embedded broker; unset KAFKA_BOOTSTRAP"));
        kafka.createTopic(orders.topic(), PARTITIONS);
        var redis = services.redis().orElseThrow(() -> new StrataException(ErrorCode.CONFIG,
                "the demo needs the embedded Redis; unset REDIS_URL"));
        int keys = DictionarySeeder.seed(redis.url(), redis.password(), dict);

        PipelineRuntime.Options runtimeOptions = new PipelineRuntime.Options(options.dataDir(), 2,
                Duration.ofSeconds(30), options.console());
        Path log = work.resolve("generator").resolve("orders.log");
        try (PipelineRuntime runtime = PipelineRuntime.start(project, runtimeOptions, services);
             OrderProducer producer = new OrderProducer(new OrderStream(dict, SEED, OrderStream.Profile.defaults()),
                     kafka.bootstrap(), orders.topic(), log, options.ordersPerSecond())) {
            out.printf("ready in %.1f s: %d dictionary entries in Redis, topic %s with %d partitions%n",
                    seconds(t0), keys, orders.topic(), PARTITIONS);
            services.postgres().ifPresent(pg -> out.println("  psql     : " + pg.psqlCommand()));
            services.mariadb().ifPresent(db -> out.println("  mariadb  : " + db.clientCommand()));
            out.println("  speed    : " + FAST_SETTINGS);
            runtime.consoleUrl().ifPresent(url -> out.println("  console  : " + url));
            out.println("  project  : " + projectDir + " (strata.yaml, marts/)");
            if (producer.sent() > 0) {
                out.println("  resuming : " + producer.sent() + " messages were sent by an earlier run"
                        + (producer.resent() > 0 ? " (" + producer.resent() + " of its last batch had not reached the topic: sent now)"
                        : ""));
            }
            out.printf("sending orders at %.0f/s%s ...%n", options.ordersPerSecond(),
                    options.duration().map(d -> " for " + d.toSeconds() + " s").orElse(" until Ctrl-C"));
            out.flush();
            producer.start();
            Warehouse w = runtime.env().warehouse();
            long deadline = options.duration().map(d -> System.nanoTime() + d.toNanos()).orElse(Long.MAX_VALUE);
            // A long run checks the marts once early, so a user sees them verified within seconds
            // rather than only at the end: pause the generator, let the pipeline catch up, verify, go on.
            long checkpoint = System.nanoTime() + CHECKPOINT_AFTER.toNanos();
            boolean checkpointDue = deadline - checkpoint > CHECKPOINT_AFTER.toNanos();
            while (System.nanoTime() < deadline) {
                long next = checkpointDue ? Math.min(deadline, checkpoint) : deadline;
                long wait = Math.min(TimeUnit.SECONDS.toNanos(5), next - System.nanoTime());
                if (stop.await(Math.max(1, wait), TimeUnit.NANOSECONDS)) {
                    break;
                }
                if (checkpointDue && System.nanoTime() >= checkpoint) {
                    checkpointDue = false;
                    producer.stop();
                    out.println("checkpoint: generator paused after " + producer.sent() + " messages; waiting for the pipeline to catch up ...");
                    out.flush();
                    if (!catchUpAndVerify(runtime, kafka, orders.topic(), project, producer, dict, log, t0, "verified (checkpoint)")) {
                        return false;
                    }
                    out.println("checkpoint passed; sending again ...");
                    out.flush();
                    producer.start();
                    continue;
                }
                out.println(progress(seconds(t0), producer, w, kafka, orders.topic()));
                out.flush();
            }
            producer.stop();
            out.println("generator stopped after " + producer.sent() + " messages; waiting for the pipeline to catch up ...");
            out.flush();
            return catchUpAndVerify(runtime, kafka, orders.topic(), project, producer, dict, log, t0, "verified");
        }
    }

    /**
     * Waits until everything sent so far is landed, loaded and built into the marts, then compares
     * both marts with the ground truth computed from the generator's log and prints the outcome.
     */
    private boolean catchUpAndVerify(PipelineRuntime runtime, EmbeddedKafka kafka, String topic, ProjectConfig project,
                                     OrderProducer producer, Dictionaries dict, Path log, long t0, String label)
            throws Exception {
        Warehouse w = runtime.env().warehouse();
        Instant drained = drain(runtime, kafka, topic);
        awaitMartsBuiltAfter(w, project.name(), drained);
        out.println(progress(seconds(t0), producer, w, kafka, topic));
        GroundTruth truth = GroundTruth.compute(OrderLog.read(log), dict);
        MartVerifier.Result result;
        try (Connection c = w.connection()) {
            result = MartVerifier.verify(c, "cdm", truth);
        }
        if (result.matches()) {
            out.printf("%s: %d rows in user_product_counters, %d rows in user_category_counters "
                            + "(%d orders, %d CLOSED; pizza lover: %d Pizza orders) in %.1f s%n",
                    label, result.productRows(), result.categoryRows(), truth.orders(), truth.closedOrders(),
                    truth.categoryCount(dict.users().get(0).id(), "Pizza"), seconds(t0));
        } else {
            out.println("NOT verified: the marts differ from the ground truth computed from the generator's log:");
            result.differences().forEach(d -> out.println("  " + d));
        }
        out.flush();
        return result.matches();
    }

    private static double seconds(long t0) {
        return (System.nanoTime() - t0) / 1e9;
    }

    /**
     * Waits until landing has consumed the topic to its end, then loads every vault target once
     * more (continuous loads run after batches; this one picks up the last of them), and returns
     * the moment after which a mart build sees everything.
     */
    private Instant drain(PipelineRuntime runtime, EmbeddedKafka kafka, String topic) throws Exception {
        Warehouse w = runtime.env().warehouse();
        long deadline = System.nanoTime() + DRAIN_TIMEOUT.toNanos();
        long end = endOffsets(kafka, topic);
        while (landedPositions(w, runtime.env().pipeline()) < end) {
            if (System.nanoTime() > deadline) {
                throw new StrataException(ErrorCode.VERIFICATION_FAILED, "landing did not reach the end of "
                        + topic + " within " + DRAIN_TIMEOUT.toMinutes() + " minutes");
            }
            Thread.sleep(200);
        }
        runtime.vaultLoader().loadAll();
        return Instant.now();
    }

    private static long landedPositions(Warehouse w, String pipeline) throws SQLException {
        try (Connection c = w.connection();
             PreparedStatement ps = c.prepareStatement("SELECT coalesce(sum(position), 0) FROM strata.source_positions "
                     + "WHERE pipeline = ? AND source = 'orders'")) {
            ps.setString(1, pipeline);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /** Waits for a successful build of each mart that started after {@code after}. */
    private static void awaitMartsBuiltAfter(Warehouse w, String pipeline, Instant after) throws Exception {
        long deadline = System.nanoTime() + DRAIN_TIMEOUT.toNanos();
        for (String mart : MARTS) {
            while (true) {
                try (Connection c = w.connection();
                     PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM strata.task_runs WHERE pipeline = ? "
                             + "AND node = ? AND state = 'success' AND started_at > ?")) {
                    ps.setString(1, pipeline);
                    ps.setString(2, mart);
                    ps.setTimestamp(3, Timestamp.from(after));
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                        if (rs.getLong(1) > 0) {
                            break;
                        }
                    }
                }
                if (System.nanoTime() > deadline) {
                    throw new StrataException(ErrorCode.VERIFICATION_FAILED, "mart " + mart + " was not rebuilt within "
                            + DRAIN_TIMEOUT.toMinutes() + " minutes after the pipeline caught up; see `strata status`");
                }
                Thread.sleep(250);
            }
        }
    }

    /**
     * One progress line whose numbers add up: the messages on the topic (the generator's, including
     * any it re-sent after a restart, and those in flight) are landed rows, dead letters, or still
     * to land; "acknowledged" is what the generator has confirmed and logged, at most the topic's
     * count. The warehouse's counts come from one statement (one snapshot) and the topic's end is
     * read after it, so "to land" is never negative.
     */
    private String progress(double elapsed, OrderProducer producer, Warehouse w, EmbeddedKafka kafka, String topic) {
        try (Connection c = w.connection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT (SELECT count(*) FROM stg.orders), "
                     + "(SELECT count(*) FROM strata.dead_letters WHERE source = 'orders'), "
                     + "(SELECT count(*) FROM dds.h_order), "
                     + "(SELECT count(*) FROM dds.l_order_product) + (SELECT count(*) FROM dds.s_order_status), "
                     + "(SELECT count(*) FROM cdm.user_product_counters) + (SELECT count(*) FROM cdm.user_category_counters)")) {
            rs.next();
            long onTopic = endOffsets(kafka, topic);
            return progressLine(elapsed, producer.sent(), onTopic, rs.getLong(1), rs.getLong(2), rs.getLong(3),
                    rs.getLong(4), rs.getLong(5));
        } catch (SQLException e) {
            return String.format("%5.0fs  generator %,d acknowledged (pipeline starting: %s)", elapsed, producer.sent(),
                    e.getMessage().lines().findFirst().orElse(""));
        } catch (Exception e) {
            return String.format("%5.0fs  generator %,d acknowledged (topic unreadable: %s)", elapsed, producer.sent(),
                    String.valueOf(e.getMessage()).lines().findFirst().orElse(""));
        }
    }

    /** The line of {@link #progress}; {@code topic = landed + deadLetters + to land}. */
    static String progressLine(double elapsed, long acknowledged, long onTopic, long landed, long deadLetters,
                               long orders, long vaultRows, long martRows) {
        return String.format("%5.0fs  topic %,d messages = landed %,d + dead letters %,d + to land %,d "
                        + "(generator: %,d acknowledged) -> vault %,d orders, %,d rows -> marts %,d rows", elapsed, onTopic,
                landed, deadLetters, Math.max(0, onTopic - landed - deadLetters), acknowledged, orders, vaultRows, martRows);
    }

    /** The sum of the topic's end offsets: every message ever written to it. */
    private static long endOffsets(EmbeddedKafka kafka, String topic) throws Exception {
        try (Admin admin = kafka.admin()) {
            Map<TopicPartition, OffsetSpec> request = java.util.stream.IntStream.range(0, PARTITIONS).boxed()
                    .collect(Collectors.toMap(p -> new TopicPartition(topic, p), p -> OffsetSpec.latest()));
            return admin.listOffsets(request).all().get(30, TimeUnit.SECONDS).values().stream()
                    .mapToLong(r -> r.offset()).sum();
        }
    }

    private static long scalar(Statement s, String sql) throws SQLException {
        try (ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
