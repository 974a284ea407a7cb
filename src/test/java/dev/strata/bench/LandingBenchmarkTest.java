package dev.strata.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/**
 * The benchmark's messages as other code reads them: {@code bench landing --peers} (bench/peers)
 * checks each way's table by looking up {@link LandingBenchmark#key(int)} and comparing the row
 * with {@link LandingBenchmark#message(int)}, so the two must agree.
 */
class LandingBenchmarkTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void shouldLandEachMessageUnderItsOwnObjectIdAsKey() throws Exception {
        for (int i : new int[] {0, 1, 9_999, 123_456, 999_999}) {
            JsonNode m = JSON.readTree(LandingBenchmark.message(i));
            assertThat(m.get("object_id").asText()).isEqualTo(LandingBenchmark.key(i));
        }
        assertThat(LandingBenchmark.key(7)).isNotEqualTo(LandingBenchmark.key(70));
    }
}
