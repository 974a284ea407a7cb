package dev.strata.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.strata.config.EnvResolver;
import dev.strata.config.ProjectLoader;
import dev.strata.runtime.Environment;
import dev.strata.testing.TestServers;
import dev.strata.warehouse.Warehouse;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The streams page's per-source error against a real broker. */
class StreamMonitorIT {

    @Test
    void shouldSayATopicDoesNotExistWhenTheBrokerIsUpAndTheTopicIsNot(@TempDir Path dir) throws Exception {
        String topic = TestServers.uniqueName("never_produced");
        Files.writeString(dir.resolve("strata.yaml"), """
                name: streams_missing
                sources:
                  orders: { kafka: { topic: %s, bootstrap: embedded } }
                """.formatted(topic));
        try (Warehouse w = TestServers.newDatabase()) {
            w.migrate();
            Environment env = new Environment(new ProjectLoader(EnvResolver.of(Map.of())).load(dir), w,
                    TestServers.kafka().bootstrap(), new SimpleMeterRegistry(), Clock.systemUTC(), "test");
            StreamMonitor monitor = StreamMonitor.start(env, new Db(w));
            try {
                await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(monitor.snapshot().sources())
                        .singleElement().satisfies(s -> assertThat(s.error()).isEqualTo("topic " + topic
                                + " does not exist (yet): nothing has been produced to it, or its name is wrong")));

                TestServers.kafka().createTopic(topic, 2);
                await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(monitor.snapshot().sources())
                        .singleElement().satisfies(s -> {
                            assertThat(s.error()).isNull();
                            assertThat(s.partitions()).hasSize(2);
                        }));
            } finally {
                monitor.close();
            }
        }
    }
}
