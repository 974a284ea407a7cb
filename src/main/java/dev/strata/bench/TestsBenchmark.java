package dev.strata.bench;

import dev.strata.config.DataTestConfig.Kind;
import dev.strata.config.EnvResolver;
import dev.strata.config.ProjectConfig;
import dev.strata.config.ProjectLoader;
import dev.strata.config.Secret;
import dev.strata.embedded.EmbeddedPostgres;
import dev.strata.examples.ExampleProjects;
import dev.strata.examples.fintech.FintechGenerator;
import dev.strata.examples.fintech.FintechMessage;
import dev.strata.ingest.StgTable;
import dev.strata.quality.DataTest;
import dev.strata.quality.TestResult;
import dev.strata.quality.TestRunner;
import dev.strata.quality.TestScope;
import dev.strata.schedule.Pipeline;
import dev.strata.vault.VaultLoader;
import dev.strata.warehouse.SqlDialect;
import dev.strata.warehouse.Warehouse;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code strata bench tests}: the generated vault integrity tests over the fintech example's vault
 * against the vault load itself. Lands the seed profile's distinct messages (≈ 250,000: 244,941
 * transaction messages and 1,302 rates) into the example's two STG tables, loads the whole vault
 * once with {@link VaultLoader#loadAll} (hubs, links, satellites: the baseline), then runs every
 * generated integrity test of every vault table, over whole tables, as {@code strata test} does.
 * The ratio is the tests' time over the load's; the target is below 0.20.
 */
public final class TestsBenchmark {
    private final PrintWriter out;

    public TestsBenchmark(PrintWriter out) {
        this.out = out;
    }

    /** Runs on a fresh embedded PostgreSQL; returns integrity/vault_load. */
    public double run() throws Exception {
        Path project = Files.createTempDirectory("strata-bench-tests-");
        ExampleProjects.copy("fintech", project);
        ProjectConfig config = new ProjectLoader(EnvResolver.of(Map.of())).load(project);
        FintechGenerator.Generated seed = new FintechGenerator(2022).generate();
        try (EmbeddedPostgres pg = EmbeddedPostgres.start(Optional.empty());
             Warehouse w = Warehouse.connect(pg.jdbcUrl(), EmbeddedPostgres.USER, Secret.empty(), 2)) {
            w.migrate();
            long t0 = System.nanoTime();
            int transactions = land(w, "transactions_raw", seed, true);
            int rates = land(w, "currencies_raw", seed, false);
            out.printf("tests benchmark: fintech seed, %,d transaction messages and %,d rates landed in %.1f s (not measured)%n",
                    transactions, rates, seconds(t0));
            out.flush();
            VaultLoader loader = new VaultLoader(w, config.name(), config.vault());
            loader.prepare();
            long start = System.nanoTime();
            Map<String, Long> loaded = loader.loadAll();
            double load = seconds(start);
            out.printf("  vault load: %,d rows into %d tables in %.2f s%n", loaded.values().stream().mapToLong(Long::longValue).sum(),
                    loaded.size(), load);
            out.flush();
            Pipeline pipeline = Pipeline.load(config, w.adapter());
            List<DataTest> integrity = pipeline.tests().all().stream().filter(t -> t.kind() == Kind.VAULT_INTEGRITY).toList();
            TestRunner runner = new TestRunner(Clock.systemUTC());
            start = System.nanoTime();
            List<TestResult> results = w.inTransaction(c -> {
                w.settings().deterministic(c);
                return runner.run(c, integrity, TestScope.everything(Clock.systemUTC().instant()));
            });
            double tests = seconds(start);
            for (TestResult r : results) {
                out.printf("  %-5s %-50s %7d ms%n", r.status().word(), r.test().id(), r.duration().toMillis());
            }
            long failed = results.stream().filter(r -> !r.passed()).count();
            out.printf("  %d integrity tests in %.2f s, %d did not pass%n", results.size(), tests, failed);
            if (failed > 0) {
                throw new IllegalStateException("integrity tests failed on a freshly loaded vault: "
                        + results.stream().filter(r -> !r.passed()).map(TestResult::describe).toList());
            }
            return tests / load;
        }
    }

    /** COPYs the distinct messages of one object type into {@code stg.<source>}, {@code _seq} in send order. */
    private static int land(Warehouse w, String source, FintechGenerator.Generated seed, boolean transactions) throws SQLException {
        SqlDialect d = w.sql();
        StringBuilder csv = new StringBuilder();
        int n = 0;
        for (FintechGenerator.Sent s : seed.messages()) {
            if (s.duplicate() || (s.message() instanceof FintechMessage.Transaction) != transactions) {
                continue;
            }
            n++;
            String json = new String(s.message().json(), StandardCharsets.UTF_8).replace("\"", "\"\"");
            csv.append(n).append(',').append(n).append(",\"").append(json).append("\",0,").append(n).append(",,1\n");
        }
        byte[] bytes = csv.toString().getBytes(StandardCharsets.UTF_8);
        w.inTransaction(c -> {
            try (Statement s = c.createStatement()) {
                for (String ddl : StgTable.createStatements(w.adapter(), source, true)) {
                    s.execute(ddl);
                }
            }
            w.bulkLoad().load(c, d.qualified(StgTable.SCHEMA, source), List.of(StgTable.SEQ, StgTable.KEY, StgTable.PAYLOAD,
                    StgTable.PARTITION, StgTable.OFFSET, StgTable.EVENT_TIME, StgTable.BATCH_ID), new ByteArrayInputStream(bytes));
            return null;
        });
        try (Connection c = w.connection()) {
            w.catalog().refreshStatistics(c, d.qualified(StgTable.SCHEMA, source));
        }
        return n;
    }

    private static double seconds(long start) {
        return (System.nanoTime() - start) / 1e9;
    }
}
