package dev.strata.bench;

import dev.strata.config.EnvResolver;
import dev.strata.config.ProjectConfig;
import dev.strata.config.ProjectLoader;
import dev.strata.config.Secret;
import dev.strata.embedded.EmbeddedPostgres;
import dev.strata.embedded.PostgresBenchSource;
import dev.strata.ingest.JdbcLanding;
import dev.strata.warehouse.Warehouse;
import java.io.IOException;
import java.io.PrintWriter;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * {@code strata bench jdbc}: a {@code mode: snapshot} jdbc source reading an N-row PostgreSQL
 * table (default 1,000,000, the shape of scenario 003's orders: integers, timestamps, a decimal,
 * text, a boolean, a date) into {@code stg.<source>}, against the raw ceiling of the same move:
 * {@code COPY (SELECT …) TO STDOUT} of the source piped straight into {@code COPY … FROM STDIN}
 * of an unindexed table with the same column types, in one transaction.
 *
 * <p>One embedded PostgreSQL (durable settings unless {@code durable=false}) holds both the source
 * database ({@code shop}) and the warehouse ({@code postgres}), so both sides pay the same server
 * for reading and writing. The source table is vacuumed first (hint bits set, so the first reader
 * does not pay for them); both sides are warmed up on 100,000 rows; then {@code rounds} rounds of
 * (a) the raw pipe and (b) Strata, each into a fresh table, and the best of each side is compared.
 * Strata's side is what a task runs: {@link JdbcLanding#snapshot} in one warehouse transaction
 * (types read from the source's metadata, the STG table created, {@code _seq} reserved, the
 * {@code landing_batches} row, the commit). Every Strata run is checked against the source
 * (row count and the sum of the decimal column). The last line is {@code jdbc: strata/copy=R}
 * (rates, Strata over the ceiling; target R ≥ 0.70).
 */
public final class JdbcBenchmark {
    /** What to run. */
    public record Options(int rows, int rounds, boolean durable) {
    }

    private static final String SOURCE_DB = "shop";
    private static final String COLUMNS = "order_id, user_id, order_date, total_amount, status, delivery_date, note, paid, due";
    private static final LocalDate DATE = LocalDate.parse("2024-12-31");
    private final Options options;
    private final PrintWriter out;

    public JdbcBenchmark(Options options, PrintWriter out) {
        this.options = options;
        this.out = out;
    }

    /** Runs the benchmark on a fresh embedded PostgreSQL; returns strata/copy (rates). */
    public double run() throws Exception {
        int n = options.rows();
        try (EmbeddedPostgres pg = options.durable() ? EmbeddedPostgres.startDurable(Optional.empty())
                : EmbeddedPostgres.start(Optional.empty());
             Warehouse w = Warehouse.connect(pg.jdbcUrl(), EmbeddedPostgres.USER, Secret.empty(), 4)) {
            w.migrate();
            CpuClock cpu = CpuClock.jvmAndPostgres(pg.dataDir());
            String sourceUrl = pg.jdbcUrl().replaceFirst("/" + EmbeddedPostgres.DATABASE + "(\\?|$)", "/" + SOURCE_DB + "$1");
            out.printf("jdbc benchmark: snapshot of a %,d-row PostgreSQL table into the warehouse; %s; load average %s%n", n,
                    durability(w), loadAverage());
            out.flush();
            long t0 = System.nanoTime();
            PostgresBenchSource.createOrders(w, sourceUrl, SOURCE_DB, n);
            out.printf("    source table shop.orders: %,d rows generated and vacuumed in %.1f s (setup, not compared)%n",
                    n, seconds(t0));
            out.flush();

            int warm = Math.min(n, 100_000);
            PostgresBenchSource.rawPipe(w, sourceUrl, COLUMNS, "warmup", warm);
            strata(w, sourceUrl, "orders_warmup", "SELECT * FROM orders WHERE order_id <= " + warm, warm);
            out.printf("    warm-up: both sides moved %,d rows first (not timed)%n", warm);
            out.flush();

            double bestCopy = 0;
            double bestStrata = 0;
            for (int round = 1; round <= options.rounds(); round++) {
                CpuClock.Reading c0 = cpu.read();
                long start = System.nanoTime();
                PostgresBenchSource.rawPipe(w, sourceUrl, COLUMNS, "raw_" + round, n);
                double copy = n / seconds(start);
                CpuClock.Reading c1 = cpu.read();
                out.printf("(a) COPY TO STDOUT | COPY FROM STDIN  %,10.0f rows/s  (round %d, unindexed table; %s)%n",
                        copy, round, c1.minus(c0).perRows(n));
                out.flush();
                start = System.nanoTime();
                strata(w, sourceUrl, "orders_" + round, null, n);
                double strata = n / seconds(start);
                CpuClock.Reading c2 = cpu.read();
                out.printf("(b) Strata snapshot                   %,10.0f rows/s  (round %d, stg.orders_%d; %s)%n",
                        strata, round, round, c2.minus(c1).perRows(n));
                if (cpu.seesPostgres()) {
                    out.printf("    CPU time per row, strata/copy: %.2f of the ceiling's rate if CPU were the only limit%n",
                            c1.minus(c0).total() / c2.minus(c1).total());
                }
                out.flush();
                bestCopy = Math.max(bestCopy, copy);
                bestStrata = Math.max(bestStrata, strata);
                dropRound(w, round);
            }
            double ratio = bestStrata / bestCopy;
            out.printf("best of %d: (a) %,.0f rows/s, (b) %,.0f rows/s; load average at the end: %s%n", options.rounds(),
                    bestCopy, bestStrata, loadAverage());
            out.println(String.format(Locale.ROOT, "jdbc: strata/copy=%.2f", ratio));
            out.flush();
            return ratio;
        }
    }

