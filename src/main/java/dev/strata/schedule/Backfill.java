package dev.strata.schedule;

import dev.strata.ErrorCode;
import dev.strata.StrataException;
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

/**
 * {@code strata backfill}: queues every schedule point of the selected nodes in {@code [from, to]}
 * and runs them with {@code parallel} workers until each run has succeeded or failed, or the rest
 * cannot run (their upstream or previous interval failed). Intervals run in parallel where the
 * graph and {@code depends_on_past} allow. Several processes may run the same backfill: they share
 * the runs through the queue, never running one twice at once.
 */
public final class Backfill {
    /** Default lease: long enough for a brief pause, short enough that a dead worker's runs resume soon. */
    public static final Duration DEFAULT_LEASE = Duration.ofSeconds(30);
    /** Schedule points queued at a time, at least (see {@code queueWindow}). */
    static final int WINDOW = 8;

    /**
     * @param select   a selection ({@code name}, {@code name+}, {@code +name}); empty for every scheduled node
     * @param parallel workers in this process
     * @param rerun    run again intervals that already succeeded
     */
    public record Options(Instant from, Instant to, Optional<String> select, int parallel, boolean rerun,
                          Duration lease, Duration poll) {
        public Options {
            if (to.isBefore(from)) {
                throw new StrataException(ErrorCode.USAGE, "--to " + to + " is before --from " + from);
            }
            if (parallel < 1) {
                throw new StrataException(ErrorCode.USAGE, "--parallel must be at least 1");
            }
        }

        public static Options of(Instant from, Instant to) {
            return new Options(from, to, Optional.empty(), 1, false, DEFAULT_LEASE, Duration.ofMillis(200));
        }

        public Options withSelect(String s) {
            return new Options(from, to, Optional.of(s), parallel, rerun, lease, poll);
        }

        public Options withParallel(int n) {
            return new Options(from, to, select, n, rerun, lease, poll);
        }

        public Options withRerun(boolean r) {
            return new Options(from, to, select, parallel, r, lease, poll);
        }

        public Options withLease(Duration l) {
            return new Options(from, to, select, parallel, rerun, l, poll);
        }
    }

    /** Progress as the backfill goes: runs finished (succeeded or failed for good) out of total. */
    public interface Progress {
        void update(int finished, int total, Map<TaskState, Integer> counts);

        /**
         * An attempt of this process failed and its run waits out {@code retry_delay}: say so, or a
         * user stares at a progress bar that does not move for minutes. Called on a worker's thread.
         */
        default void retrying(RetryWait wait) {
        }

        Progress NONE = (f, t, c) -> { };
    }

    /** One interval of one node at the end of a backfill. */
    public record RunSummary(String node, Instant logicalDate, Interval interval, TaskState state, int attempts,
                             Long rows, String error) {
    }

    /** The outcome of a backfill. */
    public record Result(List<RunSummary> runs, Duration elapsed) {
        public long count(TaskState s) {
            return runs.stream().filter(r -> r.state() == s).count();
        }

        /** Runs that neither succeeded nor failed: blocked by a failure upstream or in the past. */
        public List<RunSummary> notRun() {
            return runs.stream().filter(r -> !r.state().terminal()).toList();
        }

        public List<RunSummary> failed() {
            return runs.stream().filter(r -> r.state() == TaskState.FAILED).toList();
        }

        public boolean ok() {
            return runs.stream().allMatch(r -> r.state() == TaskState.SUCCESS || r.state() == TaskState.SKIPPED);
        }
    }

    private final Pipeline pipeline;
    private final Warehouse warehouse;
    private final String workerId;
    private final Clock clock;

    private volatile boolean stopRequested;
    /** How the pipeline runs this backfill starts are logged: {@code backfill}, or {@code manual} for {@code strata trigger}. */
    private volatile PipelineRuns.Trigger trigger = PipelineRuns.Trigger.BACKFILL;
    private volatile List<String> pipelineRuns = List.of();
    private volatile List<ObjectDeployer.Outcome> deployed = List.of();

    /** What the last {@link #run} did with the project's SQL objects (deployed before its runs were queued). */
    public List<ObjectDeployer.Outcome> deployedObjects() {
        return deployed;
    }

    /**
     * Logs the runs of this backfill as a manual trigger ({@code strata trigger --date D}) rather
     * than as a backfill; returns this.
     */
    public Backfill asManualTrigger() {
        trigger = PipelineRuns.Trigger.MANUAL;
        return this;
    }

