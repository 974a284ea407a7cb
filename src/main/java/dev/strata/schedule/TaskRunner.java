package dev.strata.schedule;

import dev.strata.StrataException;
import dev.strata.quality.DataTestFailure;
import dev.strata.quality.TestResultStore;
import dev.strata.warehouse.Warehouse;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one claimed task run: fence, action and success in one transaction (see
 * {@link TaskRunStore}), failure recorded after rollback. A {@code timeout} is enforced twice: by
 * the database (statement timeout) and by a watchdog that aborts the connection, which rolls the
 * transaction back. {@link #abortRunning} does the same for a graceful stop that ran out of time.
 */
final class TaskRunner {
    private static final Logger LOG = LoggerFactory.getLogger(TaskRunner.class);

    /** How an attempt ended. */
    enum Outcome { SUCCESS, UP_FOR_RETRY, FAILED, LOST, ABANDONED }

    private final Pipeline pipeline;
    private final Warehouse warehouse;
    private final TaskRunStore store;
    private final ScheduledExecutorService watchdog;
    private final Clock clock;
    private final java.util.function.Consumer<RetryWait> retries;
    private final java.util.Set<Connection> running = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private volatile boolean aborting;

    TaskRunner(Pipeline pipeline, Warehouse warehouse, TaskRunStore store, ScheduledExecutorService watchdog, Clock clock,
               java.util.function.Consumer<RetryWait> retries) {
        this.retries = retries;
        this.pipeline = pipeline;
        this.warehouse = warehouse;
        this.store = store;
        this.watchdog = watchdog;
        this.clock = clock;
    }

    Outcome run(TaskRunStore.ClaimedRun run) {
        Optional<TaskAction> action = pipeline.action(run.node());
        if (action.isEmpty()) {
            return recordFailure(run, "node '" + run.node() + "' is not in this worker's project, or has nothing to run");
        }
        Instant started = clock.instant();
        boolean[] timedOut = {false};
        try (Connection c = warehouse.connection()) {
            c.setAutoCommit(false);
            running.add(c);
            ScheduledFuture<?> guard = run.timeout().map(t -> watchdog.schedule(() -> {
                timedOut[0] = true;
                abort(c);
            }, t.toMillis() + 1000, TimeUnit.MILLISECONDS)).orElse(null);
            try {
                if (!store.fence(c, run)) {
                    c.rollback();
                    return Outcome.LOST;
                }
                warehouse.settings().beginTask(c, run.timeout());
                long rows = action.get().run(new TaskContext(c, warehouse, run.node(), run.interval(), run.attempt()));
                store.succeed(c, run, rows);
                c.commit();
                LOG.debug("{} {} succeeded in {} ms ({} rows)", run.node(), run.interval().data(),
                        Duration.between(started, clock.instant()).toMillis(), rows);
                return Outcome.SUCCESS;
            } catch (SQLException | RuntimeException e) {
                rollbackQuietly(c);
                if (aborting && !timedOut[0]) {
                    store.abandon(run);
                    return Outcome.ABANDONED;
                }
                String error = timedOut[0] || (e instanceof SQLException se && warehouse.errors().isTimeout(se))
                        ? "timed out after " + dev.strata.config.Durations.format(run.timeout().orElse(Duration.ZERO))
                        : describe(e);
                if (e instanceof DataTestFailure f) {
                    recordTests(run, f);
                }
                return recordFailure(run, error);
            } finally {
                if (guard != null) {
                    guard.cancel(false);
                }
                running.remove(c);
                try {
                    c.setAutoCommit(true);
                } catch (SQLException ignored) {
                    // aborted or broken: the pool discards it
                }
            }
        } catch (SQLException e) {
            // Could not even get a connection or record the outcome: the lease will expire and another
            // attempt will be made; nothing of this attempt was committed.
            LOG.warn("{} {}: could not run or record the attempt: {}", run.node(), run.interval().data(), e.getMessage());
            return Outcome.LOST;
        }
    }

    /** After the rollback: the tests' results (which the task's transaction would have written) in their own. */
    private void recordTests(TaskRunStore.ClaimedRun run, DataTestFailure f) {
        try {
            new TestResultStore(pipeline.name()).record(warehouse, TestResultStore.RunRef.task(run.interval().data().start(),
                    run.interval().data().end(), run.attempt()), TestResultStore.Trigger.TASK, f.results());
        } catch (SQLException e) {
            LOG.warn("{} {}: could not record the data tests' results ({})", run.node(), run.interval().data(), e.getMessage());
        }
    }

    private Outcome recordFailure(TaskRunStore.ClaimedRun run, String error) {
        try {
            TaskRunStore.Failure failure = store.fail(run, error);
            TaskState state = failure.state();
            if (state == TaskState.UP_FOR_RETRY) {
                Instant next = failure.nextAttempt().orElseThrow();
                LOG.warn("{} {} attempt {} of {} failed; next attempt at {} (in {}): {}", run.node(), run.interval().data(),
                        run.attempt(), failure.maxAttempts(), next,
                        dev.strata.config.Durations.format(Duration.ofSeconds(Math.max(0,
                                Math.round(Duration.between(clock.instant(), next).toMillis() / 1000.0)))), error);
                retries.accept(new RetryWait(run.node(), run.interval().logicalDate(), run.interval().data(),
                        run.attempt(), failure.maxAttempts(), error, next));
            } else {
                LOG.warn("{} {} attempt {} failed: {}", run.node(), run.interval().data(), run.attempt(), error);
            }
            return state == TaskState.UP_FOR_RETRY ? Outcome.UP_FOR_RETRY
                    : state == TaskState.FAILED ? Outcome.FAILED : Outcome.LOST;
        } catch (SQLException e) {
            LOG.warn("{} {}: could not record failure ({}); the lease will expire and it will run again",
                    run.node(), run.interval().data(), e.getMessage());
            return Outcome.LOST;
        }
    }

    /** Aborts every running attempt's connection; their transactions roll back and the runs are given back. */
    void abortRunning() {
        aborting = true;
        running.forEach(TaskRunner::abort);
    }

    private static void abort(Connection c) {
        try {
            Executor direct = Runnable::run;
            c.abort(direct);
        } catch (SQLException e) {
            LOG.debug("abort failed: {}", e.getMessage());
        }
    }

    private static void rollbackQuietly(Connection c) {
        try {
            c.rollback();
        } catch (SQLException ignored) {
            // the connection is gone; the database rolled back already
        }
    }

    static String describe(Throwable e) {
        if (e instanceof StrataException) {
            return e.getMessage();
        }
        if (e instanceof SQLException se) {
            String state = se.getSQLState() == null ? "" : " [SQLState " + se.getSQLState() + "]";
            return se.getMessage() + state;
        }
        return e.getClass().getSimpleName() + ": " + e.getMessage();
    }
}
