package dev.strata.app;

import dev.strata.examples.DemoOptions;
import dev.strata.examples.Examples;
import dev.strata.examples.fooddelivery.FoodDeliveryScenario;

import static org.assertj.core.api.Assertions.assertThat;

import dev.strata.embedded.EmbeddedPostgres;
import dev.strata.examples.fooddelivery.Dictionaries;
import dev.strata.examples.fooddelivery.GroundTruth;
import dev.strata.examples.fooddelivery.MartVerifier;
import dev.strata.examples.fooddelivery.OrderLog;
import dev.strata.examples.fooddelivery.OrderMessage;
import dev.strata.warehouse.Warehouse;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The demo path of {@code strata demo} for a bounded time: real embedded PostgreSQL, Kafka and
 * Redis, the bundled example project, and the marts checked against ground truth computed from the
 * generator's log. Then the same check must fail once a mart row is corrupted.
 */
class FoodDeliveryDemoIT {

    @Test
    void shouldVerifyBothMartsAgainstGroundTruthAndFailOnACorruptedRow(@TempDir Path dir) throws Exception {
        StringWriter text = new StringWriter();
        // long enough for the early checkpoint (paused generator, caught-up pipeline, verified marts) and a final check
        Duration duration = FoodDeliveryScenario.CHECKPOINT_AFTER.multipliedBy(2).plusSeconds(3);
        DemoRunner demo = new DemoRunner(Examples.named("food-delivery"), DemoOptions.defaults().withDuration(duration)
                .withDataDir(dir).withRate(60).withConsole(false), new PrintWriter(text, true));
        boolean verified = demo.run(new CountDownLatch(1));
        assertThat(verified).as(text.toString()).isTrue();
        // issue 20 item 2: the demo keeps the fast settings, and says so
        assertThat(text.toString()).contains("speed    : fast, not durable settings");
        Matcher checks = Pattern.compile("(verified|verified \\(checkpoint\\)): \\d+ rows in user_product_counters, "
                + "\\d+ rows in user_category_counters \\((\\d+) orders").matcher(text.toString());
        List<String> labels = new ArrayList<>();
        List<Long> orders = new ArrayList<>();
        while (checks.find()) {
            labels.add(checks.group(1));
            orders.add(Long.parseLong(checks.group(2)));
        }
        assertThat(labels).as(text.toString()).containsExactly("verified (checkpoint)", "verified");
        assertThat(orders.get(1)).as("orders sent after the checkpoint are verified at the end").isGreaterThan(orders.get(0));
        // issue 19.7: the progress line's numbers add up (it showed "sent 250 -> landed 284")
        Matcher progress = Pattern.compile("topic ([\\d,]+) messages = landed ([\\d,]+) \\+ dead letters ([\\d,]+) "
                + "\\+ to land ([\\d,]+) \\(generator: ([\\d,]+) acknowledged\\)").matcher(text.toString());
        int lines = 0;
        for (; progress.find(); lines++) {
            long[] n = java.util.stream.IntStream.rangeClosed(1, 5)
                    .mapToLong(i -> Long.parseLong(progress.group(i).replace(",", ""))).toArray();
            assertThat(n[1] + n[2] + n[3]).as(progress.group()).isEqualTo(n[0]);
            assertThat(n[4]).as(progress.group()).isLessThanOrEqualTo(n[0]);
        }
        assertThat(lines).as(text.toString()).isGreaterThanOrEqualTo(2);

        List<OrderMessage> log = OrderLog.read(dir.resolve("generator/orders.log"));
        assertThat(log).extracting(OrderMessage::kind).contains(OrderMessage.Kind.DUPLICATE, OrderMessage.Kind.MALFORMED);
        Dictionaries dict = Dictionaries.generate(FoodDeliveryScenario.SEED, FoodDeliveryScenario.USERS, 4, 25);
        GroundTruth truth = GroundTruth.compute(log, dict);
        try (EmbeddedPostgres pg = EmbeddedPostgres.start(Optional.of(dir.resolve("postgres")));
             Warehouse w = Warehouse.connect(pg.jdbcUrl(), pg.user(), pg.password(), 2);
             Connection c = w.connection(); Statement s = c.createStatement()) {
            assertThat(MartVerifier.verify(c, w.sql(), "cdm", truth).matches()).isTrue();
            // every malformed message the generator sent is a dead letter, nothing else is
            long malformed = log.stream().filter(m -> m.kind() == OrderMessage.Kind.MALFORMED).count();
            try (ResultSet rs = s.executeQuery("SELECT count(*) FROM strata.dead_letters WHERE source = 'orders'")) {
                rs.next();
                assertThat(rs.getLong(1)).isEqualTo(malformed);
            }
            // one row per Kafka message that was valid: duplicates are separate messages, so separate rows
            try (ResultSet rs = s.executeQuery("SELECT count(*), count(DISTINCT (_partition, _offset)) FROM stg.orders")) {
                rs.next();
                assertThat(rs.getLong(1)).isEqualTo(log.size() - malformed).isEqualTo(rs.getLong(2));
            }

            s.executeUpdate("UPDATE cdm.user_product_counters SET order_cnt = order_cnt + 1 "
                    + "WHERE ctid = (SELECT min(ctid) FROM cdm.user_product_counters)");
            MartVerifier.Result corrupted = MartVerifier.verify(c, w.sql(), "cdm", truth);
            assertThat(corrupted.matches()).isFalse();
            assertThat(corrupted.differences()).singleElement().asString().contains("user_product_counters", "expected");
        }
    }

