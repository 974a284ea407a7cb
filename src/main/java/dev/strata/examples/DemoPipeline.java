package dev.strata.examples;

import dev.strata.schedule.Backfill;
import dev.strata.schedule.Pipeline;
import dev.strata.warehouse.Warehouse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The pipeline as the demo runner started it for a {@link Scenario#run}: continuously (landing,
 * vault, scheduler, console; {@link Example.Shape#STREAM}) or as warehouse and console only
 * ({@link Example.Shape#BATCH}), where the scenario lands with {@link #landAll} and then runs
 * {@link #backfill}. "Caught up" is measured per source kind: a Kafka source has caught up when its
 * positions add up to its topic's end (skipped records count: they were read); sources of other
 * kinds add their own measure here.
 */
public interface DemoPipeline {
    Warehouse warehouse();

    Pipeline pipeline();

    Optional<String> consoleUrl();

    /** Records of the project's Kafka sources not landed yet (each source counts its own, two sources of one topic twice). */
    long backlog() throws Exception;

    /** The sum of the topic's end offsets: every message ever written to it. */
    long topicEnd(String topic) throws Exception;

    /**
     * (STREAM) Waits until landing has read everything fed so far, then loads every vault target
     * once more (continuous loads run after batches; this one picks up the last of them); returns
     * the moment after which a mart build sees everything.
     */
    Instant catchUp(Duration timeout) throws Exception;

    /** (STREAM) Waits for a successful build of each mart over an interval that ends after {@code after}. */
    void awaitBuiltAfter(Instant after, List<String> marts, Duration timeout) throws Exception;

    /**
     * (BATCH) Lands everything on the Kafka topics while the vault loads each landed batch (as under
     * {@code strata run}), reporting every few seconds; then lets the vault finish. Stops with an
     * error on Ctrl-C.
     */
    Landed landAll(Duration timeout) throws Exception;

    /** (BATCH) Backfills {@code [from, to]} with a progress bar; stops with an error on Ctrl-C. */
    Backfill.Result backfill(Instant from, Instant to) throws Exception;

    /** How long landing took, and the vault catching up after it. */
    record Landed(Duration landing, Duration vaultCatchUp) {
    }
}
