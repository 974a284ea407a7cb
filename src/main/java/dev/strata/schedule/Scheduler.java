package dev.strata.schedule;

import dev.strata.objects.ObjectDeployer;
import dev.strata.warehouse.Warehouse;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The scheduler of {@code strata run}: every {@code tick} it queues the intervals that became due
 * (all missed ones since {@code start} with catch-up, else only the latest), and its workers run
 * whatever is runnable in the pipeline — including runs queued by other processes, backfills and
 * the console's re-runs. {@link #close} stops gracefully: no new claims, running attempts get
 * {@code grace} to finish, then are aborted (rolled back and queued again), so no mart is ever left
 * half-built.
 */
public final class Scheduler implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Scheduler.class);

    /**
     * @param workers task runs executed at once by this process
     * @param tick    how often due intervals are queued
     * @param lease   how long a dead worker's run stays claimed
     * @param grace   how long {@link #close} waits for running attempts
     */
    public record Options(int workers, Duration tick, Duration lease, Duration poll, Duration grace) {
        public static Options defaults() {
            return new Options(2, Duration.ofSeconds(1), Backfill.DEFAULT_LEASE, Duration.ofSeconds(1), Duration.ofSeconds(30));
        }

        public Options withWorkers(int n) {
            return new Options(n, tick, lease, poll, grace);
        }

        public Options withGrace(Duration g) {
            return new Options(workers, tick, lease, poll, g);
        }
    }

    private final Pipeline pipeline;
    private final Clock clock;
    private final Options options;
    private final TaskRunStore store;
    private final WorkerPool pool;
    private final PipelineRuns pipelineRuns;
    private final String workerId;
    private final Warehouse warehouse;
    private volatile List<ObjectDeployer.Outcome> deployed = List.of();
    private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "strata-scheduler-tick");
        t.setDaemon(true);
        return t;
    });
    private volatile boolean closed;

    public Scheduler(Pipeline pipeline, Warehouse warehouse, String workerId, Clock clock, Options options) {
        this.pipeline = pipeline;
        this.clock = clock;
        this.options = options;
        this.store = new TaskRunStore(warehouse, pipeline.name(), clock);
        this.pipelineRuns = PipelineRuns.of(warehouse, pipeline, clock);
        this.workerId = workerId;
        this.warehouse = warehouse;
        this.pool = new WorkerPool(pipeline, warehouse, store, clock, workerId, options.workers(), options.lease(),
                options.poll(), TaskRunStore.Filter.all(), (run, outcome) -> { });
    }

    /** Publishes the graph's edges, queues what is due and starts the workers and the ticker. */
    public void start() throws SQLException {
        deployed = ObjectDeployer.deploy(warehouse, pipeline.name(), pipeline.objects());
        store.syncEdges(pipeline.graph().edges());
        tick();
        pool.start();
        ticker.scheduleWithFixedDelay(() -> {
            try {
                tick();
            } catch (SQLException | RuntimeException e) {
                LOG.warn("could not queue due intervals ({}); retrying at the next tick", e.getMessage());
            }
        }, options.tick().toMillis(), options.tick().toMillis(), TimeUnit.MILLISECONDS);
    }

    /** What {@link #start} did with the project's SQL objects (deployed before anything is queued). */
    public List<ObjectDeployer.Outcome> deployedObjects() {
        return deployed;
    }

    /** Queues every interval that is due now and not queued yet; returns how many. */
    public int tick() throws SQLException {
        Instant now = clock.instant();
        Map<String, Instant> last = store.lastQueued();
        List<TaskRunStore.NewRun> runs = new ArrayList<>();
        for (String node : pipeline.scheduledNodes()) {
            NodeSchedule s = pipeline.schedule(node);
            for (ScheduledInterval si : s.due(now, Optional.ofNullable(last.get(node)))) {
                runs.add(new TaskRunStore.NewRun(node, si, s));
            }
        }
        int queued = store.enqueue(runs, TaskRunStore.Requeue.NONE,
                new PipelineRuns.Start(PipelineRuns.Trigger.SCHEDULED, workerId)).changed();
        // finishes pipeline runs whose last task ended in a process that died, or was reclaimed and failed
        pipelineRuns.settle();
        if (queued > 0) {
            LOG.debug("queued {} due interval(s)", queued);
            pool.wake();
        }
        return queued;
    }

    /**
     * Queues a new attempt of one interval of a node, as {@code strata backfill --rerun} would (the
     * console's re-run button). Returns false when the node has no run for that interval.
     */
    public boolean rerun(String node, Instant intervalStart) throws SQLException {
        NodeSchedule s = pipeline.schedule(node);
        Optional<TaskRunStore.RunRow> run = store.runs(new TaskRunStore.Filter(Optional.of(List.of(node)),
                Optional.empty(), Optional.empty())).stream().filter(r -> r.interval().start().equals(intervalStart)).findFirst();
        if (run.isEmpty()) {
            return false;
        }
        store.enqueue(List.of(new TaskRunStore.NewRun(node, new ScheduledInterval(run.get().logicalDate(),
                run.get().interval()), s)), TaskRunStore.Requeue.ALL, new PipelineRuns.Start(PipelineRuns.Trigger.MANUAL, workerId));
        pool.wake();
        return true;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        ticker.shutdownNow();
        pool.stop(options.grace());
    }
}
