package dev.strata.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.strata.runtime.Environment;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * {@code dedup.window}: a key landed within the window is not landed again; after the window it
 * lands as a new row; replaying positions still adds nothing; keys older than the window are forgotten.
 */
class DedupWindowIT {
    private static final String WINDOWED = "    key: $.object_id\n    dedup: { window: 2s }\n    batch: { max_wait: 50ms }\n";

    @Test
    void shouldDropAKeyRepeatedWithinTheWindowAndLandItAgainAfterIt() throws Exception {
        try (LandingFixture f = new LandingFixture(2)) {
            Environment env = f.environment(WINDOWED);
            try (Landing ignored = Landing.start(env)) {
                f.send(0, null, "{\"object_id\":\"a\",\"v\":1}");
                f.send(0, null, "{\"object_id\":\"a\",\"v\":2}");   // same batch
                f.send(1, null, "{\"object_id\":\"b\",\"v\":1}");
                f.flush();
                await().atMost(Duration.ofSeconds(60)).until(f::caughtUp);
                f.send(1, null, "{\"object_id\":\"a\",\"v\":3}");   // a later batch, within the window
                f.flush();
                await().atMost(Duration.ofSeconds(60)).until(f::caughtUp);
                assertThat(f.strings("SELECT _key || ':' || (_payload->>'v') FROM stg.orders"))
                        .containsExactlyInAnyOrder("a:1", "b:1");

                await().atMost(Duration.ofSeconds(30)).until(() -> f.scalar("SELECT count(*) FROM stg.orders__dedup"
                        + " WHERE _key = 'a' AND _landed_at < now() - interval '2 seconds'") == 1);
                f.send(0, null, "{\"object_id\":\"a\",\"v\":4}");   // after the window: lands again
                f.flush();
                await().atMost(Duration.ofSeconds(60)).until(f::caughtUp);
                assertThat(f.strings("SELECT _key || ':' || (_payload->>'v') FROM stg.orders"))
                        .containsExactlyInAnyOrder("a:1", "b:1", "a:4");
                assertThat(f.strings("SELECT _key || ':' || (_payload->>'v') FROM stg.orders ORDER BY _seq DESC LIMIT 1"))
                        .as("landed last").containsExactly("a:4");
            }

            try (Connection c = f.warehouse.connection(); Statement s = c.createStatement()) {
                s.executeUpdate("UPDATE strata.source_positions SET position = 0");
            }
            try (Landing ignored = Landing.start(f.environment(WINDOWED))) {
                await().atMost(Duration.ofSeconds(60)).until(f::caughtUp);
            }
            assertThat(f.rows()).as("a replay adds nothing: each position lands once").isEqualTo(3);
            assertThat(f.strings("SELECT _key FROM stg.orders__dedup WHERE _landed_at < now() - interval '10 minutes'"))
                    .as("nothing older than the window is kept").isEmpty();
        }
    }
}
