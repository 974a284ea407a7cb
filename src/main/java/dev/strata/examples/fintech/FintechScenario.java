package dev.strata.app;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.strata.ErrorCode;
import dev.strata.StrataException;
import dev.strata.config.EnvResolver;
import dev.strata.config.KafkaSourceSpec;
import dev.strata.config.ProjectConfig;
import dev.strata.config.ProjectLoader;
import dev.strata.console.ConsoleHooks;
import dev.strata.console.ConsoleServer;
import dev.strata.embedded.EmbeddedKafka;
import dev.strata.embedded.EmbeddedPostgres;
import dev.strata.examples.ExampleProjects;
import dev.strata.examples.fintech.FintechGenerator;
import dev.strata.examples.fintech.FintechProducer;
import dev.strata.examples.fintech.FintechVerifier;
import dev.strata.examples.fintech.GlobalMetricsTruth;
import dev.strata.ingest.Landing;
import dev.strata.runtime.Environment;
import dev.strata.schedule.Backfill;
import dev.strata.schedule.ContinuousVault;
import dev.strata.schedule.Pipeline;
import dev.strata.schedule.TaskState;
import dev.strata.vault.VaultLoader;
import dev.strata.warehouse.Warehouse;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * {@code strata demo fintech}: the fintech example (scenario 001) end to end on an embedded
 * PostgreSQL and Kafka broker. Generates the seed profile (250,000 messages, transactions and rates
 * on one topic, 1 % re-sent, half of those late), sends it, lands it with the example's two
 * filtered sources while the Data Vault loads each landed batch (as under {@code strata run}),
 * runs the October-2022 backfill (31 daily runs of the example's DAG) with a progress bar, and
 * verifies every layer against the generator's data. Prints the wall time of landing (and of the
 * vault catching up after it) and of the backfill, and {@code verified: ...} when everything matches.
 *
 * <p>The console runs meanwhile (runs grid, graph, the "Global metrics" dashboard); with
 * {@code duration} it stays up that long after the verification (Ctrl-C ends the wait).
 */
