package dev.strata.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.strata.runtime.Environment;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.junit.jupiter.api.Test;

/** Tests 1 and 2 of the landing issue: every message lands once, as produced; replays and repeated keys add nothing. */
class LandingIT {

    @Test
    void shouldLandEachOf100000MessagesOnceWithItsPayloadAsProduced() throws Exception {
        int n = 100_000;
        try (LandingFixture f = new LandingFixture(4)) {
            Map<String, String> produced = new HashMap<>(n * 2);
            for (int i = 0; i < n; i++) {
                String id = "o-" + i;
                String value = LandingFixture.order(id, i);
                produced.put(id, value);
                ProducerRecord<byte[], byte[]> r = new ProducerRecord<>(f.topic, i % 4, id.getBytes(StandardCharsets.UTF_8),
                        value.getBytes(StandardCharsets.UTF_8));
                if (i % 1000 == 0) {
                    r.headers().add(new RecordHeader("trace", ("t-" + i).getBytes(StandardCharsets.UTF_8)));
                }
                f.send(r);
            }
            f.flush();
            List<LandedBatch> batches = new CopyOnWriteArrayList<>();
            Environment env = f.environment("    key: $.object_id\n    event_time: $.sent_dttm\n");
            try (Landing landing = Landing.start(env, batches::add)) {
                assertThat(landing.sources()).containsExactly("orders");
                await().atMost(Duration.ofSeconds(90)).until(f::caughtUp);
            }
            assertThat(f.rows()).isEqualTo(n);
            try (Connection c = f.warehouse.connection(); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT _key, _payload::text, _partition, _offset, _event_time, _source_time,"
                         + " _headers::text, _batch_id FROM stg.orders")) {
                int seen = 0;
                while (rs.next()) {
                    seen++;
                    String key = rs.getString(1);
                    JsonNode landed = LandingFixture.JSON.readTree(rs.getString(2));
                    assertThat(landed).as("payload of %s", key).isEqualTo(LandingFixture.JSON.readTree(produced.get(key)));
                    int i = Integer.parseInt(key.substring(2));
                    assertThat(rs.getString(3)).isEqualTo(Integer.toString(i % 4));
                    assertThat(rs.getTimestamp(5)).as("_event_time from $.sent_dttm").isNotNull();
                    assertThat(rs.getTimestamp(6)).as("_source_time: the Kafka timestamp").isNotNull();
                    assertThat(rs.getString(7)).isEqualTo(i % 1000 == 0 ? "{\"trace\": \"t-" + i + "\"}" : null);
                }
                assertThat(seen).isEqualTo(n);
            }
            assertThat(f.scalar("SELECT count(DISTINCT _key) FROM stg.orders")).isEqualTo(n);
            assertThat(f.scalar("SELECT count(*) FROM stg.orders o LEFT JOIN strata.landing_batches b ON b.id = o._batch_id"
                    + " WHERE b.id IS NULL")).as("every row's batch is recorded").isZero();
            assertThat(batches.stream().mapToLong(LandedBatch::rowsLanded).sum()).isEqualTo(n);
            assertThat(f.scalar("SELECT count(*) FROM strata.dead_letters")).isZero();
            assertThat(f.scalar("SELECT count(*) FROM stg.orders WHERE _key = 'o-61'"
                    + " AND _event_time = timestamptz '2022-10-01 12:01:01+00'")).as("'2022-10-01 12:01:01' read as UTC")
                    .isEqualTo(1);
        }
    }

    @Test
    void shouldAddNoRowWhenPositionsAreResetAndTheTopicIsReplayed() throws Exception {
        try (LandingFixture f = new LandingFixture(2)) {
            for (int i = 0; i < 3000; i++) {
                f.send(i % 2, null, LandingFixture.order("o-" + i, i));
            }
            f.flush();
            for (String extra : List.of("    key: $.object_id\n", "")) {
                // keyed: identity is the key; not keyed: identity is (partition, offset)
                try (Connection c = f.warehouse.connection(); Statement s = c.createStatement()) {
                    s.execute("DROP TABLE IF EXISTS stg.orders");
                    s.execute("DELETE FROM strata.source_positions");
                }
                Environment env = f.environment(extra);
                try (Landing ignored = Landing.start(env)) {
                    await().atMost(Duration.ofSeconds(60)).until(f::caughtUp);
                }
                assertThat(f.rows()).isEqualTo(3000);
                long batchesBefore = f.scalar("SELECT count(*) FROM strata.landing_batches");

                try (Connection c = f.warehouse.connection(); Statement s = c.createStatement()) {
                    assertThat(s.executeUpdate("UPDATE strata.source_positions SET position = 0")).isEqualTo(2);
                }
                Environment again = f.environment(extra);
                try (Landing ignored = Landing.start(again)) {
                    await().atMost(Duration.ofSeconds(60)).until(f::caughtUp);
                    assertThat(again.metrics().get("strata.landing.duplicates").counter().count()).isEqualTo(3000);
                }
                assertThat(f.scalar("SELECT count(*) FROM strata.landing_batches")).as("the topic was read again")
                        .isGreaterThan(batchesBefore);
                assertThat(f.rows()).as("rows after replaying with %s", extra.isEmpty() ? "no key" : "a key").isEqualTo(3000);
            }
        }
    }

    @Test
    void shouldLandAKeyProducedTwiceOnceKeepingTheFirst() throws Exception {
        try (LandingFixture f = new LandingFixture(2)) {
            f.send(0, null, "{\"object_id\":\"a\",\"v\":1}");
            f.send(0, null, "{\"object_id\":\"a\",\"v\":2}");     // same batch, same partition
            f.send(1, null, "{\"object_id\":\"b\",\"v\":1}");
            f.flush();
            Environment env = f.environment("    key: $.object_id\n");
            try (Landing ignored = Landing.start(env)) {
                await().atMost(Duration.ofSeconds(60)).until(f::caughtUp);
                f.send(1, null, "{\"object_id\":\"a\",\"v\":3}");   // a later batch, another partition
                f.send(0, null, "{\"object_id\":\"b\",\"v\":2}");
                f.send(0, null, "{\"object_id\":\"c\",\"v\":1}");
                f.flush();
                await().atMost(Duration.ofSeconds(60)).until(f::caughtUp);
            }
            assertThat(f.strings("SELECT _key || ':' || (_payload->>'v') FROM stg.orders ORDER BY _key"))
                    .containsExactly("a:1", "b:1", "c:1");
        }
    }
}
