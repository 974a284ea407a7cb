package dev.strata.app;

import dev.strata.config.ProjectConfig;
import dev.strata.config.WarehouseConfig;
import dev.strata.console.ConsoleHooks;
import dev.strata.console.ConsoleServer;
import dev.strata.embedded.Durability;
import dev.strata.ingest.DeadLetters;
import dev.strata.ingest.Landing;
import dev.strata.runtime.Environment;
import dev.strata.schedule.ContinuousVault;
import dev.strata.schedule.Pipeline;
import dev.strata.schedule.Scheduler;
import dev.strata.vault.VaultLoader;
import dev.strata.warehouse.Warehouse;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running project: embedded servers (if asked for), the warehouse pool with its metadata schema,
 * the scheduler, continuous vault loads, landing and the console, started in that order and
 * stopped in reverse. Stopping is graceful: landing finishes or abandons its in-flight batch, the
 * scheduler gives running tasks the grace period and then rolls them back, so no mart is left
 * half-built and nothing landed is lost or doubled.
 */
public final class PipelineRuntime implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PipelineRuntime.class);

    /**
     * @param dataDir where embedded servers keep their data; empty for temporary directories
     * @param workers task runs executed at once by this process
     * @param grace   how long running tasks may take to finish on stop
     * @param console whether to serve the web console
     */
    public record Options(Optional<Path> dataDir, int workers, Duration grace, boolean console) {
        public static Options defaults() {
            return new Options(Optional.empty(), 2, Duration.ofSeconds(30), true);
        }

        public Options withDataDir(Path dir) {
            return new Options(Optional.of(dir), workers, grace, console);
        }

        public Options withWorkers(int n) {
            return new Options(dataDir, n, grace, console);
        }

        public Options withGrace(Duration g) {
            return new Options(dataDir, workers, g, console);
        }

        public Options withConsole(boolean on) {
            return new Options(dataDir, workers, grace, on);
        }
    }

    private final EmbeddedServices services;
    private final Warehouse warehouse;
    private final Environment env;
    private final Pipeline pipeline;
    private final VaultLoader vaultLoader;
    private final Optional<Path> dataDir;
    private Scheduler scheduler;
    private ContinuousVault vault;
    private Landing landing;
    private ConsoleServer console;

    private PipelineRuntime(EmbeddedServices services, Warehouse warehouse, Environment env, Pipeline pipeline,
                            Optional<Path> dataDir) {
        this.dataDir = dataDir;
        this.services = services;
        this.warehouse = warehouse;
        this.env = env;
        this.pipeline = pipeline;
        this.vaultLoader = VaultLoader.of(env);
    }

    /**
     * Starts everything, embedded servers included (an embedded PostgreSQL durable, as
     * {@code strata run} needs); on failure stops what was started and rethrows.
     */
    public static PipelineRuntime start(ProjectConfig project, Options options) {
        EmbeddedServices services = EmbeddedServices.forProject(project, options.dataDir(), Durability.DURABLE);
        try {
            // landing and the console's streams page find the topics before the first message
            services.createTopics(project);
        } catch (RuntimeException e) {
            services.close();
            throw e;
        }
        return start(project, options, services);
    }

    /**
     * Starts the pipeline on servers already started (a demo creates topics and seeds data first);
     * the runtime owns {@code services} from here on and stops them on close.
     */
    public static PipelineRuntime start(ProjectConfig project, Options options, EmbeddedServices services) {
        Warehouse warehouse = null;
        PipelineRuntime runtime = null;
        try {
            // + landing, the continuous vault's loads and test rounds, the console
            warehouse = connect(project, services, options.workers() + 6);
            warehouse.migrate();
            Pipeline pipeline = Pipeline.load(project, warehouse.adapter());
            Environment env = new Environment(project, warehouse,
                    services.kafka().map(k -> k.bootstrap()).orElse(null),
                    new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), Clock.systemUTC(),
                    Environment.defaultWorkerId(), services.redis().map(r -> r.url()).orElse(null),
                    services.redis().map(r -> r.password()).orElse(null));
            runtime = new PipelineRuntime(services, warehouse, env, pipeline, options.dataDir());
            runtime.startParts(options);
            options.dataDir().ifPresent(d -> RunningServers.of(services).write(d));
            return runtime;
        } catch (RuntimeException | SQLException e) {
            if (runtime != null) {
                runtime.close();
            } else {
                if (warehouse != null) {
                    warehouse.close();
                }
                services.close();
            }
            if (e instanceof RuntimeException re) {
                throw re;
            }
            throw new dev.strata.StrataException(dev.strata.ErrorCode.WAREHOUSE_UNAVAILABLE,
                    "cannot start the pipeline: " + e.getMessage(), e);
        }
    }

    private static Warehouse connect(ProjectConfig project, EmbeddedServices services, int minPool) {
        WarehouseConfig cfg = project.warehouse();
        int pool = Math.max(cfg.poolSize(), minPool);
        if (services.warehouseLogin().isPresent()) {
            return services.warehouse(pool);
        }
        return Warehouse.connect(cfg.url(), cfg.user(), cfg.password(), pool);
    }

    private void startParts(Options options) throws SQLException {
        Landing.prepareTables(env);
        vaultLoader.prepare();
        // The continuous vault registers its coverage before the scheduler's first claim, so that no
        // mart interval downstream of it runs before the vault has loaded that interval.
        vault = new ContinuousVault(pipeline, vaultLoader, warehouse, env.clock());
        vault.start();
        scheduler = new Scheduler(pipeline, warehouse, env.workerId(), env.clock(),
                Scheduler.Options.defaults().withWorkers(options.workers()).withGrace(options.grace()));
        scheduler.start();
        landing = Landing.start(env, batch -> vault.landed(batch.source()));
        if (options.console()) {
            console = ConsoleServer.start(env, ConsoleHooks.forPipeline(pipeline)
                    .withReplayer(new LandingReplayer(new DeadLetters(pipeline.project(), warehouse, env.workerId()),
                            vault::landed, pipeline.project().sources().keySet()))
                    .withRerunner(new SchedulerRerunner(scheduler)));
        }
    }

    public Environment env() {
        return env;
    }

    public Pipeline pipeline() {
        return pipeline;
    }

    public EmbeddedServices services() {
        return services;
    }

    /** Completes with the error when an embedded server exited and could not be restarted: the pipeline cannot go on. */
    public java.util.concurrent.CompletableFuture<dev.strata.StrataException> failure() {
        return services.failure();
    }

    public VaultLoader vaultLoader() {
        return vaultLoader;
    }

    public Scheduler scheduler() {
        return scheduler;
    }

    /** The console's URL, when it runs. */
    public Optional<String> consoleUrl() {
        return Optional.ofNullable(console).map(ConsoleServer::url);
    }

    /** Stops landing only (the rest keeps running), e.g. to let the pipeline drain. */
    public void stopLanding() {
        if (landing != null) {
            landing.close();
            landing = null;
        }
    }

    @Override
    public void close() {
        dataDir.ifPresent(RunningServers::remove);
        if (console != null) {
            console.close();
        }
        stopLanding();
        if (vault != null) {
            vault.close();
        }
        if (scheduler != null) {
            scheduler.close();
        }
        warehouse.close();
        services.close();
        LOG.debug("pipeline {} stopped", env.pipeline());
    }
}
