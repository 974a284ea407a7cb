package dev.strata.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Random;
import org.junit.jupiter.api.Test;

class EventTimesTest {
    private static Instant at(String text) {
        return EventTimes.instant(EventTimes.parse(text).orElseThrow());
    }

    @Test
    void shouldReadIsoTextWithAndWithoutOffsets() {
        assertThat(at("2022-10-01T12:00:00Z")).isEqualTo(Instant.parse("2022-10-01T12:00:00Z"));
        assertThat(at("2022-10-01 12:00:00.123456")).isEqualTo(Instant.parse("2022-10-01T12:00:00.123456Z"));
        assertThat(at("2022-10-01T15:00:00+03:00")).isEqualTo(Instant.parse("2022-10-01T12:00:00Z"));
        assertThat(at("2022-10-01T15:00+0300")).isEqualTo(Instant.parse("2022-10-01T12:00:00Z"));
        assertThat(at("2022-10-01T09:30:00-02")).isEqualTo(Instant.parse("2022-10-01T11:30:00Z"));
        assertThat(at("2022-10-01")).isEqualTo(Instant.parse("2022-10-01T00:00:00Z"));
        assertThat(EventTimes.parse("2022-10-01 12:00:00")).contains("2022-10-01T12:00:00Z");
    }

    @Test
    void shouldRefuseWhatIsNotATimestamp() {
        for (String bad : new String[] {"01/10/2022", "yesterday", "2022-13-01", "2022-02-29", "2022-10-01T24:00",
                "2022-10-01T12:00:00+25:00", "2022-10-01T12:00:00.", "2022-10-01T12:00:00 UTC", "2022-10-01X"}) {
            assertThat(EventTimes.parse(bad)).as(bad).isEmpty();
        }
        assertThat(EventTimes.parse("2024-02-29")).isPresent();
    }

    @Test
    void shouldAgreeWithJavaTimeOnRandomInstantsAndOffsets() {
        Random r = new Random(42);
        for (int i = 0; i < 2000; i++) {
            Instant t = Instant.ofEpochSecond(r.nextInt(2_000_000_000), r.nextInt(1_000_000_000));
            OffsetDateTime odt = t.atOffset(java.time.ZoneOffset.ofTotalSeconds((r.nextInt(36) - 18) * 1800));
            assertThat(at(odt.toString())).as(odt.toString()).isEqualTo(t);
        }
    }

    @Test
    void shouldReadNumbersAsEpochSecondsOrMilliseconds() {
        assertThat(EventTimes.instant(EventTimes.fromNumber(1664625600).orElseThrow())).isEqualTo(Instant.parse("2022-10-01T12:00:00Z"));
        assertThat(EventTimes.instant(EventTimes.fromNumber(1664625600.5).orElseThrow())).isEqualTo(Instant.parse("2022-10-01T12:00:00.500Z"));
        assertThat(EventTimes.instant(EventTimes.fromNumber(1664625600123L).orElseThrow())).isEqualTo(Instant.parse("2022-10-01T12:00:00.123Z"));
    }

    @Test
    void shouldFormatKafkaTimestampsLikeJavaTime() {
        EventTimes.MillisFormatter f = new EventTimes.MillisFormatter();
        Random r = new Random(7);
        long base = 1_664_625_600_000L;
        for (int i = 0; i < 2000; i++) {
            long ms = base + r.nextInt(5000);
            assertThat(EventTimes.instant(f.format(ms))).isEqualTo(Instant.ofEpochMilli(ms));
        }
        assertThat(f.format(base + 7)).isEqualTo("2022-10-01T12:00:00.007Z");
    }
}
