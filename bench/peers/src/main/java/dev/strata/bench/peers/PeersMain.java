package dev.strata.bench.peers;

import dev.strata.bench.LandingBenchmark;
import dev.strata.config.Secret;
import dev.strata.ingest.StgTable;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.apache.spark.sql.streaming.StreamingQuery;

/**
 * {@code strata bench landing --peers}: in one JVM, on one embedded PostgreSQL (durable settings)
 * and one in-process broker, lands the same N messages (a) by raw COPY in STG's row shape, (b) with
 * Strata, (c) with the Debezium JDBC sink (insert and upsert modes) and (d) with Spark Structured
 * Streaming foreachBatch + JDBC; prints a table with what each guarantees, then
 * {@code landing: strata/copy=R1 strata/best_peer=R2 best_peer=NAME}.
 *
 * <p>(a) and (b) are {@link LandingBenchmark}'s own. Each way first lands a warm-up topic (a tenth
 * of N, at most 100,000 messages) untimed, so the figures are those of a warmed-up, long-running
 * pipeline; a {@code CHECKPOINT} before each timed run keeps one way's dirty pages off the next
 * one's clock, and each way's table is dropped after its check. A way that fails is reported
 * {@code na} and the others still run.
 */
public final class PeersMain {
    static final List<String> PEERS = List.of("debezium_jdbc_insert", "debezium_jdbc_upsert", "spark_foreachbatch");
    private static final Duration TIMEOUT = Duration.ofMinutes(15);

    private record Row(String name, double rate, double seconds, String guarantee, String settings) {
    }

    private final PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
    private final List<Row> rows = new ArrayList<>();
    private int n = 1_000_000;
    private int partitions = 4;
    private int tasks = 2;
    private int batch = 5000;
    private final Set<String> skip = new HashSet<>();

    public static void main(String[] args) throws Exception {
        PeersMain main = new PeersMain();
        try {
            main.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("strata bench landing --peers: " + e.getMessage());
            System.err.println("usage: strata bench landing --peers [--messages N] [--partitions P] [--tasks T] [--batch B] [--skip NAME,...]");
            System.exit(2);
        }
        int rc = main.run();
        // Spark and Connect leave non-daemon threads behind
        System.exit(rc);
    }

    private void parse(String[] args) {
        for (int k = 0; k < args.length; k++) {
            String a = args[k];
            if (a.equals("--peers")) {
                continue;
            }
            if (k + 1 >= args.length) {
                throw new IllegalArgumentException("unknown or incomplete option " + a);
            }
            String v = args[++k];
            switch (a) {
                case "--messages" -> n = positive(a, v);
                case "--partitions" -> partitions = positive(a, v);
                case "--tasks" -> tasks = positive(a, v);
                case "--batch" -> batch = positive(a, v);
                case "--skip" -> skip.addAll(Arrays.asList(v.split(",")));
                default -> throw new IllegalArgumentException("unknown option " + a);
            }
        }
    }

