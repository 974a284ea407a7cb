package dev.strata.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.strata.config.EnvResolver;
import dev.strata.config.ProjectConfig;
import dev.strata.config.ProjectLoader;
import dev.strata.embedded.EmbeddedRedis;
import dev.strata.runtime.Environment;
import dev.strata.testing.TestServers;
import dev.strata.warehouse.Warehouse;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

class RedisLanderIT {

    private static long count(Warehouse w, String sql) throws SQLException {
        try (Connection c = w.connection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Test
    void shouldLandSnapshotsWithoutDuplicatesAndChangedEntriesAsNewRows() throws Exception {
        try (EmbeddedRedis redis = EmbeddedRedis.start();
             Warehouse warehouse = TestServers.newDatabase();
             Jedis jedis = new Jedis("127.0.0.1", redis.port())) {
            warehouse.migrate();
            jedis.auth(redis.password().reveal());
            jedis.set("user:1", "{\"_id\":\"1\",\"name\":\"Anna\"}");
            jedis.set("user:2", "{\"_id\":\"2\",\"name\":\"Boris\"}");
            jedis.set("other:9", "{\"_id\":\"9\"}");
            ProjectConfig project = new ProjectLoader(EnvResolver.of(Map.of())).parse(Path.of("."), """
                    name: dict
                    sources:
                      users:
                        redis: { url: embedded, keys: "user:*", refresh: 200ms }
                    """, "strata.yaml");
            Environment env = new Environment(project, warehouse, null, new SimpleMeterRegistry(), Clock.systemUTC(),
                    "test-worker", redis.url(), redis.password());
            try (Landing landing = Landing.start(env)) {
                await().atMost(Duration.ofSeconds(20)).until(() -> tableExists(warehouse)
                        && count(warehouse, "SELECT count(*) FROM stg.users") == 2);
                // several refreshes of an unchanged dictionary add nothing
                long snapshot = count(warehouse, "SELECT position FROM strata.source_positions WHERE source = 'users'");
                await().atMost(Duration.ofSeconds(20)).until(() ->
                        count(warehouse, "SELECT position FROM strata.source_positions WHERE source = 'users'") >= snapshot + 3);
                assertThat(count(warehouse, "SELECT count(*) FROM stg.users")).isEqualTo(2);

                jedis.set("user:2", "{\"_id\":\"2\",\"name\":\"Boris Petrov\"}");
                jedis.set("user:3", "not json at all");
                await().atMost(Duration.ofSeconds(20)).until(() -> count(warehouse, "SELECT count(*) FROM stg.users") == 3);
                await().atMost(Duration.ofSeconds(20)).until(() ->
                        count(warehouse, "SELECT count(*) FROM strata.dead_letters WHERE source = 'users'") == 1);
                assertThat(count(warehouse, "SELECT count(*) FROM stg.users WHERE _payload->>'_id' = '2'")).isEqualTo(2);
                assertThat(count(warehouse, "SELECT count(*) FROM stg.users WHERE _payload->>'_id' = '9'")).isZero();
                // the broken entry is reported once, not on every refresh
                long later = count(warehouse, "SELECT position FROM strata.source_positions WHERE source = 'users'");
                await().atMost(Duration.ofSeconds(20)).until(() ->
                        count(warehouse, "SELECT position FROM strata.source_positions WHERE source = 'users'") >= later + 3);
                assertThat(count(warehouse, "SELECT count(*) FROM strata.dead_letters WHERE source = 'users'")).isEqualTo(1);
                assertThat(count(warehouse, "SELECT count(*) FROM strata.dead_letters WHERE source = 'users' "
                        + "AND convert_from(raw_key, 'UTF8') = 'user:3' AND reason LIKE '%not valid JSON%'")).isEqualTo(1);
            }
        }
    }

    private static boolean tableExists(Warehouse w) throws SQLException {
        return count(w, "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'stg' AND table_name = 'users'") == 1;
    }
}
