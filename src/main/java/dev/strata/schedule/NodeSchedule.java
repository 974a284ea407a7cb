package dev.strata.schedule;

import dev.strata.config.ScheduleSettings;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * When one node runs and how its runs behave, resolved from {@code schedule:} with the defaults
 * filled in. A continuous node ({@code cadence} empty) has no intervals: it runs when its input
 * lands. A scheduled node's schedule points are {@code start}, then each {@link Cadence#next};
 * point {@code S} processes the data interval {@code [S + offset, next(S) + offset)}, and is due
 * once that interval has ended.
 */
public record NodeSchedule(Optional<Cadence> cadence, Optional<Instant> start, Optional<Instant> end, boolean catchup,
                           Duration offset, boolean dependsOnPast, boolean waitForDownstream, int retries,
                           Duration retryDelay, Optional<Duration> timeout) {
    public static final Duration DEFAULT_EVERY = Duration.ofDays(1);
    public static final Duration DEFAULT_RETRY_DELAY = Duration.ofMinutes(5);
    /** A bound on intervals produced at once, so a typo such as {@code every: 1s} over a year fails clearly. */
    public static final int MAX_INTERVALS = 200_000;

    /** Resolves merged settings; a scheduled node without a cadence runs every day. */
    public static NodeSchedule of(ScheduleSettings s) {
        Optional<Cadence> cadence;
        if (s.isContinuous()) {
            cadence = Optional.empty();
        } else if (s.cron().isPresent()) {
            String expr = s.cron().get().trim();
            cadence = Optional.of(new Cadence.CronCadence(expr, dev.strata.config.CronSyntax.parse(expr)));
        } else {
            cadence = Optional.of(new Cadence.Every(s.every().orElse(DEFAULT_EVERY), s.start().orElse(Instant.EPOCH)));
        }
        return new NodeSchedule(cadence, s.start(), s.end(), s.catchup().orElse(true), s.offset().orElse(Duration.ZERO),
                s.dependsOnPast().orElse(false), s.waitForDownstream().orElse(false), s.retries().orElse(0),
                s.retryDelay().orElse(DEFAULT_RETRY_DELAY), s.timeout());
    }

    public static NodeSchedule continuous() {
        return of(dev.strata.config.ScheduleSettings.continuousOnly());
    }

    public boolean isContinuous() {
        return cadence.isEmpty();
    }

    private Cadence requireCadence() {
        return cadence.orElseThrow(() -> new IllegalStateException("a continuous node has no intervals"));
    }

    /** The data interval of schedule point {@code logical}. */
    public ScheduledInterval at(Instant logical) {
        Cadence c = requireCadence();
        return new ScheduledInterval(logical, new Interval(logical.plus(offset), c.next(logical).plus(offset)));
    }

    /** Schedule points in {@code [from, to]} (both inclusive), clipped to {@code start}/{@code end}. */
    public List<ScheduledInterval> between(Instant from, Instant to) {
        Cadence c = requireCadence();
        Instant lo = start.filter(s -> s.isAfter(from)).orElse(from);
        Instant hi = end.filter(e -> e.isBefore(to)).orElse(to);
        List<ScheduledInterval> out = new ArrayList<>();
        for (Instant p = c.atOrAfter(lo); !p.isAfter(hi); p = c.next(p)) {
            if (out.size() >= MAX_INTERVALS) {
                throw new IllegalArgumentException("more than " + MAX_INTERVALS + " intervals between " + from
                        + " and " + to + " (" + c.describe() + "); choose a shorter range");
            }
            out.add(at(p));
        }
        return out;
    }

    /**
     * Why {@code [from, to]} holds no schedule point ({@link #between} is empty), for a user who
     * asked for that range; empty when it holds one. Names the schedule's {@code end} or
     * {@code start} when the range lies beyond it.
     */
    public Optional<String> whyNoIntervals(Instant from, Instant to) {
        if (isContinuous()) {
            return Optional.of("it runs continuously, as data lands, not by interval");
        }
        if (!between(from, to).isEmpty()) {
            return Optional.empty();
        }
        if (end.isPresent() && from.isAfter(end.get())) {
            return Optional.of(endsAt());
        }
        if (start.isPresent() && to.isBefore(start.get())) {
            return Optional.of(startsAt());
        }
        return Optional.of("no schedule point of " + requireCadence().describe() + " falls in the range");
    }

    /** What of {@code [from, to]} the schedule's {@code start} or {@code end} leaves out, when it leaves something out. */
    public Optional<String> clippedBy(Instant from, Instant to) {
        List<String> parts = new ArrayList<>();
        start.filter(s -> s.isAfter(from)).ifPresent(s -> parts.add(startsAt()));
        end.filter(e -> e.isBefore(to)).ifPresent(e -> parts.add(endsAt()));
        return parts.isEmpty() ? Optional.empty() : Optional.of(String.join(" and ", parts));
    }

    private String endsAt() {
        return "the schedule ends at " + WHEN.format(end.orElseThrow()) + " UTC (end: in strata.yaml)";
    }

    private String startsAt() {
        return "the schedule starts at " + WHEN.format(start.orElseThrow()) + " UTC (start: in strata.yaml)";
    }

    private static final java.time.format.DateTimeFormatter WHEN = java.time.format.DateTimeFormatter
            .ofPattern("yyyy-MM-dd HH:mm").withZone(java.time.ZoneOffset.UTC);

    /**
     * The schedule points due at {@code now} that come after {@code after} (the last point already
     * queued, if any): their data interval has ended. Without {@code catchup}, or without a
     * {@code start} to catch up from, only the latest due point.
     */
    public List<ScheduledInterval> due(Instant now, Optional<Instant> after) {
        Cadence c = requireCadence();
        // the latest point whose data interval has ended: next(p) + offset <= now
        Instant horizon = now.minus(offset);
        Instant from = after.map(c::next).or(() -> start).orElse(null);
        if (from == null || !catchup) {
            Optional<ScheduledInterval> latest = Optional.of(at(c.previous(c.atOrBefore(horizon))));
            return latest.filter(l -> after.isEmpty() || l.logicalDate().isAfter(after.get()))
                    .filter(l -> start.isEmpty() || !l.logicalDate().isBefore(start.get()))
                    .filter(l -> end.isEmpty() || !l.logicalDate().isAfter(end.get()))
                    .map(List::of).orElse(List.of());
        }
        List<ScheduledInterval> out = new ArrayList<>();
        for (Instant p = c.atOrAfter(from); !c.next(p).isAfter(horizon); p = c.next(p)) {
            if (end.isPresent() && p.isAfter(end.get())) {
                break;
            }
            out.add(at(p));
            if (out.size() >= MAX_INTERVALS) {
                break;
            }
        }
        return out;
    }

    /** Attempts allowed in total: the first plus {@code retries}. */
    public int maxAttempts() {
        return retries + 1;
    }
}
