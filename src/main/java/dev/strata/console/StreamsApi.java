package dev.strata.console;

import io.javalin.Javalin;

/**
 * {@code /api/streams}: per source and partition, position, log-end offset, lag, and the rate
 * chart's points; with {@code lag_warning_seconds} ({@code console.lag_warning}), the lag from
 * which the page shows a source in red.
 */
final class StreamsApi {
    private final StreamMonitor monitor;
    private final double lagWarningSeconds;

    StreamsApi(StreamMonitor monitor, java.time.Duration lagWarning) {
        this.monitor = monitor;
        this.lagWarningSeconds = lagWarning.toMillis() / 1000.0;
    }

    record Answer(java.time.Instant sampledAt, java.util.List<StreamMonitor.SourceState> sources, double lagWarningSeconds) {
    }

    void register(Javalin app) {
        app.get("/api/streams", ctx -> {
            StreamMonitor.Snapshot s = monitor.snapshot();
            ctx.json(new Answer(s.sampledAt(), s.sources(), lagWarningSeconds));
        });
    }
}
