package dev.strata.config;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Schedule settings as written at one level of {@code schedule:} ({@code defaults}, {@code marts},
 * {@code vault}, or one node under {@code nodes}). Every field is optional so that levels can be
 * merged key by key with {@link #over}: a node's own setting wins over its layer's, which wins
 * over {@code defaults}.
 *
 * @param continuous       {@code continuous}: the node runs whenever new input lands, not on a clock
 * @param every            a fixed cadence ({@code 1d}, {@code 15m}), aligned to {@code start}
 * @param cron             a cron expression ({@code 0 6 * * *}) or a nickname ({@code @daily})
 * @param start            the first schedule point (UTC)
 * @param end              the last schedule point, inclusive
 * @param catchup          whether {@code strata run} runs every missed interval since {@code start}
 * @param offset           shifts each schedule point's data interval: {@code -1d} processes the day
 *                         before the schedule date ("today we process yesterday")
 * @param dependsOnPast    an interval waits until the node's previous interval succeeded
 * @param waitForDownstream with {@code dependsOnPast}: also until that previous interval's direct
 *                         downstream nodes succeeded
 * @param retries          extra attempts after a failure
 * @param retryDelay       wait before each retry
 * @param timeout          an attempt running longer is cancelled and counts as failed
 */
public record ScheduleSettings(Optional<Boolean> continuous, Optional<Duration> every, Optional<String> cron,
                               Optional<Instant> start, Optional<Instant> end, Optional<Boolean> catchup,
                               Optional<Duration> offset, Optional<Boolean> dependsOnPast,
                               Optional<Boolean> waitForDownstream, Optional<Integer> retries,
                               Optional<Duration> retryDelay, Optional<Duration> timeout) {
    public static ScheduleSettings empty() {
        return new ScheduleSettings(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.empty());
    }

    public static ScheduleSettings continuousOnly() {
        return empty().withCadence(Optional.of(true), Optional.empty(), Optional.empty());
    }

    /** These settings, with each missing one taken from {@code base}. A cadence is taken whole. */
    public ScheduleSettings over(ScheduleSettings base) {
        boolean ownCadence = continuous.isPresent() || every.isPresent() || cron.isPresent();
        return new ScheduleSettings(
                ownCadence ? continuous : base.continuous,
                ownCadence ? every : base.every,
                ownCadence ? cron : base.cron,
                start.or(base::start), end.or(base::end), catchup.or(base::catchup), offset.or(base::offset),
                dependsOnPast.or(base::dependsOnPast), waitForDownstream.or(base::waitForDownstream),
                retries.or(base::retries), retryDelay.or(base::retryDelay), timeout.or(base::timeout));
    }

    ScheduleSettings withCadence(Optional<Boolean> continuous, Optional<Duration> every, Optional<String> cron) {
        return new ScheduleSettings(continuous, every, cron, start, end, catchup, offset, dependsOnPast,
                waitForDownstream, retries, retryDelay, timeout);
    }

    public boolean isContinuous() {
        return continuous.orElse(false);
    }
}
