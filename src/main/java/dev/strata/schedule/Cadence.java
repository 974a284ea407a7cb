package dev.strata.schedule;

import com.cronutils.model.Cron;
import com.cronutils.model.time.ExecutionTime;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Optional;

/** The points in time at which a scheduled node runs: a fixed {@code every} or a cron expression, in UTC. */
public sealed interface Cadence {
    /** The first schedule point at or after {@code t}. */
    Instant atOrAfter(Instant t);

    /** The last schedule point at or before {@code t}. */
    Instant atOrBefore(Instant t);

    /** The schedule point following {@code point}. */
    Instant next(Instant point);

    /** The schedule point before {@code point}. */
    Instant previous(Instant point);

    /** What the config says: {@code every 1d} or {@code cron @daily}. */
    String describe();

    /** Every {@code every}, counted from {@code anchor} (the node's start, or the epoch). */
    record Every(Duration every, Instant anchor) implements Cadence {
        @Override
        public Instant atOrAfter(Instant t) {
            long step = every.toMillis();
            long delta = t.toEpochMilli() - anchor.toEpochMilli();
            long n = Math.floorDiv(delta, step) + (Math.floorMod(delta, step) == 0 ? 0 : 1);
            return anchor.plusMillis(n * step);
        }

        @Override
        public Instant atOrBefore(Instant t) {
            long step = every.toMillis();
            return anchor.plusMillis(Math.floorDiv(t.toEpochMilli() - anchor.toEpochMilli(), step) * step);
        }

        @Override
        public Instant next(Instant point) {
            return point.plus(every);
        }

        @Override
        public Instant previous(Instant point) {
            return point.minus(every);
        }

        @Override
        public String describe() {
            return "every " + dev.strata.config.Durations.format(every);
        }
    }

    /** A cron expression evaluated in UTC with cron-utils. */
    record CronCadence(String expression, Cron cron) implements Cadence {
        private ExecutionTime execution() {
            return ExecutionTime.forCron(cron);
        }

        @Override
        public Instant atOrAfter(Instant t) {
            ZonedDateTime z = t.atZone(ZoneOffset.UTC);
            if (execution().isMatch(z)) {
                return t;
            }
            return next(t);
        }

        @Override
        public Instant atOrBefore(Instant t) {
            ZonedDateTime z = t.atZone(ZoneOffset.UTC);
            if (execution().isMatch(z)) {
                return t;
            }
            return previous(t);
        }

        @Override
        public Instant previous(Instant point) {
            return execution().lastExecution(point.atZone(ZoneOffset.UTC))
                    .orElseThrow(() -> new IllegalStateException("cron '" + expression + "' has no run before " + point))
                    .toInstant();
        }

        @Override
        public Instant next(Instant point) {
            Optional<ZonedDateTime> n = execution().nextExecution(point.atZone(ZoneOffset.UTC));
            return n.orElseThrow(() -> new IllegalStateException("cron '" + expression + "' has no run after " + point))
                    .toInstant();
        }

        @Override
        public String describe() {
            return "cron " + expression;
        }
    }
}
