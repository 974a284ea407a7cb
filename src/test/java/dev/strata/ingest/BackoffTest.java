package dev.strata.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BackoffTest {
    @Test
    void shouldDoubleFromTheInitialDelayUpToTheCapWithinTwentyPercent() {
        Backoff b = new Backoff(Duration.ofMillis(200), Duration.ofSeconds(10));
        long[] bases = {200, 400, 800, 1600, 3200, 6400, 10_000, 10_000};
        for (long base : bases) {
            assertThat(b.next().toMillis()).isBetween(Math.round(base * 0.8), Math.round(base * 1.2));
        }
        for (int i = 0; i < 100; i++) {
            assertThat(b.next().toMillis()).isLessThanOrEqualTo(12_000);
        }
        assertThat(b.attempts()).isEqualTo(108);
        b.reset();
        assertThat(b.attempts()).isZero();
        assertThat(b.next().toMillis()).isBetween(160L, 240L);
    }
}
