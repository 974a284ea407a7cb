package dev.strata.quality;

import java.time.Instant;
import java.util.Optional;

/**
 * What a test run checks: the data interval of the task run it belongs to (a built-in test of an
 * incremental mart checks only that interval's rows; {@code sql} tests see it as
 * {@code {{ interval_start }}} / {@code {{ interval_end }}}), or none — a test run on demand or on a
 * continuous node checks everything. {@code now} is the reference time of {@code freshness} when
 * there is no interval (with one, it is the interval's end). {@code relation}, when present, is where
 * the tested node's rows are during this run ({@link #withRelation}).
 */
public record TestScope(Optional<Instant> start, Optional<Instant> end, Optional<Instant> logicalDate, Instant now,
                        Optional<String> relation) {
    /** Everything, measured against {@code now}. */
    public static TestScope everything(Instant now) {
        return new TestScope(Optional.empty(), Optional.empty(), Optional.empty(), now, Optional.empty());
    }

    public static TestScope interval(Instant start, Instant end, Instant logicalDate, Instant now) {
        return new TestScope(Optional.of(start), Optional.of(end), Optional.of(logicalDate), now, Optional.empty());
    }

    /**
     * This scope with the tested node's rows read from {@code qualifiedRelation} instead of the
     * node's own name: a view or table mart is tested under the name it is built as, before it is
     * published ({@code Materializer}'s contract), so that a failing test publishes nothing.
     */
    public TestScope withRelation(String qualifiedRelation) {
        return new TestScope(start, end, logicalDate, now, Optional.of(qualifiedRelation));
    }

    public boolean hasInterval() {
        return start.isPresent();
    }

    /** The time {@code freshness} measures age against. */
    public Instant reference() {
        return end.orElse(now);
    }
}
