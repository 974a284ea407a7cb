package dev.strata.schedule;

import dev.strata.graph.NodeKind;
import dev.strata.vault.VaultLoader;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the loads of continuous vault targets after each landed batch: the targets that read the
 * batch's source, in graph order (hubs before links before satellites), on one background thread
 * so landing never waits. Loads already pending are not queued twice: one load picks up every batch
 * landed before it starts (the loads are incremental over STG's {@code _seq}).
 */
public final class ContinuousVault implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ContinuousVault.class);
    private final Pipeline pipeline;
    private final VaultLoader loader;
    private final ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "strata-vault-continuous");
        t.setDaemon(true);
        return t;
    });
    private final Set<String> pending = ConcurrentHashMap.newKeySet();

    public ContinuousVault(Pipeline pipeline, VaultLoader loader) {
        this.pipeline = pipeline;
        this.loader = loader;
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
        for (String target : targetsOf(source)) {
            if (pending.add(target)) {
                executor.execute(() -> {
                    pending.remove(target);
                    try {
                        long rows = loader.load(target);
                        LOG.debug("vault {}: {} rows", target, rows);
                    } catch (RuntimeException e) {
                        LOG.warn("vault load of {} failed ({}); it runs again after the next batch", target, e.getMessage());
                    }
                });
            }
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
