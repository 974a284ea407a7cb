package dev.strata.ingest;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoField;
import java.time.temporal.TemporalAccessor;
import java.util.Optional;

/**
 * Reads the {@code event_time:} value of a record. Accepted: ISO-8601 text with or without an
 * offset ({@code 2022-10-01T12:00:00Z}, {@code 2022-10-01 12:00:00.123+03:00}; without an offset
 * it is UTC), a date ({@code 2022-10-01}, midnight UTC), or a JSON number of epoch seconds (below
 * 10^11, fractions allowed) or epoch milliseconds (from 10^11 on).
 */
final class EventTimes {
    /** 10^11 s is the year 5138; 10^11 ms is 1973: numbers at or above it are milliseconds. */
    static final double MILLIS_THRESHOLD = 1e11;

    private static final DateTimeFormatter FORMAT = new DateTimeFormatterBuilder()
            .parseCaseInsensitive()
            .append(DateTimeFormatter.ISO_LOCAL_DATE)
            .optionalStart()
            .appendLiteral('T')
            .appendValue(ChronoField.HOUR_OF_DAY, 2).appendLiteral(':')
            .appendValue(ChronoField.MINUTE_OF_HOUR, 2)
            .optionalStart().appendLiteral(':').appendValue(ChronoField.SECOND_OF_MINUTE, 2).optionalEnd()
            .optionalStart().appendFraction(ChronoField.NANO_OF_SECOND, 0, 9, true).optionalEnd()
            .optionalStart().appendOffset("+HH:MM", "Z").optionalEnd()
            .optionalStart().appendOffset("+HHMM", "Z").optionalEnd()
            .optionalStart().appendOffset("+HH", "Z").optionalEnd()
            .optionalEnd()
            .toFormatter();

    private EventTimes() {
    }

    /** Text form; empty when it is not a timestamp in one of the accepted forms. */
    static Optional<Instant> parse(String text) {
        String t = text.trim();
        if (t.length() > 10 && t.charAt(10) == ' ') {
            t = t.substring(0, 10) + 'T' + t.substring(11);
        }
        try {
            TemporalAccessor parsed = FORMAT.parseBest(t, OffsetDateTime::from, LocalDateTime::from, LocalDate::from);
            if (parsed instanceof OffsetDateTime odt) {
                return Optional.of(odt.toInstant());
            }
            if (parsed instanceof LocalDateTime ldt) {
                return Optional.of(ldt.toInstant(ZoneOffset.UTC));
            }
            return Optional.of(((LocalDate) parsed).atStartOfDay().toInstant(ZoneOffset.UTC));
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    /** Numeric form: epoch seconds or milliseconds (see the class comment). */
    static Optional<Instant> fromNumber(double value) {
        if (Double.isNaN(value) || Double.isInfinite(value)) {
            return Optional.empty();
        }
        double millis = Math.abs(value) >= MILLIS_THRESHOLD ? value : value * 1000.0;
        if (Math.abs(millis) > 1e17) {
            return Optional.empty();
        }
        long whole = (long) Math.floor(millis);
        long nanos = Math.round((millis - whole) * 1_000_000);
        return Optional.of(Instant.ofEpochMilli(whole).plusNanos(nanos));
    }
}
