package dev.strata.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class EventTimesTest {
    @Test
    void shouldReadIsoTextWithAndWithoutOffsets() {
        assertThat(EventTimes.parse("2022-10-01T12:00:00Z")).contains(Instant.parse("2022-10-01T12:00:00Z"));
        assertThat(EventTimes.parse("2022-10-01 12:00:00.123456")).contains(Instant.parse("2022-10-01T12:00:00.123456Z"));
        assertThat(EventTimes.parse("2022-10-01T15:00:00+03:00")).contains(Instant.parse("2022-10-01T12:00:00Z"));
        assertThat(EventTimes.parse("2022-10-01T15:00+0300")).contains(Instant.parse("2022-10-01T12:00:00Z"));
        assertThat(EventTimes.parse("2022-10-01")).contains(Instant.parse("2022-10-01T00:00:00Z"));
        assertThat(EventTimes.parse("01/10/2022")).isEmpty();
    }

    @Test
    void shouldReadNumbersAsEpochSecondsOrMilliseconds() {
        assertThat(EventTimes.fromNumber(1664625600)).contains(Instant.parse("2022-10-01T12:00:00Z"));
        assertThat(EventTimes.fromNumber(1664625600.5)).contains(Instant.parse("2022-10-01T12:00:00.500Z"));
        assertThat(EventTimes.fromNumber(1664625600123L)).contains(Instant.parse("2022-10-01T12:00:00.123Z"));
    }
}
