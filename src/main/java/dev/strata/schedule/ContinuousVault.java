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
 * batch's source, queued in graph order (hubs before links before satellites), on
 * {@value #LOAD_THREADS} background threads so landing never waits and one target's load does not
 * wait for another's (each target has its own lock; a link may briefly be ahead of its hubs, which
 * the data tests' rounds account for). Loads already pending are not queued twice, and a target
 * is loaded by one thread at a time: one load picks up every batch landed before it starts (the
 * loads are incremental over STG's {@code _seq}), and a batch landed during a load queues one more.
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
 *
 * <p><b>Failures.</b> A target whose load fails is retried with a capped exponential backoff
 * ({@link #FIRST_RETRY} doubling up to {@link #MAX_RETRY}); batches landed meanwhile do not trigger
 * it earlier. The failure is logged once when it starts and again only when its message changes
 * (and once when the target loads again), and it is recorded in {@code strata.node_coverage}
 * ({@code last_error}, {@code failing_since}) for {@code strata status} and the console. A value
 * the declared type rejects is no failure: {@link VaultLoader#load} sets such rows aside.
 */
public final class ContinuousVault implements AutoCloseable {
    /** How often a target that no batch has triggered loads anyway, to move its coverage forward. */
    public static final Duration DEFAULT_REFRESH = Duration.ofSeconds(1);
    /** The wait before retrying a target whose load failed once; it doubles with each failure. */
    static final Duration FIRST_RETRY = Duration.ofSeconds(1);
    /** The longest wait between two attempts of a failing target. */
    static final Duration MAX_RETRY = Duration.ofSeconds(30);
    /** Shortest time between two runs of a continuous node's data tests. */
    static final Duration TEST_EVERY = Duration.ofSeconds(5);
    private static final Logger LOG = LoggerFactory.getLogger(ContinuousVault.class);
    private final Pipeline pipeline;
    private final VaultLoader loader;
    private final TaskRunStore store;
    private final Clock clock;
    private final Duration refresh;
    /**
     * Loads run at once: one thread was saturated at 5,000 messages/s on the food-delivery pipeline
     * (eight targets per batch, ~250 us of load time per message, most of it the warehouse's); two
     * let the warehouse work on two targets while the other core is not busy. More would only queue
     * on a small machine's cores and take connections from the pool.
     */
    static final int LOAD_THREADS = 2;
    private final java.util.concurrent.atomic.AtomicInteger threadNumber = new java.util.concurrent.atomic.AtomicInteger();
    private final ScheduledExecutorService executor = Executors.newScheduledThreadPool(LOAD_THREADS, r -> {
        Thread t = new Thread(r, "strata-vault-continuous-" + threadNumber.incrementAndGet());
        t.setDaemon(true);
        return t;
    });
    private final Set<String> pending = ConcurrentHashMap.newKeySet();
    /** Targets a thread is loading now, and those queued again meanwhile (loaded once more when it ends). */
    private final Set<String> running = ConcurrentHashMap.newKeySet();
    private final Set<String> again = ConcurrentHashMap.newKeySet();
    private final Map<String, Instant> lastStarted = new ConcurrentHashMap<>();
    private final Map<String, Failing> failing = new ConcurrentHashMap<>();

    /** A target whose loads fail: the error, how many attempts in a row, since when, and when to try again. */
    private record Failing(String error, int attempts, Instant since, Instant notBefore) {
    }

    private final Warehouse warehouse;
    /** Per tested node, the failures its latest test run logged (absent while its tests pass). */
    private final Map<String, String> lastFailures = new ConcurrentHashMap<>();
    /** Tested targets loaded since their tests last passed: the start of the latest such load. */
    private final Map<String, Instant> awaitingTests = new ConcurrentHashMap<>();
    private final java.util.concurrent.atomic.AtomicBoolean testRoundScheduled = new java.util.concurrent.atomic.AtomicBoolean();
    private volatile Instant nextTestRound = Instant.EPOCH;
    private final java.util.concurrent.ScheduledThreadPoolExecutor tester = testThread();

    private static java.util.concurrent.ScheduledThreadPoolExecutor testThread() {
        var e = new java.util.concurrent.ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "strata-vault-tests");
            t.setDaemon(true);
            return t;
        });
        e.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);   // a round not started yet is dropped on close
        return e;
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

    /**
     * Loads, once and now, the continuous vault targets that the given nodes read (directly or
     * further upstream), in run order, and reports their coverage: what {@code strata backfill}
     * does first, so that its intervals see everything landed so far instead of waiting for a
     * {@code strata run} to load the vault. Returns the rows inserted per target loaded.
     */
    public Map<String, Long> catchUp(java.util.Collection<String> nodes) throws SQLException {
        java.util.Set<String> upstream = new java.util.HashSet<>();
        nodes.forEach(n -> upstream.addAll(pipeline.graph().withUpstream(n)));
        List<String> wanted = targets().stream().filter(upstream::contains).toList();
        Map<String, Long> loaded = new java.util.LinkedHashMap<>();
        if (wanted.isEmpty()) {
            return loaded;
        }
        store.registerCoverage(wanted);
        for (String target : wanted) {
            Instant start = clock.instant();
            loaded.put(target, loader.load(target));
            store.cover(target, start);
        }
        return loaded;
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
        Failing f = failing.get(target);
        if (f != null && clock.instant().isBefore(f.notBefore())) {
            return;   // backing off: the refresh queues it again once the wait is over
        }
        if (pending.add(target)) {
            executor.execute(() -> {
                pending.remove(target);
                if (!running.add(target)) {
                    again.add(target);   // the other thread is loading it: one more load when that one ends
                    if (running.contains(target)) {
                        return;
                    }
                    again.remove(target);   // it ended in between: load now
                    if (!running.add(target)) {
                        return;
                    }
                }
                try {
                    loadAndReport(target);
                } finally {
                    running.remove(target);
                    if (again.remove(target)) {
                        queue(target);
                    }
                }
            });
        }
    }

    /** One load of {@code target}; its coverage (now, or after its tests' next round) and its failures. */
    private void loadAndReport(String target) {
        Instant start = clock.instant();
        lastStarted.put(target, start);
        try {
            long rows = loader.load(target);
            if (testedNodes(target).isEmpty()) {
                store.cover(target, start);   // also clears a recorded failure
                LOG.debug("vault {}: {} rows, covers what landed before {}", target, rows, start);
            } else {
                // its coverage moves once the tests have passed, on the tests' own thread
                awaitingTests.merge(target, start, (a, b) -> a.isAfter(b) ? a : b);
                requestTestRound();
            }
            Failing was = failing.remove(target);
            if (was != null) {
                LOG.info("vault load of {} succeeds again, after {} failed attempt(s) since {}", target, was.attempts(), was.since());
            }
        } catch (SQLException | RuntimeException e) {
            failed(target, String.valueOf(e.getMessage()));
        }
    }

    /** Failed attempts in a row of {@code target}'s loads (0 while it loads). */
    int failedAttempts(String target) {
        Failing f = failing.get(target);
        return f == null ? 0 : f.attempts();
    }

    private void failed(String target, String error) {
        Instant now = clock.instant();
        Failing was = failing.get(target);
        int attempts = was == null ? 1 : was.attempts() + 1;
        long wait = Math.min(MAX_RETRY.toMillis(), FIRST_RETRY.toMillis() << Math.min(20, attempts - 1));
        Instant since = was == null ? now : was.since();
        failing.put(target, new Failing(error, attempts, since, now.plusMillis(wait)));
        if (was != null && was.error().equals(error)) {
            LOG.debug("vault load of {} failed again (attempt {}): {}", target, attempts, error);
            return;
        }
        LOG.warn("vault load of {} failed ({}); retrying with a backoff of up to {} s, logged again only if the error changes",
                target, error, MAX_RETRY.toSeconds());
        try {
            store.recordFailure(target, error, since);
        } catch (SQLException | RuntimeException e) {
            LOG.debug("could not record the failure of {}: {}", target, e.getMessage());
        }
    }

    /** The nodes whose data tests gate {@code target}'s coverage: its sources' and its own, those that have any. */
    private List<String> testedNodes(String target) {
        List<String> nodes = new java.util.ArrayList<>(pipeline.graph().upstreamOf(target).stream()
                .filter(n -> pipeline.graph().node(n).map(x -> x.kind() == NodeKind.SOURCE).orElse(false)).toList());
        nodes.add(target);
        nodes.removeIf(n -> pipeline.tests().of(n).isEmpty());
        return nodes;
    }

    private void requestTestRound() {
        if (testRoundScheduled.compareAndSet(false, true)) {
            long delay = Math.max(0, Duration.between(clock.instant(), nextTestRound).toMillis());
            try {
                tester.schedule(this::testRound, delay, TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.RejectedExecutionException closing) {
                testRoundScheduled.set(false);   // closed: coverage stays where the last round left it
            }
        }
    }

    /**
     * One round of the continuous targets' data tests, on their own thread so that loads never wait
     * for them (a round runs over whole tables and grows with them; on the load thread it held every
     * load back, and a message took tens of seconds to reach the vault at 5,000 messages/s). For each
     * target loaded since its last round: its upstream hubs (a satellite's parent) are brought up to
     * at least the rows it read — loads never wait for each other, so a link may have read newer STG
     * rows than its hubs — then its sources' tests (once per round, shared by their targets) and its
     * own run, and when every {@code error} test passed its coverage moves to the start of the load
     * the round tested. Until then downstream intervals wait; a target whose tests fail is tested
     * again next round. Rounds start at most once per {@link #TEST_EVERY} or four times the last
     * round's duration, whichever is longer, so tests take at most about a fifth of one connection's
     * time however many targets there are.
     */
    private void testRound() {
        Instant at = clock.instant();
        long t0 = System.nanoTime();
        Map<String, Boolean> sourceResults = new java.util.HashMap<>();
        try {
            for (String target : targets()) {
                Instant until = awaitingTests.remove(target);
                if (until == null) {
                    continue;
                }
                boolean ok;
                try {
                    for (String up : pipeline.graph().upstreamOf(target)) {
                        if (pipeline.graph().node(up).map(x -> x.kind() == NodeKind.VAULT).orElse(false)) {
                            loader.load(up);
                        }
                    }
                    ok = true;
                    for (String node : testedNodes(target)) {
                        if (node.equals(target)) {
                            ok &= runTests(node);
                        } else {
                            Boolean passed = sourceResults.get(node);
                            if (passed == null) {
                                passed = runTests(node);
                                sourceResults.put(node, passed);
                            }
                            ok &= passed;
                        }
                    }
                    if (ok) {
                        store.cover(target, until);
                        LOG.debug("vault {}: tested, covers what landed before {}", target, until);
                    }
                } catch (SQLException | RuntimeException e) {
                    LOG.debug("data tests of vault target {} could not run ({}); trying again next round", target, e.getMessage());
                    ok = false;
                }
                if (!ok) {
                    awaitingTests.merge(target, until, (a, b) -> a.isAfter(b) ? a : b);
                }
            }
        } finally {
            Duration took = Duration.ofNanos(System.nanoTime() - t0);
            nextTestRound = at.plus(max(TEST_EVERY, took.multipliedBy(4)));
            testRoundScheduled.set(false);
            if (!awaitingTests.isEmpty() && !tester.isShutdown()) {
                requestTestRound();
            }
        }
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
        String failures = results.stream().filter(r -> !r.passed())
                .map(r -> r.describe() + (r.blocks() ? "; downstream intervals wait until it passes" : ""))
                .collect(java.util.stream.Collectors.joining("\n"));
        // a failing test is logged when it starts failing or its failure changes, not every round
        String before = failures.isEmpty() ? lastFailures.remove(node) : lastFailures.put(node, failures);
        if (!failures.isEmpty() && !failures.equals(before)) {
            failures.lines().forEach(LOG::warn);
        } else if (failures.isEmpty() && before != null) {
            LOG.info("data tests of {} pass again", node);
        }
        boolean ok = results.stream().noneMatch(dev.strata.quality.TestResult::blocks);
        LOG.debug("data tests of {}: {} in {} ms", node, ok ? "passed" : "failed", (System.nanoTime() - t0) / 1_000_000);
        return ok;
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }

    @Override
    public void close() {
        executor.shutdown();
        tester.shutdown();
        try {
            executor.awaitTermination(30, TimeUnit.SECONDS);
            tester.awaitTermination(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