    @Test
    void shouldFailWhenACancelledOrderIsCounted(@TempDir Path dir) throws Exception {
        // A log where one order is CLOSED and then re-sent CANCELLED: the truth has no row for it,
        // so a mart that still counts it must not verify.
        Dictionaries dict = Dictionaries.generate(1, 20, 2, 10);
        var stream = new dev.strata.examples.fooddelivery.OrderStream(dict, 3,
                new dev.strata.examples.fooddelivery.OrderStream.Profile(0, 0, 1.0, 0, 1.0));
        List<OrderMessage> log = new ArrayList<>();
        while (log.stream().noneMatch(m -> m.kind() == OrderMessage.Kind.CANCELLATION)) {
            log.add(stream.next());
        }
        OrderMessage cancellation = log.get(log.size() - 1);
        GroundTruth truth = GroundTruth.compute(log, dict);
        GroundTruth truthIfCancelIgnored = GroundTruth.compute(log.subList(0, log.size() - 1), dict);
        assertThat(truthIfCancelIgnored.productCounters()).isNotEqualTo(truth.productCounters());

        try (EmbeddedPostgres pg = EmbeddedPostgres.start(Optional.empty());
             Warehouse w = Warehouse.connect(pg.jdbcUrl(), pg.user(), pg.password(), 2);
             Connection c = w.connection(); Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA cdm");
            s.execute("CREATE TABLE cdm.user_product_counters (user_id uuid, product_id uuid, product_name text, order_cnt int)");
            s.execute("CREATE TABLE cdm.user_category_counters (user_id uuid, category_id uuid, category_name text, order_cnt int)");
            insert(c, truthIfCancelIgnored);
            MartVerifier.Result r = MartVerifier.verify(c, w.sql(), "cdm", truth);
            assertThat(r.matches()).as("a mart counting order %d after its cancellation", cancellation.objectId()).isFalse();
            s.execute("TRUNCATE cdm.user_product_counters, cdm.user_category_counters");
            insert(c, truth);
            assertThat(MartVerifier.verify(c, w.sql(), "cdm", truth).matches()).isTrue();
        }
    }

    private static void insert(Connection c, GroundTruth t) throws Exception {
        try (var ps = c.prepareStatement("INSERT INTO cdm.user_product_counters VALUES (?, ?, ?, ?)")) {
            for (GroundTruth.ProductCount p : t.productCounters().values()) {
                ps.setObject(1, dev.strata.vault.HashStandard.hashKey(List.of(p.userId())));
                ps.setObject(2, dev.strata.vault.HashStandard.hashKey(List.of(p.productId())));
                ps.setString(3, p.productName());
                ps.setInt(4, p.orderCount());
                ps.executeUpdate();
            }
        }
        try (var ps = c.prepareStatement("INSERT INTO cdm.user_category_counters VALUES (?, ?, ?, ?)")) {
            for (GroundTruth.CategoryCount p : t.categoryCounters().values()) {
                ps.setObject(1, dev.strata.vault.HashStandard.hashKey(List.of(p.userId())));
                ps.setObject(2, dev.strata.vault.HashStandard.hashKey(List.of(p.categoryName())));
                ps.setString(3, p.categoryName());
                ps.setInt(4, p.orderCount());
                ps.executeUpdate();
            }
        }
    }
}
