package dev.strata.examples.fintech;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.strata.config.KafkaSourceSpec;
import dev.strata.examples.DemoPipeline;
import dev.strata.examples.DemoStage;
import dev.strata.examples.Scenario;
import dev.strata.schedule.Backfill;
import dev.strata.schedule.Pipeline;
import dev.strata.schedule.TaskState;
import dev.strata.warehouse.Warehouse;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * {@code strata demo fintech}: the fintech example (scenario 001). Generates the seed profile
 * (250,000 messages, transactions and rates on one topic, 1 % re-sent, half of those late), sends
 * it, lands it with the example's two filtered sources while the Data Vault loads each landed batch
 * (as under {@code strata run}), runs the October-2022 backfill (31 daily runs of the example's
 * DAG) with a progress bar, and verifies every layer against the generator's data. Prints the wall
 * time of landing (and of the vault catching up after it) and of the backfill, and
 * {@code verified: ...} when everything matches.
 */
public final class FintechScenario implements Scenario {
    static final long SEED = 2022;
    static final int PARTITIONS = 3;
    static final Instant FIRST_RUN = Instant.parse("2022-10-02T00:00:00Z");
    static final Instant LAST_RUN = Instant.parse("2022-11-01T00:00:00Z");
    private static final Duration LANDING_TIMEOUT = Duration.ofMinutes(10);
    private static final ObjectMapper MANIFEST_JSON = new ObjectMapper().findAndRegisterModules()
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS).enable(SerializationFeature.INDENT_OUTPUT);

    private PrintWriter out;
    private FintechGenerator.Generated seed;
    private String topic;

    @Override
    public void generate(DemoStage stage) throws Exception {
        out = stage.out();
        out.println("generating the seed profile ...");
        out.flush();
        seed = new FintechGenerator(SEED).generate();
        long transactions = GlobalMetricsTruth.rawTransactionCounts(seed.messages()).values().stream().mapToLong(i -> i).sum();
        out.printf("  %,d messages: %,d transactions on %d dates, %,d currency rates, %,d re-sent (%,d of them "
                        + "10-60 minutes late)%n", seed.messages().size(), transactions,
                seed.manifest().days().values().stream().filter(d -> d.transactionMessages() > 0).count(),
                seed.manifest().totalRateMessages(), seed.manifest().duplicates(), seed.manifest().lateDuplicates());
        Path manifest = stage.workDir().resolve("generator").resolve("manifest.json");
        Files.createDirectories(manifest.getParent());
        MANIFEST_JSON.writeValue(manifest.toFile(), seed.manifest());
        out.println("  manifest : " + manifest);
    }

    @Override
    public String prepare(DemoStage stage) {
        topic = ((KafkaSourceSpec) stage.project().sources().get("transactions_raw").spec()).topic();
        stage.kafka().createTopic(topic, PARTITIONS);
        return "";
    }

    @Override
    public String consoleHint() {
        return "  (Dashboards: Global metrics)";
    }

    @Override
    public boolean run(DemoStage stage, DemoPipeline p) throws Exception {
        Warehouse w = p.warehouse();
        long t = System.nanoTime();
        try (FintechProducer producer = new FintechProducer(stage.kafka().bootstrap(), topic)) {
            producer.send(seed.messages());
        }
        out.printf("sent %,d messages to topic %s in %.1f s; landing ...%n", seed.messages().size(), topic,
                (System.nanoTime() - t) / 1e9);
        out.flush();
        long expected = GlobalMetricsTruth.distinct(seed.messages()).size();
        DemoPipeline.Landed landed = p.landAll(LANDING_TIMEOUT);
        out.printf("landed %,d distinct messages into stg.transactions_raw and stg.currencies_raw in %.1f s "
                + "(%,d duplicates dropped)%n", expected, landed.landing().toMillis() / 1e3, seed.messages().size() - expected);
        out.printf("the Data Vault caught up %.1f s later%n", landed.vaultCatchUp().toMillis() / 1e3);
        out.println("backfill 2022-10-02 .. 2022-11-01 (31 daily runs of " + p.pipeline().scheduledNodes().size() + " tasks) ...");
        out.flush();
        Backfill.Result result = p.backfill(FIRST_RUN, LAST_RUN);
        out.printf("backfill: %d task runs, %d succeeded, %d failed, %d not run, in %.1f s%n", result.runs().size(),
                result.count(TaskState.SUCCESS), result.count(TaskState.FAILED), result.notRun().size(),
                result.elapsed().toMillis() / 1e3);
        result.failed().forEach(r -> out.println("  failed: " + r.node() + " " + r.logicalDate() + ": " + r.error()));
        FintechVerifier.Verification v = new FintechVerifier(w).verify(seed);
        boolean ok = result.ok() && v.ok();
        out.println(v.summary());
        if (ok) {
            ok = showTestCatchingBadData(w, p.pipeline());
        }
        if (ok) {
            out.printf("landing %.1f s (vault %.1f s more), 31-day backfill %.1f s%n", landed.landing().toMillis() / 1e3,
                    landed.vaultCatchUp().toMillis() / 1e3, result.elapsed().toMillis() / 1e3);
        }
        out.flush();
        return ok;
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
}
