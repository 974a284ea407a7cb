package dev.strata.bench;

import dev.strata.config.EnvResolver;
import dev.strata.config.ProjectLoader;
import dev.strata.embedded.EmbeddedPostgres;
import dev.strata.schedule.Backfill;
import dev.strata.schedule.Pipeline;
import dev.strata.schedule.TaskState;
import dev.strata.warehouse.Warehouse;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code strata bench scheduler}: the scheduler's own cost and a fintech-sized backfill, on an
 * embedded PostgreSQL.
 * <ol>
 *   <li><b>Per-task overhead</b>: 1,000 task runs of an SQL task whose body is {@code SELECT 1},
 *       through the real path (queue, {@code SKIP LOCKED} claim, lease, fence, attempt log,
 *       success), one worker. The baseline is the same 1,000 {@code SELECT 1}, each in a transaction
 *       of its own on one connection, measured in the same run.</li>
 *   <li><b>31-day backfill at fintech scale</b> (scenario 001): 87,000 raw JSON transactions a day
 *       plus 42 currency rates a day, 3 tasks a day (typed transactions, typed currencies,
 *       {@code global_metrics}), with the scenario's calendar (schedule dates 2022-10-02 to
 *       2022-11-01, each working on the previous day), {@code depends_on_past} and
 *       {@code wait_for_downstream}. The baseline is {@link FintechBaseline}: the same three SQL
 *       files run by hand, day by day, one transaction per task, into tables of their own. Both
 *       results are then checked: 2,697,000 typed transactions, and {@code global_metrics} equal
 *       row for row to the rows {@code FintechBenchData.expected} computes from the generator's definition.</li>
 * </ol>
 * The last line is {@code scheduler: per_task_ms=X backfill_31d_s=Y}.
 */
public final class SchedulerBenchmark {
    static final int NOOP_TASKS = 1000;
    static final int TRANSACTIONS_PER_DAY = 87_000;
    private final PrintWriter out;

    public SchedulerBenchmark(PrintWriter out) {
        this.out = out;
    }

    /** Runs both parts; returns the last line. */
    public String run(int parallel) throws Exception {
        Path work = Files.createTempDirectory("strata-bench-scheduler");
        try (EmbeddedPostgres pg = EmbeddedPostgres.start(Optional.of(work.resolve("postgres")))) {
            double perTask;
            try (Warehouse w = Warehouse.connect(pg.jdbcUrl(), pg.user(), pg.password(), parallel + 4)) {
                w.migrate();
                perTask = perTask(w, work.resolve("noop"));
            }
            double backfill;
            try (Warehouse w = Warehouse.connect(pg.jdbcUrl(), pg.user(), pg.password(), parallel + 4)) {
                backfill = fintech(w, work.resolve("fintech"), parallel);
            }
            String last = String.format(java.util.Locale.ROOT, "scheduler: per_task_ms=%.2f backfill_31d_s=%.1f", perTask, backfill);
            out.println(last);
            out.flush();
            return last;
        } finally {
            deleteQuietly(work);
        }
    }

    private double perTask(Warehouse w, Path dir) throws Exception {
        long baselineNs = baseline(w);
        write(dir, """
                name: bench_noop
                marts:
                  noop: { materialized: script }
                schedule:
                  marts: { every: 1m, start: 2022-10-01 }
                """, Map.of("marts/noop.sql", "SELECT 1"));
        Pipeline p = Pipeline.load(new ProjectLoader(EnvResolver.of(Map.of())).load(dir), w.adapter());
        Instant from = Instant.parse("2022-10-01T00:00:00Z");
        Backfill.Options o = Backfill.Options.of(from, from.plus(Duration.ofMinutes(NOOP_TASKS - 1)));
        Backfill.Result r = new Backfill(p, w, "bench", Clock.systemUTC()).run(o, Backfill.Progress.NONE);
        if (r.count(TaskState.SUCCESS) != NOOP_TASKS) {
            throw new IllegalStateException("expected " + NOOP_TASKS + " successful runs, got " + r.count(TaskState.SUCCESS));
        }
        double perTask = r.elapsed().toNanos() / 1e6 / NOOP_TASKS;
        double base = baselineNs / 1e6 / NOOP_TASKS;
        out.printf(java.util.Locale.ROOT, "no-op tasks: %d in %.2f s through queue/claim/lease/log = %.2f ms each; "
                + "baseline (SELECT 1 in its own transaction) %.3f ms; scheduler overhead %.2f ms per task%n",
                NOOP_TASKS, r.elapsed().toMillis() / 1000.0, perTask, base, perTask - base);
        out.flush();
        return perTask;
    }

