package dev.strata.schedule;

import java.time.Instant;

/**
 * One schedule point and the data interval it processes. With {@code offset: 0} the point is the
 * interval's start (Airflow's logical date); with {@code offset: -1d} the run dated 2022-10-02
 * processes {@code [2022-10-01, 2022-10-02)}.
 */
public record ScheduledInterval(Instant logicalDate, Interval data) {
}
