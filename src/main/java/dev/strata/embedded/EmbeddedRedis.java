package dev.strata.embedded;

import dev.strata.ErrorCode;
import dev.strata.StrataException;
import java.io.IOException;
import org.slf4j.LoggerFactory;
import redis.embedded.RedisServer;

/**
 * A real redis-server (the binaries shipped by codemonstur's embedded-redis) as a child process on
 * a free loopback port, without persistence: the demo seeds its dictionaries on every start.
 * A JVM killed with SIGKILL cannot stop its child; such an orphaned embedded redis-server (its
 * parent gone, re-parented to init) is stopped by the next start.
 */
public final class EmbeddedRedis implements AutoCloseable {
    private final RedisServer server;
    private final int port;

    private EmbeddedRedis(RedisServer server, int port) {
        this.server = server;
        this.port = port;
    }

    public static EmbeddedRedis start() {
        stopOrphans();
        int port = Ports.free();
        try {
            RedisServer server = RedisServer.newRedisServer()
                    .port(port)
                    .bind("127.0.0.1")
                    .setting("save \"\"")
                    .setting("appendonly no")
                    .onShutdownForceStop(true)
                    .build();
            server.start();
            return new EmbeddedRedis(server, port);
        } catch (IOException | RuntimeException e) {
            throw new StrataException(ErrorCode.EMBEDDED, "cannot start the embedded Redis server: " + e.getMessage(), e);
        }
    }

    /** Stops embedded redis-servers whose JVM died: their binary is the one embedded-redis unpacks, and their parent is init. */
    static void stopOrphans() {
        ProcessHandle.allProcesses()
                .filter(p -> p.info().command().map(c -> c.contains("/redis-") && c.contains("redis-server-")).orElse(false))
                .filter(p -> p.parent().map(parent -> parent.pid() == 1).orElse(true))
                .forEach(p -> {
                    LoggerFactory.getLogger(EmbeddedRedis.class).info("stopping an embedded redis-server (pid {}) left by a killed run", p.pid());
                    p.destroy();
                });
    }

    public int port() {
        return port;
    }

    /** {@code redis://127.0.0.1:<port>}, the form a {@code redis.url} setting takes. */
    public String url() {
        return "redis://127.0.0.1:" + port;
    }

    @Override
    public void close() {
        try {
            server.stop();
        } catch (IOException e) {
            // the process is gone either way
        }
    }
}
