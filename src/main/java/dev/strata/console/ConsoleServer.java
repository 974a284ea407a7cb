package dev.strata.console;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.strata.ErrorCode;
import dev.strata.StrataException;
import dev.strata.config.ConsoleConfig;
import dev.strata.config.SourceConfig;
import dev.strata.runtime.Environment;
import io.javalin.Javalin;
import io.javalin.http.staticfiles.Location;
import io.javalin.json.JavalinJackson;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The web console of a running pipeline: static pages from {@code console/} in the jar (ECharts
 * from its WebJar, so it works offline), the JSON API under {@code /api} (see
 * {@code docs/console.md}) and {@code /metrics} in Prometheus text format.
 *
 * <p>Lifecycle: {@link #start} binds (refusing a non-loopback address without a token, see
 * {@link ConsoleSecurity}) and returns once the server answers; {@link #close} stops it and its
 * background sampler. Live pages poll the API; the server keeps no per-client state, so a page
 * left open costs nothing that grows. Thread-safe.
 */
public final class ConsoleServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ConsoleServer.class);
    /** Request threads: the console is for a few people and scrapers, not for traffic. */
    static final int MAX_THREADS = 16;

    private final Javalin app;
    private final String url;
    private final StreamMonitor streams;

    private ConsoleServer(Javalin app, String url, StreamMonitor streams) {
        this.app = app;
        this.url = url;
        this.streams = streams;
    }

    /** Starts the console on {@code env.project().console()}'s address. */
    public static ConsoleServer start(Environment env, ConsoleHooks hooks) {
        ConsoleConfig config = env.project().console();
        ConsoleSecurity security = ConsoleSecurity.checkBind(config);
        ObjectMapper json = objectMapper();
        Db db = new Db(env.warehouse());
        String pipeline = env.pipeline();
        Set<String> sources = env.project().sources().values().stream().map(SourceConfig::name).collect(Collectors.toSet());
        StreamMonitor streams = StreamMonitor.start(env, db);
        Javalin app = Javalin.create(cfg -> {
            cfg.showJavalinBanner = false;
            cfg.startupWatcherEnabled = false;
            cfg.jsonMapper(new JavalinJackson(json, false));
            cfg.jetty.threadPool = threadPool();
            cfg.staticFiles.add(sf -> {
                sf.hostedPath = "/";
                sf.directory = "/console";
                sf.location = Location.CLASSPATH;
            });
            cfg.staticFiles.enableWebjars();
        });
        app.before(security::check);
        app.exception(ApiException.class, (e, ctx) ->
                ctx.status(e.status()).json(Map.of("error", e.getMessage(), "status", e.status())));
        app.exception(Db.WarehouseQueryException.class, (e, ctx) -> {
            LOG.warn("console query failed: {}", e.getMessage());
            ctx.status(503).json(Map.of("error", "the warehouse did not answer; see the server log", "status", 503));
        });
        app.exception(Exception.class, (e, ctx) -> {
            LOG.error("console request {} {} failed", ctx.method(), ctx.path(), e);
            ctx.status(500).json(Map.of("error", "internal error; see the server log", "status", 500));
        });
        String notFoundPage = notFoundPage();
        app.error(404, ctx -> {
            String type = ctx.res().getContentType();
            if (type != null && type.startsWith("application/json")) {
                return; // an API answer that already says what was not found
            }
            if (ctx.path().startsWith("/api/") || ctx.path().equals("/api")) {
                ctx.json(Map.of("error", "no such endpoint: " + Params.shorten(ctx.path()), "status", 404));
            } else if (String.valueOf(ctx.header("Accept")).contains("text/html")) {
                ctx.contentType("text/html; charset=utf-8").result(notFoundPage); // a browser: the console's page, with its links
            } else {
                ctx.contentType("text/plain; charset=utf-8").result("not found: " + Params.shorten(ctx.path()) + "\n");
            }
        });
        app.get("/api/info", ctx -> ctx.json(Map.of(
                "pipeline", pipeline,
                "version", version(),
                "sources", sources.stream().sorted().toList())));
        app.get("/metrics", ctx -> {
            var registry = Metrics.prometheus(env.metrics())
                    .orElseThrow(() -> ApiException.notFound("this process has no Prometheus registry"));
            ctx.contentType(Metrics.CONTENT_TYPE).result(registry.scrape());
        });
        new DeadLettersApi(db, pipeline, sources, hooks.replayer()).register(app);
        RunsApi runs = new RunsApi(db, pipeline, hooks.graph(), hooks.rerunner(), json);
        runs.register(app);
        new PipelineRunsApi(db, pipeline, json).register(app);
        new StreamsApi(streams, config.lagWarning()).register(app);
        new GraphApi(db, pipeline, hooks.graph(), runs, env.clock()).register(app);
        new MartsApi(db).register(app);
        new DashboardsApi(db, env.project().dashboards(), env.project().vars()).register(app);
        try {
            app.start(config.bind(), config.port());
        } catch (RuntimeException e) {
            streams.close();
            throw new StrataException(ErrorCode.CONFIG, "cannot start the console on " + config.bind() + ":"
                    + config.port() + ": " + rootMessage(e), e);
        }
        String host = config.bind().contains(":") ? "[" + config.bind() + "]" : config.bind();
        String url = "http://" + host + ":" + app.port() + "/";
        LOG.info("console at {}{}", url, security.hasToken() ? " (token required)" : "");
        return new ConsoleServer(app, url, streams);
    }

    /** Where the console answers, e.g. {@code http://127.0.0.1:7070/}. Never includes the token. */
    public String url() {
        return url;
    }

    public int port() {
        return app.port();
    }

    @Override
    public void close() {
        streams.close();
        app.stop();
    }

    static ObjectMapper objectMapper() {
        return new ObjectMapper()
                .registerModule(new JavaTimeModule())
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE);
    }

    private static QueuedThreadPool threadPool() {
        QueuedThreadPool pool = new QueuedThreadPool(MAX_THREADS, 2, 60_000);
        pool.setName("strata-console");
        pool.setDaemon(true);
        return pool;
    }

    private static String notFoundPage() {
        try (var in = ConsoleServer.class.getResourceAsStream("/console/404.html")) {
            return in == null ? "<!DOCTYPE html><title>Not found</title><h1>Not found</h1>"
                    : new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        } catch (java.io.IOException e) {
            return "<!DOCTYPE html><title>Not found</title><h1>Not found</h1>";
        }
    }

    private static String version() {
        try (var in = ConsoleServer.class.getResourceAsStream("/dev/strata/version.properties")) {
            java.util.Properties p = new java.util.Properties();
            if (in != null) {
                p.load(in);
            }
            return p.getProperty("version", "unknown");
        } catch (java.io.IOException e) {
            return "unknown";
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage();
    }
}
