package dev.strata.examples.fooddelivery;

import dev.strata.config.KafkaSourceSpec;
import dev.strata.embedded.EmbeddedKafka;
import dev.strata.examples.DemoOptions;
import dev.strata.examples.DemoPipeline;
import dev.strata.examples.DemoStage;
import dev.strata.examples.Scenario;
import dev.strata.warehouse.Warehouse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code strata demo food-delivery}: seeds the Redis dictionaries, then, while the pipeline runs
 * (landing, continuous vault loads, marts every few seconds, console), sends the order stream at
 * {@code rate} orders per second, and when told to stop (after {@code duration}, or on Ctrl-C)
 * stops the generator, waits until everything sent has been landed, loaded into the vault and
 * built into the marts, and verifies both marts against ground truth computed in Java from the
 * generator's log.
 *
 * <p>With a data directory everything persists (PostgreSQL, the Kafka log, positions, watermarks,
 * the generator log), so a demo killed with SIGKILL resumes where it stopped, without losing or
 * re-sending a message ({@link OrderProducer}: the log is written ahead of each send and its tail
 * checked against the topic on resume).
 */
public final class FoodDeliveryScenario implements Scenario {
    public static final long SEED = 20230401L;
    public static final int USERS = 1000;
    static final int PARTITIONS = 4;
    private static final Duration DRAIN_TIMEOUT = Duration.ofMinutes(3);
    /** When a run longer than twice this checks its marts once while it goes on. */
    public static final Duration CHECKPOINT_AFTER = Duration.ofSeconds(10);
    private static final List<String> MARTS = List.of("user_product_counters", "user_category_counters");

    private final DemoOptions options;
    private final Dictionaries dict;
    private KafkaSourceSpec orders;
    private Path log;

    public FoodDeliveryScenario(DemoOptions options) {
        this.options = options;
        this.dict = Dictionaries.generate(SEED, USERS, 4, 25);
    }

    @Override
    public String prepare(DemoStage stage) throws Exception {
        orders = (KafkaSourceSpec) stage.project().sources().get("orders").spec();
        stage.kafka().createTopic(orders.topic(), PARTITIONS);
        int keys = DictionarySeeder.seed(stage.redis().url(), stage.redis().password(), dict);
        log = stage.workDir().resolve("generator").resolve("orders.log");
        return keys + " dictionary entries in Redis, topic " + orders.topic() + " with " + PARTITIONS + " partitions";
    }

    @Override
    public boolean run(DemoStage stage, DemoPipeline pipeline) throws Exception {
        var out = stage.out();
        EmbeddedKafka kafka = stage.kafka();
        try (OrderProducer producer = new OrderProducer(new OrderStream(dict, SEED, OrderStream.Profile.defaults()),
                kafka.bootstrap(), orders.topic(), log, options.rate())) {
            if (producer.sent() > 0) {
                out.println("  resuming : " + producer.sent() + " messages were sent by an earlier run"
                        + (producer.resent() > 0 ? " (" + producer.resent() + " of its last batch had not reached the topic: sent now)"
                        : ""));
            }
            out.printf("sending orders at %.0f/s%s ...%n", options.rate(),
                    options.duration().map(d -> " for " + d.toSeconds() + " s").orElse(" until Ctrl-C"));
            out.flush();
            producer.start();
            long deadline = options.duration().map(d -> System.nanoTime() + d.toNanos()).orElse(Long.MAX_VALUE);
            // A long run checks the marts once early, so a user sees them verified within seconds
            // rather than only at the end: pause the generator, let the pipeline catch up, verify, go on.
            long checkpoint = System.nanoTime() + CHECKPOINT_AFTER.toNanos();
            boolean checkpointDue = deadline - checkpoint > CHECKPOINT_AFTER.toNanos();
            while (System.nanoTime() < deadline) {
                long next = checkpointDue ? Math.min(deadline, checkpoint) : deadline;
                long wait = Math.min(TimeUnit.SECONDS.toNanos(5), next - System.nanoTime());
                if (stage.stop().await(Math.max(1, wait), TimeUnit.NANOSECONDS)) {
                    break;
                }
                if (checkpointDue && System.nanoTime() >= checkpoint) {
                    checkpointDue = false;
                    producer.stop();
                    out.println("checkpoint: generator paused after " + producer.sent() + " messages; waiting for the pipeline to catch up ...");
                    out.flush();
                    if (!catchUpAndVerify(stage, pipeline, producer, "verified (checkpoint)")) {
                        return false;
                    }
                    out.println("checkpoint passed; sending again ...");
                    out.flush();
                    producer.start();
                    continue;
                }
                out.println(progress(stage.elapsed(), producer, pipeline));
                out.flush();
            }
            producer.stop();
            out.println("generator stopped after " + producer.sent() + " messages; waiting for the pipeline to catch up ...");
            out.flush();
            return catchUpAndVerify(stage, pipeline, producer, "verified");
        }
    }

