package dev.strata.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class DemoRunnerTest {
    @Test
    void shouldSayHowLongTheConsoleStaysUpAsTheDurationWasGiven() {
        // issue 19.7: --duration 100s said "stays up for 1 min"
        assertThat(DemoRunner.lingering(Duration.ofSeconds(100), "http://127.0.0.1:1/"))
                .isEqualTo("the console stays up for 100s (Ctrl-C to stop): http://127.0.0.1:1/");
        assertThat(DemoRunner.lingering(Duration.ofMinutes(10), "u")).startsWith("the console stays up for 10m ");
        assertThat(DemoRunner.lingering(Duration.ofSeconds(30), "u")).startsWith("the console stays up for 30s ");
    }
}
