package dev.strata.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The freshness benchmark's percentiles: nearest rank, so p95 of 20 delays is the 19th smallest, never an interpolated value. */
class FreshnessPercentilesTest {
    @Test
    void shouldTakeTheNearestRank() {
        long[] delays = new long[20];
        for (int i = 0; i < delays.length; i++) {
            delays[i] = (20 - i) * 10L;   // 200, 190, ..., 10: unsorted on purpose
        }
        FreshnessBenchmark.Percentiles p = FreshnessBenchmark.Percentiles.of(delays);
        assertThat(p.count()).isEqualTo(20);
        assertThat(p.p50()).isEqualTo(100);
        assertThat(p.p95()).isEqualTo(190);
        assertThat(p.p99()).isEqualTo(200);
        assertThat(p.max()).isEqualTo(200);
        assertThat(delays[0]).as("the caller's array is left as it was").isEqualTo(200);
    }

    @Test
    void shouldGiveZeroForNoDelays() {
        assertThat(FreshnessBenchmark.Percentiles.of(new long[0])).isEqualTo(new FreshnessBenchmark.Percentiles(0, 0, 0, 0, 0));
    }
}
