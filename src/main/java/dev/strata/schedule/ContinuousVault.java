package dev.strata.schedule;

import dev.strata.graph.NodeKind;
import dev.strata.vault.VaultLoader;
import dev.strata.warehouse.Warehouse;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the loads of continuous vault targets after each landed batch: the targets that read the
 * batch's source, in graph order (hubs before links before satellites), on one background thread
 * so landing never waits. Loads already pending are not queued twice: one load picks up every batch
 * landed before it starts (the loads are incremental over STG's {@code _seq}).
 *
 * <p><b>Coverage.</b> A scheduled node downstream of a continuous vault target must not run an
 * interval before the vault holds that interval's data. Each target reports its coverage to
 * {@code strata.node_coverage}, which the claim query checks: a load that starts at instant T
 * reads every STG row committed before T (landing numbers {@code _seq} in commit order), so once it
 * has committed the target covers everything landed before T. {@link #start} registers the targets
 * (covering nothing until their first load, so nothing downstream runs on an empty vault), then
 * loads them all and keeps loading each that has not loaded for {@code refresh}, so that coverage
 * keeps up with the clock while a source is quiet. What a source has not landed yet (a lagging
 * consumer) is the source's own coverage, which landing does not report.
 */
public final class ContinuousVault implements AutoCloseable {
    /** How often a target that no batch has triggered loads anyway, to move its coverage forward. */
    public static final Duration DEFAULT_REFRESH = Duration.ofSeconds(1);
    /** Shortest time between two runs of a continuous node's data tests. */
    static final Duration TEST_EVERY = Duration.ofSeconds(5);
    private static final Logger LOG = LoggerFactory.getLogger(ContinuousVault.class);
    private final Pipeline pipeline;
    private final VaultLoader loader;
    private final TaskRunStore store;
    private final Clock clock;
    private final Duration refresh;
    private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "strata-vault-continuous");
        t.setDaemon(true);
        return t;
    });
    private final Set<String> pending = ConcurrentHashMap.newKeySet();
    private final Map<String, Instant> lastStarted = new ConcurrentHashMap<>();
    private final Warehouse warehouse;
    /** Per tested node (a vault target, or a source feeding one): when its tests last ran, how long, and whether they passed. */
    private final Map<String, TestRun> lastTests = new ConcurrentHashMap<>();

    private record TestRun(Instant at, Duration took, boolean ok) {
    }

    public ContinuousVault(Pipeline pipeline, VaultLoader loader, Warehouse warehouse, Clock clock) {
        this(pipeline, loader, warehouse, clock, DEFAULT_REFRESH);
    }

    /** @param refresh how often idle targets load anyway; {@link Duration#ZERO}: only after landed batches */
    ContinuousVault(Pipeline pipeline, VaultLoader loader, Warehouse warehouse, Clock clock, Duration refresh) {
        this.pipeline = pipeline;
        this.loader = loader;
        this.store = new TaskRunStore(warehouse, pipeline.name(), clock);
        this.warehouse = warehouse;
        this.clock = clock;
        this.refresh = refresh;
    }

    /**
     * Registers the continuous targets' coverage (before the scheduler starts, so that it gates
     * from the first claim), then loads every target now and each idle one every {@code refresh}.
     */
    public void start() throws SQLException {
        List<String> targets = targets();
        if (targets.isEmpty()) {
            return;
        }
        store.registerCoverage(targets);
        if (!refresh.isZero()) {
            executor.scheduleWithFixedDelay(this::refreshIdle, 0, refresh.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    /** Every continuous vault target, in run order. */
    List<String> targets() {
        return pipeline.graph().topologicalOrder().stream()
                .filter(n -> pipeline.graph().node(n).orElseThrow().kind() == NodeKind.VAULT)
                .filter(n -> pipeline.schedule(n).isContinuous())
                .toList();
    }

    /** The continuous vault targets fed by {@code source}, in run order. */
    List<String> targetsOf(String source) {
        return pipeline.graph().withDownstream(source).stream()
                .filter(n -> pipeline.graph().node(n).orElseThrow().kind() == NodeKind.VAULT)
                .filter(n -> pipeline.schedule(n).isContinuous())
                .sorted(java.util.Comparator.comparingInt(pipeline.graph().topologicalOrder()::indexOf))
                .toList();
    }

    /** Called after a batch of {@code source} committed (from a landing thread): queues its targets' loads. */
    public void landed(String source) {
        targetsOf(source).forEach(this::queue);
    }

    private void refreshIdle() {
        try {
            Instant due = clock.instant().minus(refresh);
            for (String target : targets()) {
                Instant last = lastStarted.get(target);
                if (last == null || !last.isAfter(due)) {
                    queue(target);
                }
            }
        } catch (RuntimeException e) {
            // a periodic task that throws is never run again: log and keep refreshing
            LOG.warn("vault refresh failed ({}); trying again in {} ms", e.getMessage(), refresh.toMillis());
        }
    }

    private void queue(String target) {
        if (pending.add(target)) {
            executor.execute(() -> {
                pending.remove(target);
                Instant start = clock.instant();
                lastStarted.put(target, start);
                try {
                    long rows = loader.load(target);
                    if (tested(target)) {
                        store.cover(target, start);
                        LOG.debug("vault {}: {} rows, covers what landed before {}", target, rows, start);
                    }
                } catch (SQLException | RuntimeException e) {
                    LOG.warn("vault load of {} failed ({}); it runs again after the next batch or refresh", target, e.getMessage());
                }
            });
        }
    }

    /**
     * Whether {@code target}'s output may be reported as covering its latest load: it has no data
     * tests (its own, generated integrity checks, or its sources'), or they have just run and every
     * {@code error} test passed. Tests run after the load has committed (a continuous load cannot be
     * rolled back by them), on this thread, over whole tables, at most once per
     * {@link #TEST_EVERY} or four times their last duration, whichever is longer — so they take at
     * most about a fifth of the thread's time. Until they run again, coverage stays where it was:
     * downstream intervals wait, and with a failing error test they wait until it passes.
     */
    private boolean tested(String target) throws SQLException {
        List<String> nodes = new java.util.ArrayList<>(pipeline.graph().upstreamOf(target).stream()
                .filter(n -> pipeline.graph().node(n).map(x -> x.kind() == NodeKind.SOURCE).orElse(false)).toList());
        nodes.add(target);
        nodes.removeIf(n -> pipeline.tests().of(n).isEmpty());
        boolean ok = true;
        for (String node : nodes) {
            TestRun last = lastTests.get(node);
            Instant now = clock.instant();
            if (last != null && now.isBefore(last.at().plus(max(TEST_EVERY, last.took().multipliedBy(4))))) {
                if (!node.equals(target)) {
                    ok &= last.ok(); // a source's tests are shared by its targets: reuse the latest run
                    continue;
                }
                return false; // not due: coverage waits for the next run
            }
            if (node.equals(target)) {
                // loads never wait for each other, so a link loaded from newer STG rows than its hubs
                // may point at keys they do not have yet: bring the hubs (a satellite's parent) up to
                // at least the rows this target read, so the integrity checks see a consistent vault
                for (String up : pipeline.graph().upstreamOf(target)) {
                    if (pipeline.graph().node(up).map(x -> x.kind() == NodeKind.VAULT).orElse(false)) {
                        loader.load(up);
                    }
                }
            }
            ok &= runTests(node);
        }
        return ok;
    }

    private boolean runTests(String node) throws SQLException {
        Instant at = clock.instant();
        long t0 = System.nanoTime();
        List<dev.strata.quality.DataTest> tests = pipeline.tests().of(node);
        List<dev.strata.quality.TestResult> results = warehouse.inTransaction(c -> {
            warehouse.settings().deterministic(c);
            List<dev.strata.quality.TestResult> r = new dev.strata.quality.TestRunner(clock).run(c, tests,
                    dev.strata.quality.TestScope.everything(at));
            c.rollback();
            return r;
        });
        new dev.strata.quality.TestResultStore(pipeline.name()).record(warehouse, dev.strata.quality.TestResultStore.RunRef.NONE,
                dev.strata.quality.TestResultStore.Trigger.CONTINUOUS, results);
        results.stream().filter(r -> !r.passed()).forEach(r -> LOG.warn("{}{}", r.describe(),
                r.blocks() ? "; downstream intervals wait until it passes" : ""));
        boolean ok = results.stream().noneMatch(dev.strata.quality.TestResult::blocks);
        lastTests.put(node, new TestRun(at, Duration.ofNanos(System.nanoTime() - t0), ok));
        return ok;
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }

    @Override
    public void close() {
        executor.shutdown();
        try {
            executor.awaitTermination(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