    /** The ids of the pipeline runs (one per schedule date) the last {@link #run} started, oldest first. */
    public List<String> pipelineRuns() {
        return pipelineRuns;
    }

    /**
     * Asks a running {@link #run} to stop claiming new runs (Ctrl-C): it returns within its poll
     * interval, after running tasks finish (up to 30 s, then they roll back), and what did not run
     * stays queued, so the same backfill started again continues from there. Any thread may call this.
     */
    public void requestStop() {
        stopRequested = true;
    }

    /** Whether {@link #requestStop} was called. */
    public boolean stopRequested() {
        return stopRequested;
    }

    public Backfill(Pipeline pipeline, Warehouse warehouse, String workerId, Clock clock) {
        this.pipeline = pipeline;
        this.warehouse = warehouse;
        this.workerId = workerId;
        this.clock = clock;
    }

    /** The scheduled nodes a selection picks (continuous nodes cannot be backfilled). */
    public List<String> nodes(Optional<String> select) {
        return nodes(pipeline, select);
    }

    /** The same for {@code pipeline}, without a warehouse. */
    public static List<String> nodes(Pipeline pipeline, Optional<String> select) {
        List<String> picked = select.map(s -> pipeline.graph().select(s)).orElse(pipeline.graph().topologicalOrder());
        return picked.stream().filter(n -> !pipeline.schedule(n).isContinuous()).toList();
    }

    /**
     * Queues the selected nodes' runs of {@code [from, to]} as {@link #run} does, without running
     * them: the workers of a running {@code strata run} (in any process) pick them up. Returns the
     * pipeline runs started, as {@link #pipelineRuns} would.
     */
    public List<String> queue(Options o) throws SQLException {
        enqueue(o, selected(o, "queue"));
        return pipelineRuns;
    }

    /** The selection's runs, queued (failed ones again; all of them with {@code rerun}). */
    private record Queued(TaskRunStore store, int runs, java.util.TreeMap<Instant, List<TaskRunStore.NewRun>> dates) {
    }

    /** The selected scheduled nodes; a usage error when there are none, naming what was asked ({@code verb}). */
    private List<String> selected(Options o, String verb) {
        List<String> nodes = nodes(o.select());
        if (nodes.isEmpty()) {
            throw new StrataException(ErrorCode.USAGE, "nothing to " + verb + ": the selection has no scheduled node"
                    + " (kafka and redis sources and continuous vault targets run with `strata run`)");
        }
        return nodes;
    }

    private Queued enqueue(Options o, List<String> nodes) throws SQLException {
        Queued q = prepare(o, nodes);
        List<TaskRunStore.NewRun> all = new ArrayList<>();
        q.dates().values().forEach(all::addAll);
        pipelineRuns = q.store().enqueue(all, requeue(o), new PipelineRuns.Start(trigger, workerId)).pipelineRuns();
        return q;
    }

    /** The selection's runs of {@code [from, to]} grouped by schedule point (earliest first), not queued yet. */
    private Queued prepare(Options o, List<String> nodes) throws SQLException {
        TaskRunStore store = new TaskRunStore(warehouse, pipeline.name(), clock);
        store.syncEdges(pipeline.graph().edges());
        store.registerCoverage(pipeline.coverageNodes());
        java.util.TreeMap<Instant, List<TaskRunStore.NewRun>> dates = new java.util.TreeMap<>();
        int runs = 0;
        for (String n : nodes) {
            NodeSchedule s = pipeline.schedule(n);
            for (ScheduledInterval si : s.between(o.from(), o.to())) {
                dates.computeIfAbsent(si.logicalDate(), k -> new ArrayList<>()).add(new TaskRunStore.NewRun(n, si, s));
                runs++;
            }
        }
        return new Queued(store, runs, dates);
    }

    private static TaskRunStore.Requeue requeue(Options o) {
        return o.rerun() ? TaskRunStore.Requeue.ALL : TaskRunStore.Requeue.FAILED;
    }

