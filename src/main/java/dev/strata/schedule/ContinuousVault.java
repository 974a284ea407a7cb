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

    public ContinuousVault(Pipeline pipeline, VaultLoader loader, Warehouse warehouse, Clock clock) {
        this(pipeline, loader, warehouse, clock, DEFAULT_REFRESH);
    }

    /** @param refresh how often idle targets load anyway; {@link Duration#ZERO}: only after landed batches */
    ContinuousVault(Pipeline pipeline, VaultLoader loader, Warehouse warehouse, Clock clock, Duration refresh) {
        this.pipeline = pipeline;
        this.loader = loader;
        this.store = new TaskRunStore(warehouse, pipeline.name(), clock);
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
        if (pending.add(target)) {
            executor.execute(() -> {
                pending.remove(target);
                Instant start = clock.instant();
                lastStarted.put(target, start);
                try {
                    long rows = loader.load(target);
                    store.cover(target, start);
                    LOG.debug("vault {}: {} rows, covers what landed before {}", target, rows, start);
                } catch (SQLException | RuntimeException e) {
                    LOG.warn("vault load of {} failed ({}); it runs again after the next batch or refresh", target, e.getMessage());
                }
            });
        }
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
