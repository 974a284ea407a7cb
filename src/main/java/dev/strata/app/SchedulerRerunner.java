package dev.strata.app;

import dev.strata.ErrorCode;
import dev.strata.StrataException;
import dev.strata.console.Rerunner;
import dev.strata.schedule.Scheduler;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Objects;

/**
 * The console's Re-run button on this process's scheduler: {@link Scheduler#rerun} queues a new
 * attempt of the task run, and the run log records it as a {@code manual} pipeline run of that one
 * task, like {@code strata trigger}.
 */
public final class SchedulerRerunner implements Rerunner {
    private final Scheduler scheduler;

    public SchedulerRerunner(Scheduler scheduler) {
        this.scheduler = Objects.requireNonNull(scheduler);
    }

    @Override
    public void rerun(String node, Instant start, Instant end) {
        try {
            if (!scheduler.rerun(node, start)) {
                throw new IllegalArgumentException("no run of " + node + " starts at " + start);
            }
        } catch (SQLException e) {
            throw new StrataException(ErrorCode.WAREHOUSE_UNAVAILABLE, "cannot queue the re-run: " + e.getMessage(), e);
        }
    }
}
