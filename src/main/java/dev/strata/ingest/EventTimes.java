package dev.strata.ingest;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.Optional;

/**
 * Reads the {@code event_time:} value of a record into the text the warehouse stores in
 * {@code _event_time}. Accepted: ISO-8601 text with or without an offset
 * ({@code 2022-10-01T12:00:00Z}, {@code 2022-10-01 12:00:00.123+03:00}, {@code +0300}, {@code +03};
 * without an offset it is UTC), a date ({@code 2022-10-01}, midnight UTC), or a JSON number of
 * epoch seconds (below 10^11, fractions allowed) or epoch milliseconds (from 10^11 on).
 *
 * <p>Hand-written rather than a {@code DateTimeFormatter}: it runs once per record, and
 * {@code parseBest} with optional sections cost a third of the landing thread's time. The result is
 * canonical text, {@code 2022-10-01T12:00:00.123+03:00}, with an explicit offset so that the
 * warehouse's session time zone never changes its meaning.
 */
final class EventTimes {
    /** 10^11 s is the year 5138; 10^11 ms is 1973: numbers at or above it are milliseconds. */
    static final double MILLIS_THRESHOLD = 1e11;

    private EventTimes() {
    }

    /** Canonical text of an ISO-8601 timestamp or date; empty when {@code text} is neither. */
    static Optional<String> parse(String text) {
        String t = text.trim();
        int n = t.length();
        if (n < 10 || !digits(t, 0, 4) || t.charAt(4) != '-' || !digits(t, 5, 2) || t.charAt(7) != '-' || !digits(t, 8, 2)) {
            return Optional.empty();
        }
        int year = num(t, 0, 4);
        int month = num(t, 5, 2);
        int day = num(t, 8, 2);
        if (month < 1 || month > 12 || day < 1 || day > daysIn(year, month)) {
            return Optional.empty();
        }
        StringBuilder out = new StringBuilder(32).append(t, 0, 10).append('T');
        if (n == 10) {
            return Optional.of(out.append("00:00:00Z").toString());
        }
        char sep = t.charAt(10);
        if ((sep != 'T' && sep != 't' && sep != ' ') || n < 16 || !digits(t, 11, 2) || t.charAt(13) != ':' || !digits(t, 14, 2)) {
            return Optional.empty();
        }
        if (num(t, 11, 2) > 23 || num(t, 14, 2) > 59) {
            return Optional.empty();
        }
        out.append(t, 11, 16);
        int i = 16;
        if (i < n && t.charAt(i) == ':') {
            if (i + 3 > n || !digits(t, i + 1, 2) || num(t, i + 1, 2) > 59) {
                return Optional.empty();
            }
            out.append(t, i, i + 3);
            i += 3;
            if (i < n && (t.charAt(i) == '.' || t.charAt(i) == ',')) {
                int j = i + 1;
                while (j < n && j - i - 1 < 9 && Character.isDigit(t.charAt(j))) {
                    j++;
                }
                if (j == i + 1) {
                    return Optional.empty();
                }
                out.append('.').append(t, i + 1, j);
                i = j;
            }
        } else {
            out.append(":00");
        }
        if (i == n) {
            return Optional.of(out.append('Z').toString());
        }
        char z = t.charAt(i);
        if ((z == 'Z' || z == 'z') && i + 1 == n) {
            return Optional.of(out.append('Z').toString());
        }
        if (z != '+' && z != '-') {
            return Optional.empty();
        }
        // +HH, +HHMM, +HH:MM
        int rest = n - i - 1;
        int hh;
        int mm = 0;
        if (rest == 2 && digits(t, i + 1, 2)) {
            hh = num(t, i + 1, 2);
        } else if (rest == 4 && digits(t, i + 1, 4)) {
            hh = num(t, i + 1, 2);
            mm = num(t, i + 3, 2);
        } else if (rest == 5 && digits(t, i + 1, 2) && t.charAt(i + 3) == ':' && digits(t, i + 4, 2)) {
            hh = num(t, i + 1, 2);
            mm = num(t, i + 4, 2);
        } else {
            return Optional.empty();
        }
        if (hh > 18 || mm > 59) {
            return Optional.empty();
        }
        out.append(z).append(two(hh)).append(':').append(two(mm));
        return Optional.of(out.toString());
    }

    /** Numeric form: epoch seconds or milliseconds (see the class comment), as canonical text. */
    static Optional<String> fromNumber(double value) {
        if (Double.isNaN(value) || Double.isInfinite(value)) {
            return Optional.empty();
        }
        double millis = Math.abs(value) >= MILLIS_THRESHOLD ? value : value * 1000.0;
        if (Math.abs(millis) > 1e14) {   // past the year 5138: not a plausible event time
            return Optional.empty();
        }
        long whole = (long) Math.floor(millis);
        long nanos = Math.round((millis - whole) * 1_000_000);
        return Optional.of(Instant.ofEpochMilli(whole).plusNanos(nanos).toString());
    }

    /** The instant a canonical text stands for (tests and replays). */
    static Instant instant(String canonical) {
        return java.time.OffsetDateTime.parse(canonical).toInstant();
    }

    private static boolean digits(String s, int from, int count) {
        if (from + count > s.length()) {
            return false;
        }
        for (int i = from; i < from + count; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }

    private static int num(String s, int from, int count) {
        int v = 0;
        for (int i = from; i < from + count; i++) {
            v = v * 10 + (s.charAt(i) - '0');
        }
        return v;
    }

    private static int daysIn(int year, int month) {
        return switch (month) {
            case 2 -> (year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)) ? 29 : 28;
            case 4, 6, 9, 11 -> 30;
            default -> 31;
        };
    }

    private static String two(int v) {
        return v < 10 ? "0" + v : Integer.toString(v);
    }

    /**
     * Formats Kafka record timestamps (epoch milliseconds) as UTC text, caching the text of the
     * last second: a batch's records mostly share a few seconds. Not thread-safe.
     */
    static final class MillisFormatter {
        private long second = Long.MIN_VALUE;
        private String prefix;

        String format(long epochMillis) {
            long s = Math.floorDiv(epochMillis, 1000);
            int ms = (int) Math.floorMod(epochMillis, 1000);
            if (s != second) {
                LocalDateTime t = LocalDateTime.ofEpochSecond(s, 0, ZoneOffset.UTC);
                if (t.getYear() < 0 || t.getYear() > 9999) {
                    return Instant.ofEpochMilli(epochMillis).toString();
                }
                prefix = String.format("%04d-%02d-%02dT%02d:%02d:%02d.", t.getYear(), t.getMonthValue(), t.getDayOfMonth(),
                        t.getHour(), t.getMinute(), t.getSecond());
                second = s;
            }
            return prefix + (ms < 10 ? "00" : ms < 100 ? "0" : "") + ms + "Z";
        }
    }
}