    /**
     * Waits until everything sent so far is landed, loaded and built into the marts, then compares
     * both marts with the ground truth computed from the generator's log and prints the outcome.
     */
    private boolean catchUpAndVerify(DemoStage stage, DemoPipeline pipeline, OrderProducer producer, String label)
            throws Exception {
        var out = stage.out();
        Instant drained = pipeline.catchUp(DRAIN_TIMEOUT);
        pipeline.awaitBuiltAfter(drained, MARTS, DRAIN_TIMEOUT);
        out.println(progress(stage.elapsed(), producer, pipeline));
        GroundTruth truth = GroundTruth.compute(OrderLog.read(log), dict);
        MartVerifier.Result result;
        try (Connection c = pipeline.warehouse().connection()) {
            result = MartVerifier.verify(c, pipeline.warehouse().sql(), "cdm", truth);
        }
        if (result.matches()) {
            out.printf("%s: %d rows in user_product_counters, %d rows in user_category_counters "
                            + "(%d orders, %d CLOSED; pizza lover: %d Pizza orders) in %.1f s%n",
                    label, result.productRows(), result.categoryRows(), truth.orders(), truth.closedOrders(),
                    truth.categoryCount(dict.users().get(0).id(), "Pizza"), stage.elapsed());
        } else {
            out.println("NOT verified: the marts differ from the ground truth computed from the generator's log:");
            result.differences().forEach(d -> out.println("  " + d));
        }
        out.flush();
        return result.matches();
    }

    /**
     * One progress line whose numbers add up: the messages on the topic (the generator's, including
     * any it re-sent after a restart, and those in flight) are landed rows, dead letters, or still
     * to land; "acknowledged" is what the generator has confirmed and logged, at most the topic's
     * count. The warehouse's counts come from one statement (one snapshot) and the topic's end is
     * read after it, so "to land" is never negative.
     */
    private String progress(double elapsed, OrderProducer producer, DemoPipeline pipeline) {
        Warehouse w = pipeline.warehouse();
        try (Connection c = w.connection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT (SELECT count(*) FROM stg.orders), "
                     + "(SELECT count(*) FROM strata.dead_letters WHERE source = 'orders'), "
                     + "(SELECT count(*) FROM dds.h_order), "
                     + "(SELECT count(*) FROM dds.l_order_product) + (SELECT count(*) FROM dds.s_order_status), "
                     + "(SELECT count(*) FROM cdm.user_product_counters) + (SELECT count(*) FROM cdm.user_category_counters)")) {
            rs.next();
            // acknowledged is read before the topic's end: a send acknowledged in between would
            // otherwise count as acknowledged but not yet on the topic
            long acknowledged = producer.sent();
            long onTopic = pipeline.topicEnd(orders.topic());
            return progressLine(elapsed, acknowledged, onTopic, rs.getLong(1), rs.getLong(2), rs.getLong(3),
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
}
