package dev.strata.console;

import io.javalin.Javalin;

/** {@code /api/streams}: per source and partition, position, log-end offset, lag, and the rate chart's points. */
final class StreamsApi {
    private final StreamMonitor monitor;

    StreamsApi(StreamMonitor monitor) {
        this.monitor = monitor;
    }

    void register(Javalin app) {
        app.get("/api/streams", ctx -> ctx.json(monitor.snapshot()));
    }
}