public final class FintechDemo {
    public static final String EXAMPLE = "fintech";
    static final long SEED = 2022;
    static final int PARTITIONS = 3;
    static final Instant FIRST_RUN = Instant.parse("2022-10-02T00:00:00Z");
    static final Instant LAST_RUN = Instant.parse("2022-11-01T00:00:00Z");
    private static final Duration LANDING_TIMEOUT = Duration.ofMinutes(10);
    private static final List<String> SOURCES = List.of("transactions_raw", "currencies_raw");
    private static final ObjectMapper MANIFEST_JSON = new ObjectMapper().findAndRegisterModules()
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS).enable(SerializationFeature.INDENT_OUTPUT);

    /**
     * What the demo is asked to do.
     *
     * @param linger how long to keep the console up after verifying (empty: exit at once)
     */
    public record Options(Optional<Path> dataDir, boolean console, Optional<Duration> linger, int workers) {
        public static Options defaults() {
            return new Options(Optional.empty(), true, Optional.empty(), 2);
        }
    }

    /** The figures of one run, for the closing lines and the tests. */
    public record Outcome(boolean verified, Duration landing, Duration backfill, int taskRuns, long messages) {
    }

    private final Options options;
    private final PrintWriter out;
    private final boolean terminal;

    public FintechDemo(Options options, PrintWriter out, boolean terminal) {
        this.options = options;
        this.out = out;
        this.terminal = terminal;
    }

    /**
     * Runs the demo. {@code stop} (Ctrl-C) ends it where it is — a backfill in progress stops its
     * workers, which roll back their running tasks — or ends the console's wait after verification.
     */
    public Outcome run(CountDownLatch stop) throws Exception {
        long t0 = System.nanoTime();
        try (DemoWorkDir work = DemoWorkDir.of(options.dataDir(), "strata-fintech-")) {
            return run(stop, t0, work.path());
        }
    }

    private Outcome run(CountDownLatch stop, long t0, Path work) throws Exception {
        Path projectDir = work.resolve("project");
        ExampleProjects.copy(EXAMPLE, projectDir);
        ProjectConfig project = new ProjectLoader(EnvResolver.system()).load(projectDir);
        KafkaSourceSpec source = (KafkaSourceSpec) project.sources().get("transactions_raw").spec();

        out.println("generating the seed profile ...");
        out.flush();
        FintechGenerator.Generated seed = new FintechGenerator(SEED).generate();
        long transactions = GlobalMetricsTruth.rawTransactionCounts(seed.messages()).values().stream().mapToLong(i -> i).sum();
        out.printf("  %,d messages: %,d transactions on %d dates, %,d currency rates, %,d re-sent (%,d of them "
                        + "10-60 minutes late)%n", seed.messages().size(), transactions,
                seed.manifest().days().values().stream().filter(d -> d.transactionMessages() > 0).count(),
                seed.manifest().totalRateMessages(), seed.manifest().duplicates(), seed.manifest().lateDuplicates());
        Path manifest = work.resolve("generator").resolve("manifest.json");
        Files.createDirectories(manifest.getParent());
        MANIFEST_JSON.writeValue(manifest.toFile(), seed.manifest());
        out.println("  manifest : " + manifest);
        out.println("starting embedded PostgreSQL and Kafka ...");
        out.flush();
        try (EmbeddedServices services = EmbeddedServices.forProject(project, options.dataDir())) {
            EmbeddedKafka kafka = services.kafka().orElseThrow(() -> new StrataException(ErrorCode.CONFIG,
                    "the demo needs the embedded broker; unset FINTECH_KAFKA_BOOTSTRAP"));
            EmbeddedPostgres pg = services.postgres().orElseThrow(() -> new StrataException(ErrorCode.CONFIG,
                    "the demo needs the embedded PostgreSQL; unset STRATA_WAREHOUSE_URL"));
            kafka.createTopic(source.topic(), PARTITIONS);
            try (Warehouse warehouse = services.warehouse(options.workers() + 6)) {
                warehouse.migrate();
                Environment env = new Environment(project, warehouse, kafka.bootstrap(),
                        new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), Clock.systemUTC(),
                        Environment.defaultWorkerId());
                Pipeline pipeline = Pipeline.load(project, warehouse.adapter());
                VaultLoader vaultLoader = new VaultLoader(warehouse, project.name(), project.vault());
                vaultLoader.prepare();
                try (ConsoleServer console = options.console()
                        ? ConsoleServer.start(env, ConsoleHooks.forPipeline(pipeline)) : null) {
                    out.printf("ready in %.1f s%n", seconds(t0));
                    out.println("  psql     : " + pg.psqlCommand());
                    out.println("  speed    : " + FoodDeliveryDemo.FAST_SETTINGS);
                    if (console != null) {
                        out.println("  console  : " + console.url() + "  (Dashboards: Global metrics)");
                    }
                    out.println("  project  : " + projectDir + " (strata.yaml, marts/, checks/)");
                    out.flush();
                    Outcome outcome = runPipeline(env, pipeline, vaultLoader, kafka, source.topic(), seed, stop);
                    if (console != null && outcome.verified() && options.linger().isPresent()) {
                        out.println(lingering(options.linger().get(), console.url()));
                        out.flush();
                        stop.await(options.linger().get().toMillis(), TimeUnit.MILLISECONDS);
                    }
                    return outcome;
                }
            }
        }
    }

    /** {@code the console stays up for 100s (Ctrl-C to stop): URL}, the duration as it was given. */
    static String lingering(Duration linger, String url) {
        return "the console stays up for " + dev.strata.config.Durations.format(linger) + " (Ctrl-C to stop): " + url;
    }

    private Outcome runPipeline(Environment env, Pipeline pipeline, VaultLoader vaultLoader, EmbeddedKafka kafka,
                                String topic, FintechGenerator.Generated seed, CountDownLatch stop) throws Exception {
        Warehouse w = env.warehouse();
        long t = System.nanoTime();
        try (FintechProducer producer = new FintechProducer(kafka.bootstrap(), topic)) {
            producer.send(seed.messages());
        }
        out.printf("sent %,d messages to topic %s in %.1f s; landing ...%n", seed.messages().size(), topic, seconds(t));
        out.flush();
        long expected = GlobalMetricsTruth.distinct(seed.messages()).size();
        long end = endOffsets(kafka, topic);
        long landingStart = System.nanoTime();
        // as `strata run` does: the vault loads what each landed batch brought (vault targets are continuous)
        ContinuousVault vault = new ContinuousVault(pipeline, vaultLoader, w, env.clock());
        try (Landing landing = Landing.start(env, batch -> vault.landed(batch.source()))) {
            awaitLanded(w, env.pipeline(), end, landingStart, stop);
        }
        Duration landed = Duration.ofNanos(System.nanoTime() - landingStart);
        out.printf("landed %,d distinct messages into stg.transactions_raw and stg.currencies_raw in %.1f s "
                + "(%,d duplicates dropped)%n", expected, landed.toMillis() / 1e3, seed.messages().size() - expected);
        long vaultStart = System.nanoTime();
        vault.close();             // the loads already queued finish
        vaultLoader.loadAll();     // and one more pass picks up the last batches
        Duration vaultCatchUp = Duration.ofNanos(System.nanoTime() - vaultStart);
        out.printf("the Data Vault caught up %.1f s later%n", vaultCatchUp.toMillis() / 1e3);
        out.println("backfill 2022-10-02 .. 2022-11-01 (31 daily runs of " + pipeline.scheduledNodes().size() + " tasks) ...");
        out.flush();
        Backfill backfill = new Backfill(pipeline, w, env.workerId(), env.clock());
        Backfill.Result result = backfill.run(Backfill.Options.of(FIRST_RUN, LAST_RUN).withParallel(options.workers()),
                (finished, total, counts) -> {
                    if (stop.getCount() == 0) {
                        throw new StrataException(ErrorCode.VERIFICATION_FAILED, "stopped during the backfill: nothing was verified");
                    }
                    progress(finished, total, counts);
                });
        if (terminal) {
            out.println();
        }
        out.printf("backfill: %d task runs, %d succeeded, %d failed, %d not run, in %.1f s%n", result.runs().size(),
                result.count(TaskState.SUCCESS), result.count(TaskState.FAILED), result.notRun().size(),
                result.elapsed().toMillis() / 1e3);
        result.failed().forEach(r -> out.println("  failed: " + r.node() + " " + r.logicalDate() + ": " + r.error()));
        FintechVerifier.Verification v = new FintechVerifier(w).verify(seed);
        boolean ok = result.ok() && v.ok();
        out.println(v.summary());
        if (ok) {
            ok = showTestCatchingBadData(w, pipeline);
        }
        if (ok) {
            out.printf("landing %.1f s (vault %.1f s more), 31-day backfill %.1f s%n", landed.toMillis() / 1e3,
                    vaultCatchUp.toMillis() / 1e3, result.elapsed().toMillis() / 1e3);
        }
        out.flush();
        return new Outcome(ok, landed, result.elapsed(), result.runs().size(), seed.messages().size());
    }

    /** The business date whose rate the demo takes away to show the rate test at work. */
    static final java.time.LocalDate BAD_DAY = java.time.LocalDate.of(2022, 10, 5);

    /**
     * Takes the 430 -> USD rate of {@link #BAD_DAY} out of the typed staging, builds that day of
     * global_metrics again the way the scheduler does (the mart and its tests in one transaction),
     * shows its rate test failing and the day's rows untouched, then puts the rate back. Returns
     * false if anything is not as it should be.
     */
    private boolean showTestCatchingBadData(Warehouse w, Pipeline pipeline) throws Exception {
        String day = "date_update >= TIMESTAMP '" + BAD_DAY + " 00:00:00' AND date_update < TIMESTAMP '" + BAD_DAY.plusDays(1)
                + " 00:00:00'";
        String rate = day + " AND currency_code = 430 AND currency_code_with = " + FintechGenerator.USD;
        String before = rowsText(w, "SELECT * FROM cdm.global_metrics WHERE " + day + " ORDER BY currency_from");
        out.println("a data test catching bad data: the 430 -> USD rate of " + BAD_DAY + " goes missing, and that day of "
                + "global_metrics is built again ...");
        List<List<Object>> saved = new java.util.ArrayList<>();
        try (Connection c = w.connection(); java.sql.Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT date_update, currency_code, currency_code_with, currency_with_div "
                     + "FROM stg.currencies WHERE " + rate)) {
            while (rs.next()) {
                saved.add(List.of(rs.getObject(1), rs.getObject(2), rs.getObject(3), rs.getObject(4)));
            }
        }
        exec(w, "DELETE FROM stg.currencies WHERE " + rate);
        Instant start = BAD_DAY.atStartOfDay(java.time.ZoneOffset.UTC).toInstant();
        dev.strata.schedule.ScheduledInterval interval = new dev.strata.schedule.ScheduledInterval(start.plus(Duration.ofDays(1)),
                new dev.strata.schedule.Interval(start, start.plus(Duration.ofDays(1))));
        String failure = null;
        try {
            w.inTransaction(c -> {
                w.settings().beginTask(c, Optional.empty());
                return pipeline.action("global_metrics").orElseThrow()
                        .run(new dev.strata.schedule.TaskContext(c, w, "global_metrics", interval, 1));
            });
        } catch (dev.strata.quality.DataTestFailure e) {
            failure = e.getMessage();
        } finally {
            try (Connection c = w.connection(); PreparedStatement ps = c.prepareStatement("INSERT INTO stg.currencies "
                    + "(date_update, currency_code, currency_code_with, currency_with_div) VALUES (?, ?, ?, ?)")) {
                for (List<Object> row : saved) {
                    for (int i = 0; i < 4; i++) {
                        ps.setObject(i + 1, row.get(i));
                    }
                    ps.executeUpdate();
                }
            }
        }
        boolean untouched = before.equals(rowsText(w, "SELECT * FROM cdm.global_metrics WHERE " + day + " ORDER BY currency_from"));
        out.println("  the day failed: " + (failure == null ? "no, the test did not catch it" : failure.replace("\n", "\n    ")));
        out.println("  cdm.global_metrics still shows " + BAD_DAY + " as it was: " + (untouched ? "yes" : "NO")
                + " (the build rolled back); the rate is back in stg.currencies");
        out.flush();
        return failure != null && failure.contains("usd_rate_for_every_currency") && untouched && !saved.isEmpty();
    }

    private static void exec(Warehouse w, String sql) throws SQLException {
        try (Connection c = w.connection(); java.sql.Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private static String rowsText(Warehouse w, String sql) throws SQLException {
        StringBuilder sb = new StringBuilder();
        try (Connection c = w.connection(); java.sql.Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                for (int i = 1; i <= n; i++) {
                    sb.append(rs.getString(i)).append(i < n ? "|" : "\n");
                }
            }
        }
        return sb.toString();
    }

    private int lastShown = -1;

    private void progress(int finished, int total, Map<TaskState, Integer> counts) {
        int width = 40;
        int filled = total == 0 ? width : finished * width / total;
        String bar = String.format("  [%s%s] %d/%d task runs, %d running, %d failed", "#".repeat(filled),
                ".".repeat(width - filled), finished, total, counts.getOrDefault(TaskState.RUNNING, 0),
                counts.getOrDefault(TaskState.FAILED, 0));
        if (terminal) {
            out.print("\r" + bar);
            out.flush();
        } else {
            int quarter = total == 0 ? 4 : finished * 4 / total;
            if (quarter != lastShown) {
                lastShown = quarter;
                out.println(bar);
                out.flush();
            }
        }
    }

    /** The sum of the topic's end offsets: where both sources' positions stand once everything has landed. */
    private static long endOffsets(EmbeddedKafka kafka, String topic) throws Exception {
        try (Admin admin = kafka.admin()) {
            Map<TopicPartition, OffsetSpec> request = new HashMap<>();
            for (int p = 0; p < PARTITIONS; p++) {
                request.put(new TopicPartition(topic, p), OffsetSpec.latest());
            }
            return admin.listOffsets(request).all().get(30, TimeUnit.SECONDS).values().stream()
                    .mapToLong(r -> r.offset()).sum();
        }
    }

    /** Waits until each source's positions add up to the topic's end (skipped records count: they were read). */
    private void awaitLanded(Warehouse w, String pipeline, long end, long since, CountDownLatch stop) throws Exception {
        long deadline = System.nanoTime() + LANDING_TIMEOUT.toNanos();
        long lastReport = System.nanoTime();
        while (true) {
            Map<String, Long> positions = positions(w, pipeline);
            long behind = SOURCES.stream().mapToLong(s -> end - positions.getOrDefault(s, 0L)).sum();
            if (behind <= 0) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new StrataException(ErrorCode.VERIFICATION_FAILED, "landing did not finish within "
                        + LANDING_TIMEOUT.toMinutes() + " minutes: positions " + positions + ", topic end " + end);
            }
            if (System.nanoTime() - lastReport > TimeUnit.SECONDS.toNanos(5)) {
                lastReport = System.nanoTime();
                out.printf("  %s read %,d of %,d records (%.0f s)%n", SOURCES, 2 * end - behind, 2 * end, seconds(since));
                out.flush();
            }
            if (stop.await(200, TimeUnit.MILLISECONDS)) {
                throw new StrataException(ErrorCode.VERIFICATION_FAILED, "stopped while landing: nothing was verified");
            }
        }
    }

    private static Map<String, Long> positions(Warehouse w, String pipeline) throws SQLException {
        Map<String, Long> out = new HashMap<>();
        try (Connection c = w.connection();
             PreparedStatement ps = c.prepareStatement("SELECT source, sum(position) FROM strata.source_positions "
                     + "WHERE pipeline = ? GROUP BY source")) {
            ps.setString(1, pipeline);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.put(rs.getString(1), rs.getLong(2));
                }
            }
        }
        return out;
    }

    private static double seconds(long t0) {
        return (System.nanoTime() - t0) / 1e9;
    }
}
