package dev.strata.app;

import dev.strata.ErrorCode;
import dev.strata.StrataException;
import dev.strata.config.EnvResolver;
import dev.strata.config.KafkaSourceSpec;
import dev.strata.config.ProjectConfig;
import dev.strata.config.ProjectLoader;
import dev.strata.config.SourceConfig;
import dev.strata.console.ConsoleHooks;
import dev.strata.console.ConsoleServer;
import dev.strata.embedded.Durability;
import dev.strata.embedded.EmbeddedKafka;
import dev.strata.embedded.EmbeddedRedis;
import dev.strata.embedded.StreamingReplica;
import dev.strata.examples.DemoOptions;
import dev.strata.examples.DemoStage;
import dev.strata.examples.Example;
import dev.strata.examples.ExampleProjects;
import dev.strata.examples.Scenario;
import dev.strata.runtime.Environment;
import dev.strata.schedule.Pipeline;
import dev.strata.vault.VaultLoader;
import dev.strata.warehouse.Warehouse;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * {@code strata demo <example>}: runs any registered {@link Example} end to end on embedded servers
 * and returns whether its marts equal the ground truth. The runner owns what every demo shares —
 * the work folder ({@link DemoWorkDir}), the copied and loaded project, the embedded servers and
 * the check that the example's {@link Example#needs() needs} are embedded, the pipeline in the
 * example's {@link Example.Shape shape}, the console, the {@code ready} lines, the backfill's
 * progress bar, the console's linger — and drives the example's {@link Scenario} through it.
 *
 * <p>Its embedded warehouse runs with {@link Durability#FAST} settings, and the demo says so.
 */
public final class DemoRunner {
    /** What the demo's embedded warehouse trades for speed, said in its output (see {@link Durability#FAST}). */
    static final String FAST_SETTINGS = "fast, not durable settings (PostgreSQL: fsync and synchronous_commit off, a killed "
            + "server loses its last ~0.6 s of commits; MariaDB: the log flushed once a second, doublewrite off): a power loss "
            + "may lose or corrupt data (`strata run` is durable)";

    /** The variable every example's strata.yaml reads its warehouse URL from ({@code --warehouse} sets it). */
    static final String WAREHOUSE_VARIABLE = "STRATA_WAREHOUSE_URL";

    private final Example example;
    private final DemoOptions options;
    private final PrintWriter out;
    private DemoSourceDatabases sources;

    public DemoRunner(Example example, DemoOptions options, PrintWriter out) {
        this.example = example;
        this.options = options;
        this.out = out;
    }

    /** Runs the demo until it has verified (or failed to); {@code stop} counts down on Ctrl-C. */
    public boolean run(CountDownLatch stop) throws Exception {
        long t0 = System.nanoTime();
        try (DemoWorkDir work = DemoWorkDir.of(options.dataDir(), "strata-" + example.name() + "-");
             DemoSourceDatabases sources = startSourceDatabases()) {
            this.sources = sources;
            Path projectDir = work.path().resolve("project");
            ExampleProjects.copy(example.name(), projectDir);
            ProjectConfig project = new ProjectLoader(environment()).load(projectDir);
            requireWarehouse(project);
            Stage stage = new Stage(project, work.path(), stop, t0);
            Scenario scenario = example.scenario(options);
            scenario.generate(stage);
            out.println("starting embedded " + serversNamed(project) + " ...");
            out.flush();
            EmbeddedServices services = EmbeddedServices.forProject(project, options.dataDir());
            boolean handedOver = false;
            try {
                stage.services = services;
                requireNeeds(services);
                String detail = scenario.prepare(stage);
                if (example.shape() == Example.Shape.STREAM) {
                    handedOver = true;   // the runtime owns them from here, and stops them (also when it fails to start)
                    return stream(stage, scenario, detail, services, projectDir);
                }
                return batch(stage, scenario, detail, services, projectDir);
            } finally {
                if (!handedOver) {
                    services.close();
                }
            }
        }
    }

    private boolean stream(Stage stage, Scenario scenario, String detail, EmbeddedServices services, Path projectDir)
            throws Exception {
        PipelineRuntime.Options runtimeOptions = new PipelineRuntime.Options(options.dataDir(), options.workers(),
                Duration.ofSeconds(30), options.console());
        try (PipelineRuntime runtime = PipelineRuntime.start(stage.project, runtimeOptions, services)) {
            ready(stage, detail, services, runtime.consoleUrl(), scenario, projectDir);
            return scenario.run(stage, new RunningDemoPipeline(stage, runtime.env(), runtime.pipeline(), runtime.vaultLoader(),
                    runtime.consoleUrl()));
        }
    }

    private boolean batch(Stage stage, Scenario scenario, String detail, EmbeddedServices services, Path projectDir)
            throws Exception {
        try (Warehouse warehouse = services.warehouse(options.workers() + 6)) {
            warehouse.migrate();
            ProjectConfig project = stage.project;
            Environment env = new Environment(project, warehouse, services.kafka().map(EmbeddedKafka::bootstrap).orElse(null),
                    new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), Clock.systemUTC(), Environment.defaultWorkerId());
            Pipeline pipeline = Pipeline.load(project, warehouse.adapter());
            VaultLoader vaultLoader = new VaultLoader(warehouse, project.name(), project.vault());
            vaultLoader.prepare();
            try (ConsoleServer console = options.console() ? ConsoleServer.start(env, ConsoleHooks.forPipeline(pipeline)) : null) {
                Optional<String> url = Optional.ofNullable(console).map(ConsoleServer::url);
                ready(stage, detail, services, url, scenario, projectDir);
                boolean ok = scenario.run(stage, new RunningDemoPipeline(stage, env, pipeline, vaultLoader, url));
                if (ok && url.isPresent() && options.duration().isPresent()) {
                    out.println(lingering(options.duration().get(), url.get()));
                    out.flush();
                    stage.stop.await(options.duration().get().toMillis(), TimeUnit.MILLISECONDS);
                }
                return ok;
            }
        }
    }

    /** The {@code ready in 1.2 s} block: how to reach each part of the running demo. */
    private void ready(Stage stage, String detail, EmbeddedServices services, Optional<String> consoleUrl,
                       Scenario scenario, Path projectDir) {
        out.printf("ready in %.1f s%s%n", stage.elapsed(), detail.isEmpty() ? "" : ": " + detail);
        services.postgres().ifPresent(pg -> out.println("  psql     : " + pg.psqlCommand()));
        sources.servers().forEach(pg -> out.println("  source   : " + pg.psqlCommand()));
        sources.replicas().forEach(r -> out.println("  replica  : " + r.standby().psqlCommand() + "  (hot standby, read-only)"));
        services.mariadb().ifPresent(db -> out.println("  mariadb  : " + db.clientCommand()));
        out.println("  speed    : " + FAST_SETTINGS);
        consoleUrl.ifPresent(url -> out.println("  console  : " + url + scenario.consoleHint()));
        out.println("  project  : " + projectDir + " (" + contents(projectDir) + ")");
        out.flush();
    }

    /** {@code strata.yaml, marts/, checks/}: the project's folders, marts first. */
    static String contents(Path projectDir) {
        List<String> parts = new ArrayList<>(List.of("strata.yaml"));
        try (Stream<Path> files = Files.list(projectDir)) {
            files.filter(Files::isDirectory).map(p -> p.getFileName().toString()).filter(n -> !n.startsWith("."))
                    .sorted((a, b) -> a.equals("marts") ? -1 : b.equals("marts") ? 1 : a.compareTo(b))
                    .forEach(n -> parts.add(n + "/"));
        } catch (IOException e) {
            // the line is a hint: without the listing it names strata.yaml alone
        }
        return String.join(", ", parts);
    }

    /** {@code PostgreSQL, Kafka and Redis}: the embedded servers {@link EmbeddedServices#forProject} starts for it. */
    static String serversNamed(ProjectConfig project) {
        List<String> names = new ArrayList<>();
        if (project.warehouse().isEmbeddedMariaDb()) {
            names.add("MariaDB");
        } else if (project.warehouse().isEmbedded()) {
            names.add("PostgreSQL");
        }
        boolean kafka = false;
        boolean redis = false;
        for (SourceConfig s : project.sources().values()) {
            kafka |= s.spec() instanceof KafkaSourceSpec k && k.isEmbedded();
            redis |= s.spec() instanceof dev.strata.config.RedisSourceSpec r && r.isEmbedded();
        }
        if (kafka) {
            names.add("Kafka");
        }
        if (redis) {
            names.add("Redis");
        }
        if (names.isEmpty()) {
            return "servers: none";
        }
        return names.size() == 1 ? names.get(0)
                : String.join(", ", names.subList(0, names.size() - 1)) + " and " + names.get(names.size() - 1);
    }

    /**
     * The environment the example's project is loaded with: the system's, with
     * {@code STRATA_WAREHOUSE_URL} (which every example's strata.yaml reads its URL from) set to
     * {@code --warehouse}'s URL when one was given.
     */
    private EnvResolver environment() {
        return new EnvResolver(name -> {
            String source = sources.variable(name);
            if (source != null) {
                return source;
            }
            if (name.equals(WAREHOUSE_VARIABLE) && options.warehouseUrl().isPresent()) {
                return options.warehouseUrl().get();
            }
            return System.getenv(name);
        });
    }

    /** The source databases the example's {@code jdbc} sources read, started first: the project reads where they are. */
    private DemoSourceDatabases startSourceDatabases() {
        boolean any = example.needs().stream().anyMatch(n -> n.server() == Example.Server.SOURCE_POSTGRES);
        if (any) {
            out.println(example.needs().stream().anyMatch(n -> n.server() == Example.Server.SOURCE_REPLICA)
                    ? "starting the embedded source PostgreSQL and its streaming replica ..."
                    : "starting the embedded source PostgreSQL ...");
            out.flush();
        }
        return DemoSourceDatabases.start(example.needs(), options.dataDir(), System::getenv);
    }

    /** A warehouse asked for with {@code --warehouse} that the example cannot run on is a usage error, said before anything starts. */
    private void requireWarehouse(ProjectConfig project) {
        boolean needsPostgres = example.needs().stream().anyMatch(n -> n.server() == Example.Server.POSTGRES);
        if (options.warehouseUrl().isPresent() && needsPostgres && project.warehouse().isEmbeddedMariaDb()) {
            throw new StrataException(ErrorCode.USAGE, "the " + example.name() + " example runs on the embedded PostgreSQL "
                    + "only (its marts are written for it); run it without --warehouse mariadb");
        }
    }

    private void requireNeeds(EmbeddedServices services) {
        for (Example.Need need : example.needs()) {
            boolean present = switch (need.server()) {
                case POSTGRES -> services.postgres().isPresent();
                case KAFKA -> services.kafka().isPresent();
                case REDIS -> services.redis().isPresent();
                case SOURCE_POSTGRES -> !sources.servers().isEmpty();
                case SOURCE_REPLICA -> !sources.replicas().isEmpty();
            };
            if (!present) {
                throw new StrataException(ErrorCode.CONFIG, "the demo needs the embedded " + need.server().label()
                        + "; unset " + need.variable());
            }
        }
    }

    /** {@code the console stays up for 100s (Ctrl-C to stop): URL}, the duration as it was given. */
    static String lingering(Duration linger, String url) {
        return "the console stays up for " + dev.strata.config.Durations.format(linger) + " (Ctrl-C to stop): " + url;
    }

    private final class Stage implements DemoStage {
        private final ProjectConfig project;
        private final Path work;
        private final CountDownLatch stop;
        private final long t0;
        private EmbeddedServices services;

        Stage(ProjectConfig project, Path work, CountDownLatch stop, long t0) {
            this.project = project;
            this.work = work;
            this.stop = stop;
            this.t0 = t0;
        }

        @Override
        public PrintWriter out() {
            return out;
        }

        @Override
        public DemoOptions options() {
            return options;
        }

        @Override
        public CountDownLatch stop() {
            return stop;
        }

        @Override
        public double elapsed() {
            return (System.nanoTime() - t0) / 1e9;
        }

        @Override
        public Path workDir() {
            return work;
        }

        @Override
        public ProjectConfig project() {
            return project;
        }

        @Override
        public EmbeddedKafka kafka() {
            return services.kafka().orElseThrow(() -> new IllegalStateException("no embedded broker: add it to the example's needs"));
        }

        @Override
        public StreamingReplica replica() {
            return sources.replicas().stream().findFirst().orElseThrow(
                    () -> new IllegalStateException("no streaming replica: add it to the example's needs"));
        }

        @Override
        public EmbeddedRedis redis() {
            return services.redis().orElseThrow(() -> new IllegalStateException("no embedded Redis: add it to the example's needs"));
        }
    }
}