    private static int positive(String option, String v) {
        try {
            int i = Integer.parseInt(v.replace("_", "").replace(",", ""));
            if (i >= 1) {
                return i;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new IllegalArgumentException(option + " needs a whole number of at least 1, not " + v);
    }

    private int run() throws Exception {
        LandingBenchmark bench = new LandingBenchmark(new LandingBenchmark.Options(n, partitions, 1, Optional.empty(), "strata",
                Secret.empty(), Optional.empty(), false, true, false), out);
        Path scratch = Files.createTempDirectory("strata-peers-");
        try (LandingBenchmark.Rig rig = bench.open()) {
            Visible.Pg pg = new Visible.Pg(rig.jdbcUrl(), rig.user(), rig.password().reveal());
            Visible visible = new Visible(pg);
            int warmup = LandingBenchmark.warmupSize(n);
            out.printf("landing beside the peers: %,d messages of ~%d bytes over %d partitions, warm-up %,d; %s; java %s, %d cores;"
                    + " load average %s%n", n, LandingBenchmark.message(n / 2).length, partitions, warmup,
                    LandingBenchmark.durability(rig.warehouse()), System.getProperty("java.version"),
                    Runtime.getRuntime().availableProcessors(), LandingBenchmark.loadAverage());
            preWarmWal(pg);

            String topic = "peers_" + System.currentTimeMillis();
            long t0 = System.nanoTime();
            bench.produce(rig, topic + "_warmup", warmup);
            bench.produce(rig, topic, n);
            ConnectEnvelope.produce(rig.bootstrap(), topic + "_connect_warmup", warmup, partitions);
            ConnectEnvelope.produce(rig.bootstrap(), topic + "_connect", n, partitions);
            out.printf("produced %,d messages to %s and their Connect JSON envelopes (~%d bytes) to %s_connect in %.1f s"
                    + " (setup, not timed)%n", n, topic, ConnectEnvelope.message(n / 2).length, topic, (System.nanoTime() - t0) / 1e9);

            copyAndStrata(bench, rig, pg, topic, warmup);
            if (!skip.contains("debezium_jdbc_insert") || !skip.contains("debezium_jdbc_upsert")) {
                debezium(rig, pg, visible, scratch, topic, warmup);
            }
            if (!skip.contains("spark_foreachbatch")) {
                spark(rig, pg, visible, scratch, topic, warmup);
            }
            out.printf("load average at the end: %s%n", LandingBenchmark.loadAverage());
            return report();
        } finally {
            deleteRecursively(scratch);
        }
    }

    /**
     * A fresh cluster creates (zero-fills and fsyncs) each new 16 MB WAL segment; a long-running
     * server recycles old ones. Without this, whichever way ran first would pay for segment creation.
     */
    private void preWarmWal(Visible.Pg pg) throws Exception {
        long t0 = System.nanoTime();
        pg.execute("CREATE TABLE peers_prewarm AS SELECT g AS id, repeat('x', 300) AS pad FROM generate_series(1, "
                + (long) (1.5 * n) + ") g", "DROP TABLE peers_prewarm", "CHECKPOINT");
        out.printf("WAL pre-warmed in %.1f s (segments recycled, as on a long-running server)%n", (System.nanoTime() - t0) / 1e9);
    }

    private void copyAndStrata(LandingBenchmark bench, LandingBenchmark.Rig rig, Visible.Pg pg, String topic, int warmup) {
        try {
            bench.rawCopy(rig, warmup);
            pg.execute("CHECKPOINT");
            double copy = bench.rawCopy(rig, n);
            String check = Content.check(pg, LandingBenchmark.copyTable(), "_key", "_payload", n);
            out.printf(">> copy: %,.0f rows/s (%,d rows in %.2f s)%n   check: %s%n", copy, n, n / copy, check);
            rows.add(new Row("copy", copy, n / copy, "one transaction from memory; no Kafka, no positions (the ceiling)",
                    "COPY FROM STDIN (CSV), 1 connection, unindexed table in STG's 7-column shape"));
            pg.execute("DROP TABLE " + LandingBenchmark.copyTable());
        } catch (Exception e) {
            failed("copy", e);
        }
        try {
            bench.strata(rig, topic + "_warmup", warmup, false);
            pg.execute("CHECKPOINT");
            double strata = bench.strata(rig, topic, n, true);
            String check = Content.check(pg, StgTable.SCHEMA + ".\"" + topic + "\"", "_key", "_payload", n);
            out.printf(">> strata: %,.0f rows/s (%,d rows in %.2f s)%n   check: %s%n", strata, n, n / strata, check);
            rows.add(new Row("strata", strata, n / strata,
                    "exactly once: rows and Kafka positions in one transaction; dedup on the key; dead letters",
                    "Strata's defaults: stg.<source> with unique _key, _seq, positions, landing_batches"));
            bench.cleanUp(rig, topic);
            bench.cleanUp(rig, topic + "_warmup");
        } catch (Exception e) {
            failed("strata", e);
        }
    }

    private void debezium(LandingBenchmark.Rig rig, Visible.Pg pg, Visible visible, Path scratch, String topic, int warmup) {
        long t0 = System.nanoTime();
        try (DebeziumJdbcSink sink = DebeziumJdbcSink.start(rig.bootstrap(), pg, scratch, tasks, batch)) {
            out.printf("kafka connect standalone worker up in %.1f s%n", (System.nanoTime() - t0) / 1e9);
            for (boolean upsert : new boolean[] {false, true}) {
                String name = upsert ? "debezium_jdbc_upsert" : "debezium_jdbc_insert";
                if (skip.contains(name)) {
                    continue;
                }
                try {
                    String mode = upsert ? "upsert" : "insert";
                    String scratchTable = "peers_dbz_warmup_" + mode;
                    pg.execute(ConnectEnvelope.createTable(scratchTable, upsert));
                    long w0 = System.nanoTime();
                    sink.submit("warmup-" + mode, topic + "_connect_warmup", scratchTable, upsert);
                    visible.await(scratchTable, warmup, w0, TIMEOUT);
                    sink.delete("warmup-" + mode);
                    pg.execute("DROP TABLE " + scratchTable);
                    out.printf("   warm-up %s: %,d rows in %.1f s (not timed)%n", name, warmup, (System.nanoTime() - w0) / 1e9);

                    String table = "peers_dbz_" + mode;
                    pg.execute(ConnectEnvelope.createTable(table, upsert), "CHECKPOINT");
                    long s0 = System.nanoTime();
                    sink.submit(mode, topic + "_connect", table, upsert);
                    Visible.Result r = visible.await(table, n, s0, TIMEOUT);
                    sink.delete(mode);
                    timed(name, r, pg, table, "object_id", ConnectEnvelope.DOCUMENT, upsert
                            ? "at least once, idempotent on object_id (a replay rewrites rows); offsets not in the rows' transaction"
                            : "at least once: offsets committed to Kafka after the rows; a replay duplicates rows",
                            sink.settings(upsert));
                } catch (Exception e) {
                    failed(name, e);
                }
            }
        } catch (Exception e) {
            failed("debezium_jdbc", e);
        }
    }

    private void spark(LandingBenchmark.Rig rig, Visible.Pg pg, Visible visible, Path scratch, String topic, int warmup) {
        long t0 = System.nanoTime();
        try (SparkForeachBatch spark = SparkForeachBatch.start(rig.bootstrap(), pg, scratch)) {
            out.printf("spark session (local[2]) up in %.1f s%n", (System.nanoTime() - t0) / 1e9);
            pg.execute(SparkForeachBatch.createTable("peers_spark_warmup"));
            long w0 = System.nanoTime();
            StreamingQuery wq = spark.start(topic + "_warmup", "peers_spark_warmup");
            visible.await("peers_spark_warmup", warmup, w0, TIMEOUT);
            SparkForeachBatch.stop(wq);
            pg.execute("DROP TABLE peers_spark_warmup");
            out.printf("   warm-up spark_foreachbatch: %,d rows in %.1f s (not timed)%n", warmup, (System.nanoTime() - w0) / 1e9);

            pg.execute(SparkForeachBatch.createTable("peers_spark"), "CHECKPOINT");
            long s0 = System.nanoTime();
            StreamingQuery q = spark.start(topic, "peers_spark");
            Visible.Result r = visible.await("peers_spark", n, s0, TIMEOUT);
            SparkForeachBatch.stop(q);
            timed("spark_foreachbatch", r, pg, "peers_spark", "_key", "_payload",
                    "at least once: the checkpoint is written after the batch's JDBC commits; a replayed batch duplicates rows",
                    SparkForeachBatch.settings());
        } catch (Exception e) {
            failed("spark_foreachbatch", e);
        }
    }

    private void timed(String name, Visible.Result r, Visible.Pg pg, String table, String key, String document, String guarantee,
                       String settings) throws Exception {
        double seconds = r.nanos() / 1e9;
        out.printf(">> %s: %,.0f rows/s (%,d rows visible in %.2f s; %d count(*) polls, %.2f s in total)%n", name, n / seconds, n,
                seconds, r.polls(), r.pollNanos() / 1e9);
        out.printf("   check: %s%n", Content.check(pg, table, key, document, n));
        rows.add(new Row(name, n / seconds, seconds, guarantee, settings));
        pg.execute("DROP TABLE " + table);
    }

    private void failed(String name, Exception e) {
        out.printf("!! %s failed, reported na: %s%n", name, e);
        e.printStackTrace(System.err);
    }

    private int report() {
        out.println();
        out.printf("%-22s %10s %9s  %-100s  %s%n", "way", "rows/s", "seconds", "guarantee", "settings");
        for (Row r : rows) {
            out.printf("%-22s %,10.0f %9.2f  %-100s  %s%n", r.name(), r.rate(), r.seconds(), r.guarantee(), r.settings());
        }
        Optional<Row> copy = rows.stream().filter(r -> r.name().equals("copy")).findFirst();
        Optional<Row> strata = rows.stream().filter(r -> r.name().equals("strata")).findFirst();
        Optional<Row> best = rows.stream().filter(r -> PEERS.contains(r.name())).max((a, b) -> Double.compare(a.rate(), b.rate()));
        out.println("The peers are at-least-once; only Strata lands exactly once. Measured " + Instant.now() + ".");
        String r1 = copy.isPresent() && strata.isPresent() ? two(strata.get().rate() / copy.get().rate()) : "na";
        String r2 = best.isPresent() && strata.isPresent() ? two(strata.get().rate() / best.get().rate()) : "na";
        out.println("landing: strata/copy=" + r1 + " strata/best_peer=" + r2 + " best_peer=" + best.map(Row::name).orElse("na"));
        out.flush();
        return copy.isPresent() && strata.isPresent() && rows.size() == 2 + PEERS.size() - (int) skip.stream().filter(PEERS::contains).count() ? 0 : 1;
    }

    private static String two(double v) {
        return String.format(Locale.ROOT, "%.2f", v);
    }

    private static void deleteRecursively(Path dir) {
        try (var paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (java.io.IOException ignored) {
            // best effort: a temp directory
        }
    }
}
