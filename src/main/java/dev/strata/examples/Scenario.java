package dev.strata.examples;

/**
 * One run of an example's demo: the example's own part, driven by the shared demo runner
 * ({@code dev.strata.app.DemoRunner}) in this order, each step given what the runner has started:
 * <ol>
 *   <li>{@link #generate}: before any server starts (e.g. generate a fixed data set and its manifest);</li>
 *   <li>{@link #prepare}: the embedded servers are up, the pipeline is not (create topics, seed
 *       dictionaries, fill source tables); returns what the {@code ready} line adds;</li>
 *   <li>{@link #run}: the pipeline runs (as {@link Example#shape()} says); feed it, wait until it has
 *       caught up, compute the ground truth in Java from what was fed — never with the pipeline's
 *       own SQL — and compare the marts with it. Returns whether everything matched.</li>
 * </ol>
 * The runner owns the servers, the pipeline, the console, the work folder and the exit code; a
 * scenario prints through {@link DemoStage#out()} and never exits the JVM.
 */
public interface Scenario {
    /** Before the servers start; by default nothing. */
    default void generate(DemoStage stage) throws Exception {
    }

    /**
     * The servers are up; returns the detail of the {@code ready in 1.2 s} line (e.g.
     * {@code 1000 dictionary entries in Redis, topic orders with 4 partitions}), or "" for none.
     */
    String prepare(DemoStage stage) throws Exception;

    /** Added to the console's line, e.g. {@code (Dashboards: Global metrics)}; by default nothing. */
    default String consoleHint() {
        return "";
    }

    /** Feeds the running pipeline, waits for it, verifies the marts; true when they equal the ground truth. */
    boolean run(DemoStage stage, DemoPipeline pipeline) throws Exception;
}