    /**
     * Queues the next schedule points of {@code pending} until {@code window} points are open; returns how many
     * points it queued. Why a window: a claim looks at every queued run of the pipeline (is its upstream done, its
     * previous interval?), so its cost grows with the queue — with a year of 17 nodes queued at once (6,200 runs)
     * each claim took 220 ms and the backfill 1.6 s a day. A window of a few days keeps the queue, and a claim,
     * small; the runs of later days are queued as earlier ones finish, each day's pipeline run when it is queued.
     */
    private int queueWindow(TaskRunStore store, java.util.TreeMap<Instant, List<TaskRunStore.NewRun>> pending,
                            java.util.Set<Instant> open, int window, Options o) throws SQLException {
        List<TaskRunStore.NewRun> batch = new ArrayList<>();
        int points = 0;
        while (!pending.isEmpty() && open.size() < window) {
            Map.Entry<Instant, List<TaskRunStore.NewRun>> next = pending.pollFirstEntry();
            batch.addAll(next.getValue());
            open.add(next.getKey());
            points++;
        }
        if (!batch.isEmpty()) {
            List<String> started = store.enqueue(batch, requeue(o), new PipelineRuns.Start(trigger, workerId)).pipelineRuns();
            List<String> all = new ArrayList<>(pipelineRuns);
            all.addAll(started);
            pipelineRuns = List.copyOf(all);
        }
        return points;
    }

    public Result run(Options o, Progress progress) throws SQLException {
        long t0 = System.nanoTime();
        List<String> nodes = selected(o, "backfill");
        deployed = ObjectDeployer.deploy(warehouse, pipeline.name(), pipeline.objects());
        Queued queued = prepare(o, nodes);
        TaskRunStore store = queued.store();
        TaskRunStore.Filter filter = new TaskRunStore.Filter(Optional.of(nodes), Optional.of(o.from()), Optional.of(o.to()));
        int total = queued.runs();
        java.util.TreeMap<Instant, List<TaskRunStore.NewRun>> pending = new java.util.TreeMap<>(queued.dates());
        java.util.Set<Instant> open = new java.util.HashSet<>();
        int window = Math.max(WINDOW, 2 * o.parallel());
        pipelineRuns = List.of();
        queueWindow(store, pending, open, window, o);
        // A worker that finds nothing to claim wakes the loop below at once, so the backfill ends as soon as its
        // last run does (and not at the next poll), without counting runs after every attempt of a busy chain.
        long[] idleClaims = {0};
        WorkerPool pool = new WorkerPool(pipeline, warehouse, store, clock, workerId, o.parallel(), o.lease(), o.poll(),
                filter, new WorkerPool.Listener() {
                    @Override
                    public void finished(TaskRunStore.ClaimedRun run, TaskRunner.Outcome outcome) {
                    }

                    @Override
                    public void retrying(RetryWait wait) {
                        progress.retrying(wait);
                    }

                    @Override
                    public void idle() {
                        synchronized (idleClaims) {
                            idleClaims[0]++;
                            idleClaims.notifyAll();
                        }
                    }
                });
        pool.start();
        try {
            while (!stopRequested) {
                long seen;
                synchronized (idleClaims) {
                    seen = idleClaims[0];
                }
                if (!pending.isEmpty()) {
                    open.removeAll(store.finishedPoints(filter, open));
                    if (queueWindow(store, pending, open, window, o) > 0) {
                        pool.wake();
                    }
                }
                Map<TaskState, Integer> counts = store.counts(filter);
                int finished = counts.getOrDefault(TaskState.SUCCESS, 0) + counts.getOrDefault(TaskState.FAILED, 0)
                        + counts.getOrDefault(TaskState.SKIPPED, 0);
                progress.update(finished, total, counts);
                int inQueue = counts.getOrDefault(TaskState.QUEUED, 0) + counts.getOrDefault(TaskState.RUNNING, 0)
                        + counts.getOrDefault(TaskState.UP_FOR_RETRY, 0);
                if (inQueue == 0 && pending.isEmpty()) {
                    break;
                }
                if (pool.busy() == 0 && !store.anyInMotion(filter) && pool.busy() == 0) {
                    if (!pending.isEmpty()) {
                        // the open days wait for a failed run: queue the rest (runs that do not depend on it still run)
                        queueWindow(store, pending, open, Integer.MAX_VALUE, o);
                        pool.wake();
                        continue;
                    }
                    break; // what is left waits for a failed run: it cannot start until that is fixed
                }
                synchronized (idleClaims) {
                    try {
                        if (idleClaims[0] == seen) {
                            idleClaims.wait(o.poll().toMillis());
                        }
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        break;
                    }
                }
            }
        } finally {
            pool.stop(Duration.ofSeconds(30));
        }
        PipelineRuns.of(warehouse, pipeline, clock).settle();
        List<RunSummary> summary = store.runs(filter).stream().map(r -> new RunSummary(r.node(), r.logicalDate(),
                r.interval(), r.state(), r.attempt(), r.rows(), r.error())).toList();
        return new Result(summary, Duration.ofNanos(System.nanoTime() - t0));
    }
}
