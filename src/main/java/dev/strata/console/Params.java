package dev.strata.console;

import dev.strata.config.Identifiers;
import io.javalin.http.Context;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * Reads and validates request parameters. Every parameter an endpoint takes goes through here, so
 * that bad input is a 400 naming the parameter, before anything touches the warehouse.
 */
final class Params {
    private static final int MAX_TEXT = 200;

    private Params() {
    }

    /** A positive id from the path. */
    static long id(Context ctx, String name) {
        String raw = ctx.pathParam(name);
        try {
            long v = Long.parseLong(raw);
            if (v > 0) {
                return v;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw ApiException.badRequest(name + ": expected a positive integer, got '" + shorten(raw) + "'");
    }

    /** An optional positive integer query parameter (ids, cursors). */
    static Optional<Long> positiveLong(Context ctx, String name) {
        String raw = ctx.queryParam(name);
        if (raw == null || raw.isEmpty()) {
            return Optional.empty();
        }
        try {
            long v = Long.parseLong(raw);
            if (v > 0) {
                return Optional.of(v);
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw ApiException.badRequest(name + ": expected a positive integer, got '" + shorten(raw) + "'");
    }

    /** An optional name (source, table, node) that must be a safe identifier. */
    static Optional<String> identifier(Context ctx, String name) {
        String raw = ctx.queryParam(name);
        if (raw == null || raw.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(requireIdentifier(name, raw));
    }

    static String requireIdentifier(String name, String raw) {
        if (!Identifiers.isSafe(raw)) {
            throw ApiException.badRequest(name + ": '" + shorten(raw) + "' is not a valid name (" + Identifiers.RULE + ")");
        }
        return raw;
    }

    /** An integer query parameter within bounds, or the default when absent. */
    static int integer(Context ctx, String name, int defaultValue, int min, int max) {
        String raw = ctx.queryParam(name);
        if (raw == null || raw.isEmpty()) {
            return defaultValue;
        }
        try {
            int v = Integer.parseInt(raw);
            if (v >= min && v <= max) {
                return v;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw ApiException.badRequest(name + ": expected an integer from " + min + " to " + max + ", got '" + shorten(raw) + "'");
    }

    /** An optional instant: {@code 2022-10-02T00:00:00Z} or a date {@code 2022-10-02} (midnight UTC). */
    static Optional<Instant> instant(Context ctx, String name) {
        String raw = ctx.queryParam(name);
        if (raw == null || raw.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(parseInstant(name, raw));
    }

    static Instant parseInstant(String name, String raw) {
        try {
            if (raw.length() == 10) {
                return LocalDate.parse(raw).atStartOfDay().toInstant(ZoneOffset.UTC);
            }
            return Instant.parse(raw);
        } catch (DateTimeParseException e) {
            throw ApiException.badRequest(name + ": expected an instant like 2022-10-02T00:00:00Z or a date like 2022-10-02, got '"
                    + shorten(raw) + "'");
        }
    }

    /** Bounded, printable echo of user input for messages. */
    static String shorten(String raw) {
        if (raw == null) {
            return "";
        }
        String s = raw.length() > MAX_TEXT ? raw.substring(0, MAX_TEXT) + "..." : raw;
        StringBuilder out = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            out.append(Character.isISOControl(c) ? '?' : c);
        }
        return out.toString();
    }

    /**
     * An ISO-8601 interval, {@code start/end} or {@code start/duration}: {@code 2022-10-02/2022-10-03},
     * {@code 2022-10-02T00:00:00Z/P1D}, {@code 2022-10-02T10:00:00Z/PT1H}. End after start.
     */
    static Interval interval(String name, String raw) {
        if (raw == null || raw.isEmpty()) {
            throw ApiException.badRequest(name + ": required, e.g. 2022-10-02T00:00:00Z/P1D");
        }
        int slash = raw.indexOf('/');
        if (slash <= 0 || slash != raw.lastIndexOf('/') || slash == raw.length() - 1) {
            throw ApiException.badRequest(name + ": expected start/end or start/duration, got '" + shorten(raw) + "'");
        }
        Instant start = parseInstant(name, raw.substring(0, slash));
        String tail = raw.substring(slash + 1);
        Instant end;
        if (tail.startsWith("P")) {
            try {
                end = tail.contains("T") ? start.plus(java.time.Duration.parse(tail))
                        : start.atZone(ZoneOffset.UTC).plus(java.time.Period.parse(tail)).toInstant();
            } catch (DateTimeParseException e) {
                throw ApiException.badRequest(name + ": '" + shorten(tail) + "' is not an ISO-8601 duration (P1D, PT1H)");
            }
        } else {
            end = parseInstant(name, tail);
        }
        if (!end.isAfter(start)) {
            throw ApiException.badRequest(name + ": the end must be after the start");
        }
        return new Interval(start, end);
    }

    /** A half-open time interval {@code [start, end)}. */
    record Interval(Instant start, Instant end) {
        @Override
        public String toString() {
            return start + "/" + end;
        }
    }
}
