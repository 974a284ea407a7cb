package dev.strata.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code strata demo} without {@code --duration}, stopped as a user stops it (SIGTERM, which the JVM
 * handles like Ctrl-C): it stops the generator, lets the pipeline catch up and verifies the marts
 * on the way out — with the embedded PostgreSQL still up until it has finished.
 */
class FoodDeliveryDemoStopIT {

    @Test
    void shouldVerifyTheMartsOnTheWayOutWhenStopped(@TempDir Path dir) throws Exception {
        Path output = dir.resolve("demo.txt");
        Process demo = DemoProcess.start(output, "--rate", "60");
        try {
            await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(200))
                    .until(() -> Files.readString(output).contains("sending orders"));
            Thread.sleep(4000);   // some orders in flight, before the 10 s checkpoint
            demo.destroy();       // SIGTERM: shutdown hooks run, as on Ctrl-C
            assertThat(demo.waitFor(3, TimeUnit.MINUTES)).as("the demo stops").isTrue();
        } finally {
            demo.destroyForcibly();
        }
        String text = Files.readString(output);
        assertThat(text).contains("generator stopped after")
                .containsPattern("verified: \\d+ rows in user_product_counters, \\d+ rows in user_category_counters")
                .doesNotContain("unexpected failure").doesNotContain("terminating connection");
    }
}
