package dev.strata.examples;

import dev.strata.config.ProjectConfig;
import dev.strata.embedded.EmbeddedKafka;
import dev.strata.embedded.EmbeddedRedis;
import dev.strata.embedded.StreamingReplica;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * What the demo runner gives a {@link Scenario}: its output, options, work folder, the example's
 * project (copied there and loaded) and the embedded servers it asked for in {@link Example#needs()}.
 */
public interface DemoStage {
    PrintWriter out();

    DemoOptions options();

    /** Counts down on Ctrl-C (or when a test says stop). */
    CountDownLatch stop();

    /** Seconds since the demo started, for the figures it prints. */
    double elapsed();

    /** The work folder: {@code --data-dir} or a temporary one; generators keep their logs under it. */
    Path workDir();

    ProjectConfig project();

    /** The embedded broker (present when the example needs {@link Example.Server#KAFKA}). */
    EmbeddedKafka kafka();

    /** The source PostgreSQL's streaming replica (present when the example needs {@link Example.Server#SOURCE_REPLICA}). */
    StreamingReplica replica();

    /** The embedded Redis (present when the example needs {@link Example.Server#REDIS}). */
    EmbeddedRedis redis();
}
