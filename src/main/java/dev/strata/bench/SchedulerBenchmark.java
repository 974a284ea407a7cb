package dev.strata.bench;

import dev.strata.config.EnvResolver;
import dev.strata.config.ProjectLoader;
import dev.strata.config.Secret;
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
 *       {@code wait_for_downstream}.</li>
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
            try (Warehouse w = Warehouse.connect(pg.jdbcUrl(), EmbeddedPostgres.USER, Secret.empty(), parallel + 4)) {
                w.migrate();
                perTask = perTask(w, work.resolve("noop"));
            }
            double backfill;
            try (Warehouse w = Warehouse.connect(pg.jdbcUrl(), EmbeddedPostgres.USER, Secret.empty(), parallel + 4)) {
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
        Pipeline p = Pipeline.load(new ProjectLoader(EnvResolver.of(Map.of())).load(dir), w.dialect());
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
        exec(w, resource("setup.sql").replace("${PER_DAY}", Integer.toString(TRANSACTIONS_PER_DAY)));
        long rows;
        try (Connection c = w.connection(); Statement s = c.createStatement();
             var rs = s.executeQuery("SELECT count(*) FROM raw.transactions_raw")) {
            rs.next();
            rows = rs.getLong(1);
        }
        out.printf(java.util.Locale.ROOT, "fintech data: %,d raw transactions over 31 days generated in %.1f s%n",
                rows, (System.nanoTime() - t0) / 1e9);
        write(dir, resource("strata.yaml"), Map.of(
                "marts/transactions.sql", resource("transactions.sql"),
                "marts/currencies.sql", resource("currencies.sql"),
                "marts/global_metrics.sql", resource("global_metrics.sql")));
        Pipeline p = Pipeline.load(new ProjectLoader(EnvResolver.of(Map.of())).load(dir), w.dialect());
        Backfill.Options o = Backfill.Options.of(Instant.parse("2022-10-02T00:00:00Z"), Instant.parse("2022-11-01T00:00:00Z"))
                .withParallel(parallel);
        Backfill.Result r = new Backfill(p, w, "bench", Clock.systemUTC()).run(o, Backfill.Progress.NONE);
        if (!r.ok() || r.count(TaskState.SUCCESS) != 93) {
            throw new IllegalStateException("the fintech backfill did not succeed: " + r.failed());
        }
        long martRows;
        try (Connection c = w.connection(); Statement s = c.createStatement();
             var rs = s.executeQuery("SELECT count(*) FROM cdm.global_metrics")) {
            rs.next();
            martRows = rs.getLong(1);
        }
        double seconds = r.elapsed().toMillis() / 1000.0;
        out.printf(java.util.Locale.ROOT, "fintech backfill: 31 days x 3 tasks = 93 task runs in %.1f s (%d worker(s), "
                + "depends_on_past + wait_for_downstream), %d global_metrics rows%n", seconds, parallel, martRows);
        out.flush();
        return seconds;
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
}