    private static long baseline(Warehouse w) throws SQLException {
        try (Connection c = w.connection(); Statement s = c.createStatement()) {
            c.setAutoCommit(false);
            long t0 = System.nanoTime();
            for (int i = 0; i < NOOP_TASKS; i++) {
                s.execute("SELECT 1");
                c.commit();
            }
            long ns = System.nanoTime() - t0;
            c.setAutoCommit(true);
            return ns;
        }
    }

    private double fintech(Warehouse w, Path dir, int parallel) throws Exception {
        long t0 = System.nanoTime();
        FintechBenchData data = new FintechBenchData(TRANSACTIONS_PER_DAY);
        data.load(w);
        // Landed raw data has long been vacuumed by the time a backfill reads it; without this the
        // autovacuum of the fresh 1 GB table and the first readers' hint-bit writes would land in
        // whichever run below happens to come first.
        maintain(w, "raw.transactions_raw", "raw.currencies_raw");
        long rows = count(w, "SELECT count(*) FROM raw.transactions_raw");
        out.printf(java.util.Locale.ROOT, "fintech data: %,d raw transactions over 31 days generated in %.1f s%n",
                rows, (System.nanoTime() - t0) / 1e9);
        out.flush();
        Map<String, String> sql = new java.util.LinkedHashMap<>();
        for (String f : List.of("transactions.sql", "currencies.sql", "global_metrics.sql", "checks/usd_rate_present.sql")) {
            sql.put(f, resource(f));
        }

        // Baseline, Strata, baseline again: on a shared machine the load drifts, and the mean of the two
        // baselines around Strata's run is what its time compares with.
        double before = baseline(w, sql);

        Map<String, String> files = new java.util.LinkedHashMap<>();
        sql.forEach((f, text) -> files.put(f.startsWith("checks/") ? f : "marts/" + f, text));
        write(dir, resource("strata.yaml"), files);
        Pipeline p = Pipeline.load(new ProjectLoader(EnvResolver.of(Map.of())).load(dir), w.adapter());
        Backfill.Options o = Backfill.Options.of(Instant.parse("2022-10-02T00:00:00Z"), Instant.parse("2022-11-01T00:00:00Z"))
                .withParallel(parallel);
        flush(w);
        Backfill.Result r = new Backfill(p, w, "bench", Clock.systemUTC()).run(o, Backfill.Progress.NONE);
        if (!r.ok() || r.count(TaskState.SUCCESS) != 93) {
            throw new IllegalStateException("the fintech backfill did not succeed: " + r.failed());
        }
        double seconds = r.elapsed().toMillis() / 1000.0;
        settle(w, "stage.transactions", "stage.currencies", "cdm.global_metrics");
        exec(w, w.sql().dropSchemaIfExists("base"));
        double after = baseline(w, sql);
        verify(w, data.expected());
        double baseline = (before + after) / 2;
        out.printf(java.util.Locale.ROOT, "fintech backfill: 31 days x 3 tasks = 93 task runs in %.1f s (%d worker(s), "
                + "depends_on_past + wait_for_downstream); the same SQL by hand, day by day, one transaction per task: "
                + "%.1f s before and %.1f s after; Strata / hand-written = %.2f%n", seconds, parallel, before, after,
                seconds / baseline);
        out.printf(java.util.Locale.ROOT, "fintech check: %d typed transactions, %d global_metrics rows, equal to the "
                + "expected rows computed from the generator, and to the hand-written run's%n",
                count(w, "SELECT count(*) FROM stage.transactions"), count(w, "SELECT count(*) FROM cdm.global_metrics"));
        out.flush();
        return seconds;
    }

