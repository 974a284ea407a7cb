package dev.strata.app;

import dev.strata.examples.DemoOptions;
import dev.strata.examples.Examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.strata.embedded.EmbeddedPostgres;
import dev.strata.examples.fooddelivery.OrderLog;
import dev.strata.examples.fooddelivery.OrderMessage;
import dev.strata.warehouse.Warehouse;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code strata demo --data-dir} killed with SIGKILL mid-stream, three times, and run again on the
 * same data directory: it resumes (positions, watermarks, the Kafka log and the generator log
 * persist), lands every Kafka message exactly once, sends no message twice (issue 20 item 12: the
 * generator's log is written before each send and its tail checked against the topic on resume;
 * a log line cut short by a kill does not swallow the next record), and its marts still equal the
 * ground truth.
 */
class FoodDeliveryDemoResumeIT {
    private static final int KILLS = 3;

    @Test
    @Tag("reliability")
    void shouldResumeAfterSigkillWithoutLossOrDuplicates(@TempDir Path dir) throws Exception {
        Path log = dir.resolve("generator/orders.log");
        int sentBeforeKill = 0;
        for (int kill = 1; kill <= KILLS; kill++) {
            int before = sentBeforeKill;
            Process demo = DemoProcess.start(dir.resolve("run-" + kill + ".txt"), "--data-dir", dir.toString(), "--rate", "60");
            try {
                await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(100))
                        .until(() -> Files.exists(log) && OrderLog.read(log).size() >= before + 150 + 37 * before % 50);
            } finally {
                demo.destroyForcibly();   // SIGKILL: no shutdown hook, no graceful close
                assertThat(demo.waitFor(20, TimeUnit.SECONDS)).isTrue();
            }
            sentBeforeKill = OrderLog.read(log).size();
            if (kill == 1) {
                // a kill in the middle of writing a log line leaves it cut short: it must not swallow the next record
                Files.writeString(log, "{\"i\":" + sentBeforeKill + ",\"kind\":\"ORD", StandardOpenOption.APPEND);
            }
        }

        StringWriter text = new StringWriter();
        boolean verified = new DemoRunner(Examples.named("food-delivery"), DemoOptions.defaults()
                .withDuration(Duration.ofSeconds(5)).withDataDir(dir).withRate(60).withConsole(false), new PrintWriter(text, true)).run(new CountDownLatch(1));
        assertThat(verified).as(text.toString()).isTrue();
        assertThat(text.toString()).contains("resuming : " + sentBeforeKill + " messages were sent by an earlier run");

        try (EmbeddedPostgres pg = EmbeddedPostgres.start(Optional.of(dir.resolve("postgres")));
             Warehouse w = Warehouse.connect(pg.jdbcUrl(), pg.user(), pg.password(), 2);
             Connection c = w.connection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT (SELECT count(*) FROM stg.orders), "
                     + "(SELECT count(*) FROM strata.dead_letters WHERE source = 'orders'), "
                     + "(SELECT sum(position) FROM strata.source_positions WHERE source = 'orders'), "
                     // the stream index every message carries: each index in STG or the dead letters once
                     + "(SELECT count(DISTINCT i) FROM (SELECT _headers ->> 'strata-demo-index' AS i FROM stg.orders UNION ALL "
                     + "  SELECT headers ->> 'strata-demo-index' FROM strata.dead_letters WHERE source = 'orders') x)")) {
            rs.next();
            long rows = rs.getLong(1);
            long deadLetters = rs.getLong(2);
            long consumed = rs.getLong(3);
            long distinct = rs.getLong(4);
            // every message up to the positions (the topic's end, after the drain) is a row or a
            // dead letter exactly once: (_partition, _offset) is unique, so equality means none lost
            assertThat(rows + deadLetters).isEqualTo(consumed);
            List<OrderMessage> logged = OrderLog.read(log);
            System.out.printf("demo resume test: %d kills, %d logged before the last kill, %d logged in all, "
                    + "%d messages in the topic, %d distinct stream indices, %d re-sent copies%n",
                    KILLS, sentBeforeKill, logged.size(), consumed, distinct, consumed - distinct);
            // the generator resumed without re-sending: every logged message is in the topic once, nothing else is
            assertThat(logged).extracting(OrderMessage::index)
                    .containsExactlyElementsOf(LongStream.range(0, logged.size()).boxed().toList());
            assertThat(distinct).as("distinct stream indices in the topic").isEqualTo(logged.size());
            assertThat(consumed).as("messages in the topic").isEqualTo(logged.size());
        }
    }
}
