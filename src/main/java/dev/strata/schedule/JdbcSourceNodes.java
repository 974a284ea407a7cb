package dev.strata.schedule;

import dev.strata.config.JdbcSourceSpec;
import dev.strata.config.Position;
import dev.strata.config.Problems;
import dev.strata.config.ScheduleSection;
import dev.strata.config.ScheduleSettings;
import dev.strata.config.SourceConfig;
import dev.strata.ingest.JdbcLanding;
import dev.strata.runtime.Environment;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Optional;

/**
 * {@code jdbc} sources as scheduled nodes. A source's schedule is its {@code schedule.nodes.<name>}
 * over its own {@code schedule:} over {@code schedule.defaults}, every day by default and without
 * catch-up by default (a snapshot cannot be taken for the past: a missed day re-run later would
 * take today's data, see docs/sources.md). A run lands the source ({@link JdbcLanding}) and, in the
 * same transaction as its success, reports the source covered up to the end of its interval
 * ({@code strata.node_coverage}), so that a mart downstream runs an interval only once the source
 * run that covers it has succeeded — not merely when no failed one is in its way.
 */
final class JdbcSourceNodes {
    private JdbcSourceNodes() {
    }

    static boolean isJdbc(SourceConfig s) {
        return s.spec() instanceof JdbcSourceSpec;
    }

    /** The source's merged schedule; a cadence of {@code continuous} is a problem at the source. */
    static NodeSchedule schedule(ScheduleSection section, SourceConfig s, Problems problems) {
        JdbcSourceSpec spec = (JdbcSourceSpec) s.spec();
        ScheduleSettings base = new ScheduleSettings(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.of(false), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty());
        ScheduleSettings merged = section.nodes().getOrDefault(s.name(), ScheduleSettings.empty())
                .over(spec.schedule().over(section.defaults().over(base)));
        if (merged.isContinuous()) {
            problems.add(section.nodePositions().getOrDefault(s.name(), s.position()), "schedule",
                    s.name() + ": a jdbc source runs on a schedule (every: 1h, cron: '0 1 * * *', @daily), not continuously");
            merged = spec.schedule();
        }
        try {
            return NodeSchedule.of(merged);
        } catch (IllegalArgumentException e) {
            Position at = section.nodePositions().getOrDefault(s.name(), s.position());
            problems.add(at, "schedule", s.name() + ": " + e.getMessage());
            return NodeSchedule.of(ScheduleSettings.empty());
        }
    }

    /** What a run of the source does: land it, then report its coverage in the task's transaction. */
    static TaskAction action(String pipeline, SourceConfig s) {
        JdbcLanding landing = JdbcLanding.of(pipeline, s);
        String worker = Environment.defaultWorkerId();
        boolean snapshot = ((JdbcSourceSpec) s.spec()).mode() == JdbcSourceSpec.Mode.SNAPSHOT;
        return ctx -> {
            long rows;
            if (snapshot) {
                // the snapshot's date is the run's {{ ds }}: its data interval's start date (UTC)
                LocalDate date = LocalDate.ofInstant(ctx.interval().data().start(), ZoneOffset.UTC);
                rows = landing.snapshot(ctx.warehouse(), ctx.connection(), date, worker);
            } else {
                rows = landing.increment(ctx.warehouse(), worker);
            }
            TaskRunStore.cover(ctx.warehouse(), ctx.connection(), pipeline, s.name(), ctx.interval().data().end());
            return rows;
        };
    }
}