    /** Runs {@link FintechBaseline} into fresh tables; returns its seconds. */
    private static double baseline(Warehouse w, Map<String, String> sql) throws Exception {
        exec(w, resource("baseline.sql"));
        flush(w);
        double seconds = new FintechBaseline(sql).run(w) / 1e9;
        settle(w, "base.transactions", "base.currencies", "base.global_metrics");
        return seconds;
    }

    /**
     * Leaves the next run a server with nothing pending from this one: no autovacuum of the rows just
     * written, no dirty buffers to write out.
     */
    private static void settle(Warehouse w, String... tables) throws SQLException {
        maintain(w, tables);
        flush(w);
    }

    /** Fails unless the staging and the mart hold exactly the expected rows, for both runs. */
    private void verify(Warehouse w, List<FintechBenchData.Metric> expected) throws Exception {
        long expectedTransactions = 31L * TRANSACTIONS_PER_DAY;
        for (String table : List.of("stage.transactions", "base.transactions")) {
            long n = count(w, "SELECT count(*) FROM " + table);
            if (n != expectedTransactions) {
                throw new IllegalStateException(table + " holds " + n + " rows, expected " + expectedTransactions);
            }
        }
        if (expected.size() != 31 * 5) {
            throw new IllegalStateException("the generator's definition gives " + expected.size() + " global_metrics rows, not 155");
        }
        for (String mart : List.of("cdm.global_metrics", "base.global_metrics")) {
            List<FintechBenchData.Metric> actual = FintechBenchData.read(w, mart);
            int differ = Math.abs(actual.size() - expected.size());
            for (int i = 0; i < Math.min(actual.size(), expected.size()); i++) {
                if (!actual.get(i).sameAs(expected.get(i))) {
                    differ++;
                    if (differ == 1) {
                        out.printf("  first difference in %s: %s, expected %s%n", mart, actual.get(i), expected.get(i));
                    }
                }
            }
            if (differ != 0) {
                throw new IllegalStateException(mart + " differs from the expected rows in " + differ + " rows (expected "
                        + expected.size() + " rows)");
            }
        }
    }

    private static long count(Warehouse w, String sql) throws SQLException {
        try (Connection c = w.connection(); Statement s = c.createStatement(); var rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static String resource(String name) throws IOException {
        try (var in = SchedulerBenchmark.class.getResourceAsStream("/dev/strata/bench/scheduler/" + name)) {
            if (in == null) {
                throw new IOException("missing benchmark resource " + name);
            }
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    private static void exec(Warehouse w, String sql) throws SQLException {
        try (Connection c = w.connection(); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private static void write(Path dir, String yaml, Map<String, String> files) throws IOException {
        Files.createDirectories(dir.resolve("marts"));
        Files.writeString(dir.resolve("strata.yaml"), yaml);
        for (Map.Entry<String, String> f : files.entrySet()) {
            Files.createDirectories(dir.resolve(f.getKey()).getParent());
            Files.writeString(dir.resolve(f.getKey()), f.getValue());
        }
    }

    private static void deleteQuietly(Path dir) {
        try (var walk = Files.walk(dir)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temporary folder; the OS cleans it eventually
        }
    }

    /** Refreshes the statistics (and on PostgreSQL vacuums) each table, so no run inherits another's autovacuum. */
    private static void maintain(Warehouse w, String... tables) throws SQLException {
        try (Connection c = w.connection()) {
            for (String t : tables) {
                w.catalog().refreshStatistics(c, t);
            }
        }
    }

    private static void flush(Warehouse w) throws SQLException {
        try (Connection c = w.connection()) {
            w.catalog().flush(c);
        }
    }
}
