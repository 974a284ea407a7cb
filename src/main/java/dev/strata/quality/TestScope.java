package dev.strata.quality;

import java.time.Instant;
import java.util.Optional;

/**
 * What a test run checks: the data interval of the task run it belongs to (a built-in test of an
 * incremental mart checks only that interval's rows; {@code sql} tests see it as
 * {@code {{ interval_start }}} / {@code {{ interval_end }}}), or none — a test run on demand or on a
 * continuous node checks everything. {@code now} is the reference time of {@code freshness} when
 * there is no interval (with one, it is the interval's end).
 */
public record TestScope(Optional<Instant> start, Optional<Instant> end, Optional<Instant> logicalDate, Instant now) {
    /** Everything, measured against {@code now}. */
    public static TestScope everything(Instant now) {
        return new TestScope(Optional.empty(), Optional.empty(), Optional.empty(), now);
    }

    public static TestScope interval(Instant start, Instant end, Instant logicalDate, Instant now) {
        return new TestScope(Optional.of(start), Optional.of(end), Optional.of(logicalDate), now);
    }

    public boolean hasInterval() {
        return start.isPresent();
    }

    /** The time {@code freshness} measures age against. */
    public Instant reference() {
        return end.orElse(now);
    }
}
