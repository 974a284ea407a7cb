package dev.strata.console;

import java.util.Objects;

/**
 * What the console needs from the parts running beside it, passed in so that the console depends
 * on none of their internals: the graph, re-runs (scheduler) and dead-letter replay (landing).
 * Each defaults to a fallback that works with the metadata tables alone.
 */
public record ConsoleHooks(PipelineGraph graph, Rerunner rerunner, DeadLetterReplayer replayer) {
    public ConsoleHooks {
        Objects.requireNonNull(graph);
        Objects.requireNonNull(rerunner);
        Objects.requireNonNull(replayer);
    }

    /** Only the project's sources in the graph; re-run and replay answer 503. */
    public static ConsoleHooks basic(dev.strata.config.ProjectConfig project) {
        return new ConsoleHooks(PipelineGraph.fromSources(project), Rerunner.UNAVAILABLE, DeadLetterReplayer.UNAVAILABLE);
    }

    /** The scheduler's graph of the pipeline; re-run and replay answer 503 until given with {@link #withRerunner}/{@link #withReplayer}. */
    public static ConsoleHooks forPipeline(dev.strata.schedule.Pipeline pipeline) {
        return new ConsoleHooks(PipelineGraph.of(pipeline), Rerunner.UNAVAILABLE, DeadLetterReplayer.UNAVAILABLE);
    }

    public ConsoleHooks withGraph(PipelineGraph g) {
        return new ConsoleHooks(g, rerunner, replayer);
    }

    public ConsoleHooks withRerunner(Rerunner r) {
        return new ConsoleHooks(graph, r, replayer);
    }

    public ConsoleHooks withReplayer(DeadLetterReplayer r) {
        return new ConsoleHooks(graph, rerunner, r);
    }
}
