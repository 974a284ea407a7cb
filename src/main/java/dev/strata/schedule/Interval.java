package dev.strata.schedule;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/** A half-open time interval {@code [start, end)}, printed ISO-8601 style: {@code 2022-10-01T00:00:00Z/P1D}. */
public record Interval(Instant start, Instant end) {
    public Interval {
        Objects.requireNonNull(start);
        Objects.requireNonNull(end);
        if (!end.isAfter(start)) {
            throw new IllegalArgumentException("interval end " + end + " is not after its start " + start);
        }
    }

    public Duration length() {
        return Duration.between(start, end);
    }

    public boolean overlaps(Interval other) {
        return start.isBefore(other.end) && other.start.isBefore(end);
    }

    @Override
    public String toString() {
        Duration d = length();
        String period = d.toSeconds() % 86_400 == 0 ? "P" + d.toDays() + "D" : d.toString();
        return start + "/" + period;
    }
}