    /** (b): one task's snapshot of a jdbc source over the table (or {@code query}), checked against the source. */
    private static void strata(Warehouse w, String sourceUrl, String name, String query, int n) throws Exception {
        String yaml = "name: bench\nsources:\n  " + name + ":\n    jdbc:\n      url: \"" + sourceUrl + "\"\n"
                + "      user: " + EmbeddedPostgres.USER + "\n"
                + (query == null ? "      table: orders\n" : "      query: \"" + query + "\"\n")
                + "      mode: snapshot\n";
        ProjectConfig p = new ProjectLoader(EnvResolver.of(Map.of())).parse(Path.of("."), yaml, "strata.yaml");
        JdbcLanding landing = JdbcLanding.of(p.name(), p.sources().get(name));
        long landed = w.inTransaction(c -> landing.snapshot(w, c, DATE, "bench"));
        try (Connection c = w.connection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*), sum(total_amount) FROM stg." + name)) {
            rs.next();
            BigDecimal expected = expectedSum(sourceUrl, n);
            if (landed != n || rs.getLong(1) != n || rs.getBigDecimal(2).compareTo(expected) != 0) {
                throw new IllegalStateException("stg." + name + " holds " + rs.getLong(1) + " rows summing to "
                        + rs.getBigDecimal(2) + "; the source has " + n + " rows summing to " + expected);
            }
        }
    }

    private static BigDecimal expectedSum(String sourceUrl, int n) throws SQLException {
        try (Connection c = DriverManager.getConnection(sourceUrl, EmbeddedPostgres.USER, "");
             Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT sum(total_amount) FROM orders WHERE order_id <= " + n)) {
            rs.next();
            return rs.getBigDecimal(1);
        }
    }

    private static void dropRound(Warehouse w, int round) throws SQLException {
        try (Connection c = w.connection(); Statement s = c.createStatement()) {
            c.setAutoCommit(true);
            s.execute("DROP TABLE strata_bench.raw_" + round);
            s.execute("DROP TABLE stg.orders_" + round);
        }
    }

    private static String durability(Warehouse warehouse) throws SQLException {
        try (Connection c = warehouse.connection()) {
            return warehouse.catalog().describeDurability(c);
        }
    }

    private static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return f[0] + " " + f[1] + " " + f[2] + " (1/5/15 min, " + Runtime.getRuntime().availableProcessors() + " cores)";
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }

    private static double seconds(long start) {
        return (System.nanoTime() - start) / 1e9;
    }
}
