package dev.strata.bench;

import dev.strata.config.EnvResolver;
import dev.strata.config.ProjectConfig;
import dev.strata.config.ProjectLoader;
import dev.strata.embedded.EmbeddedPostgres;
import dev.strata.embedded.PostgresBenchSource;
import dev.strata.ingest.Landing;
import dev.strata.runtime.Environment;
import dev.strata.warehouse.Warehouse;
import io.debezium.embedded.Connect;
import io.debezium.engine.DebeziumEngine;
import io.debezium.engine.RecordChangeEvent;
import io.debezium.engine.format.ChangeEventFormat;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.connect.source.SourceRecord;

/**
 * {@code strata bench cdc}: Strata's CDC landing against Debezium's embedded engine alone, on the
 * same change stream, in one run.
 * <ol>
 *   <li>A source PostgreSQL (embedded, its own server) gets a table {@code bench_items} and two
 *       logical replication slots on one publication; then N row changes are applied — N/2 inserts,
 *       then N/2 updates, in source transactions of 1,000 rows. Both slots hold the same stream.</li>
 *   <li>(a) The capture ceiling: Debezium's embedded engine (PostgreSQL connector, {@code pgoutput},
 *       the same batch and queue sizes Strata uses, Debezium's defaults otherwise, offsets in memory)
 *       consuming the first slot to a handler that only counts and marks records processed. Timed
 *       from the engine's start to the N-th change.</li>
 *   <li>(b) Strata: a {@code cdc} source on the second slot, landed exactly once into
 *       {@code stg.bench_bench_items} of a warehouse on another PostgreSQL server (durable settings
 *       unless {@code --no-fsync}). Timed from {@code Landing.start} to the N-th row committed.</li>
 *   <li>Snapshot: a table of M rows, read by {@code COPY (SELECT …) TO STDOUT} (the fastest way out
 *       of PostgreSQL), and landed by a {@code cdc} source's initial snapshot.</li>
 * </ol>
 * The last line is {@code cdc: strata/engine=R} (rows/s of (b) over (a)); the target is R ≥ 0.80.
 */
public final class CdcBenchmark {
    private static final int TX_ROWS = 1000;
    private static final String TABLE = "bench_items";
    private static final String SNAPSHOT_TABLE = "bench_snapshot";

    public record Options(int changes, int snapshotRows, boolean durable) {
    }

    private final Options options;
    private final PrintWriter out;
    /** CPU of this JVM plus the source server's processes, and of the warehouse server's. */
    private String sourcePassword = "";
    private CpuClock sourceCpu = CpuClock.jvmOnly();
    private CpuClock warehouseCpu = CpuClock.jvmOnly();

    public CdcBenchmark(Options options, PrintWriter out) {
        this.options = options;
        this.out = out;
    }

    public double run() throws Exception {
        int n = options.changes() - options.changes() % 2;
        try (EmbeddedPostgres source = EmbeddedPostgres.start(Optional.empty());
             EmbeddedPostgres warehouseServer = options.durable() ? EmbeddedPostgres.startDurable(Optional.empty())
                     : EmbeddedPostgres.start(Optional.empty());
             Warehouse warehouse = Warehouse.connect(warehouseServer.jdbcUrl(), EmbeddedPostgres.USER,
                     warehouseServer.password(), 4)) {
            warehouse.migrate();
            sourceCpu = CpuClock.jvmAndPostgres(source.dataDir());
            warehouseCpu = CpuClock.jvmAndPostgres(warehouseServer.dataDir());
            out.printf("cdc benchmark: %,d row changes (%,d inserts, then %,d updates, %,d rows per source transaction); "
                            + "snapshot of %,d rows; warehouse %s; load average %s%n", n, n / 2, n / 2, TX_ROWS,
                    options.snapshotRows(), options.durable() ? "durable (fsync on)" : "fsync off", loadAverage());
            sourcePassword = source.password().reveal();
            String url = source.jdbcUrl();
            sql(url, "CREATE TABLE " + TABLE + " (id bigint PRIMARY KEY, v bigint NOT NULL, note text NOT NULL)",
                    "CREATE PUBLICATION bench_pub FOR TABLE " + TABLE,
                    PostgresBenchSource.createLogicalSlot("bench_engine"),
                    PostgresBenchSource.createLogicalSlot("bench_strata"));
            long t0 = System.nanoTime();
            applyChanges(url, n);
            out.printf("    changes applied on the source    %,12.0f changes/s  (setup, not compared)%n",
                    n / seconds(t0));
            Cpu a0 = cpu();
            double engine = engineAlone(source, n);
            Cpu a = cpu().minus(a0);
            out.printf("(a) Debezium embedded engine alone %,12.0f changes/s  (no-op handler: the capture ceiling)%n", engine);
            out.printf("                                       (%s)%n", a.perChange(n));
            Cpu b0 = cpu();
            double strata = strata(source, warehouse, n);
            Cpu b = cpu().minus(b0);
            out.printf("(b) Strata cdc -> stg, exactly once %,11.0f changes/s  (offsets in the warehouse, committed "
                    + "with the rows)%n", strata);
            out.printf("                                       (%s)%n", b.perChange(n));
            if (b.total() > 0) {
                out.printf("CPU per change, engine/strata: %.2f (the ratio if CPU were the only limit)%n", a.total() / b.total());
            }
            snapshot(source, warehouse);
            out.printf("load average at the end: %s%n", loadAverage());
            double ratio = strata / engine;
            out.println(String.format(java.util.Locale.ROOT, "cdc: strata/engine=%.2f", ratio));
            return ratio;
        }
    }

    /** CPU seconds: this JVM, the source server, the warehouse server. */
    private record Cpu(double jvm, double source, double warehouse) {
        Cpu minus(Cpu o) {
            return new Cpu(jvm - o.jvm, source - o.source, warehouse - o.warehouse);
        }

        double total() {
            return jvm + source + warehouse;
        }

        String perChange(long n) {
            return String.format(java.util.Locale.ROOT, "CPU %.1f s: JVM %.1f + source PostgreSQL %.1f + warehouse "
                    + "PostgreSQL %.1f, %.1f µs/change", total(), jvm, source, warehouse, total() * 1e6 / n);
        }
    }

    private Cpu cpu() {
        CpuClock.Reading s = sourceCpu.read();
        CpuClock.Reading w = warehouseCpu.read();
        return new Cpu(s.jvm(), s.postgres(), w.postgres());
    }

    private void applyChanges(String url, int n) throws SQLException {
        try (Connection c = DriverManager.getConnection(url, EmbeddedPostgres.USER, sourcePassword)) {
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                for (int from = 1; from <= n / 2; from += TX_ROWS) {
                    int to = Math.min(n / 2, from + TX_ROWS - 1);
                    s.execute(PostgresBenchSource.insertNumberedRows(TABLE, "inserted row ", from, to));
                    c.commit();
                }
                for (int from = 1; from <= n / 2; from += TX_ROWS) {
                    int to = Math.min(n / 2, from + TX_ROWS - 1);
                    s.execute("UPDATE " + TABLE + " SET v = v + 1, note = 'updated row ' || id WHERE id BETWEEN "
                            + from + " AND " + to);
                    c.commit();
                }
            }
        }
    }

    private double engineAlone(EmbeddedPostgres source, int n) throws Exception {
        Properties p = new Properties();
        p.setProperty("name", "bench-engine");
        p.setProperty("connector.class", "io.debezium.connector.postgresql.PostgresConnector");
        p.setProperty("offset.storage", "org.apache.kafka.connect.storage.MemoryOffsetBackingStore");
        p.setProperty("offset.flush.interval.ms", "1000");
        p.setProperty("topic.prefix", "engine");
        p.setProperty("database.hostname", "localhost");
        p.setProperty("database.port", Integer.toString(source.port()));
        p.setProperty("database.user", EmbeddedPostgres.USER);
        p.setProperty("database.password", sourcePassword);
        p.setProperty("database.dbname", "postgres");
        p.setProperty("plugin.name", "pgoutput");
        p.setProperty("slot.name", "bench_engine");
        p.setProperty("publication.name", "bench_pub");
        p.setProperty("publication.autocreate.mode", "disabled");
        p.setProperty("table.include.list", "public\\." + TABLE);
        p.setProperty("snapshot.mode", "no_data");
        p.setProperty("max.batch.size", "8192");
        p.setProperty("max.queue.size", "32768");
        String topic = "engine.public." + TABLE;
        AtomicLong seen = new AtomicLong();
        CountDownLatch done = new CountDownLatch(1);
        ExecutorService executor = Executors.newSingleThreadExecutor();
        long t0 = System.nanoTime();
        long elapsed;
        try (DebeziumEngine<RecordChangeEvent<SourceRecord>> engine = DebeziumEngine.create(ChangeEventFormat.of(Connect.class))
                .using(p)
                .notifying((records, committer) -> {
                    for (RecordChangeEvent<SourceRecord> r : records) {
                        if (topic.equals(r.record().topic()) && seen.incrementAndGet() == n) {
                            done.countDown();
                        }
                        committer.markProcessed(r);
                    }
                    committer.markBatchFinished();
                })
                .build()) {
            executor.submit(engine);
            if (!done.await(20, TimeUnit.MINUTES)) {
                throw new IllegalStateException("the engine delivered " + seen.get() + " of " + n + " changes in 20 minutes");
            }
            elapsed = System.nanoTime() - t0;
        } finally {
            executor.shutdownNow();
        }
        return n / (elapsed / 1e9);
    }

    private double strata(EmbeddedPostgres source, Warehouse warehouse, int n) throws Exception {
        String yaml = "name: bench\n"
                + "sources:\n"
                + "  bench:\n"
                + "    cdc:\n"
                + "      postgres: { host: localhost, port: " + source.port() + ", database: postgres, user: postgres, "
                + "password: \"${STRATA_BENCH_SOURCE_PASSWORD}\" }\n"
                + "      tables: [" + TABLE + "]\n"
                + "      slot: bench_strata\n"
                + "      publication: bench_pub\n"
                + "      snapshot: no_data\n";
        long[] result = land(warehouse, yaml, n);
        long inStg = count(warehouse, "SELECT count(*) FROM stg.bench_" + TABLE);
        if (inStg != n) {
            throw new IllegalStateException("stg.bench_" + TABLE + " holds " + inStg + " rows, expected " + n);
        }
        out.printf("                                       (%,d rows in stg in %.1f s, %,d warehouse commits)%n", inStg,
                result[0] / 1e9, result[1]);
        return n / (result[0] / 1e9);
    }

    private void snapshot(EmbeddedPostgres source, Warehouse warehouse) throws Exception {
        int m = options.snapshotRows();
        String url = source.jdbcUrl();
        sql(url, "CREATE TABLE " + SNAPSHOT_TABLE + " (id bigint PRIMARY KEY, v bigint NOT NULL, note text NOT NULL)",
                PostgresBenchSource.insertNumberedRows(SNAPSHOT_TABLE, "snapshot row ", 1, m),
                PostgresBenchSource.vacuumAnalyze(SNAPSHOT_TABLE));
        long t0 = System.nanoTime();
        long bytes;
        try (Connection c = DriverManager.getConnection(url, EmbeddedPostgres.USER, sourcePassword)) {
            CountingStream sink = new CountingStream();
            PostgresBenchSource.copyOut(c, "SELECT * FROM " + SNAPSHOT_TABLE, sink);
            bytes = sink.count;
        }
        double copy = m / seconds(t0);
        out.printf("    snapshot: COPY ... TO STDOUT     %,12.0f rows/s  (%,d rows, %,d bytes)%n", copy, m, bytes);
        String yaml = "name: bench\n"
                + "sources:\n"
                + "  snap:\n"
                + "    cdc:\n"
                + "      postgres: { host: localhost, port: " + source.port() + ", database: postgres, user: postgres, "
                + "password: \"${STRATA_BENCH_SOURCE_PASSWORD}\" }\n"
                + "      tables: [" + SNAPSHOT_TABLE + "]\n"
                + "      slot: bench_snapshot\n"
                + "      publication: bench_snapshot_pub\n";
        long[] result = land(warehouse, yaml, m);
        double strata = m / (result[0] / 1e9);
        out.printf("    snapshot: Strata cdc -> stg      %,12.0f rows/s  (%.2f of COPY TO STDOUT; the snapshot lands in one "
                + "transaction)%n", strata, strata / copy);
    }

    /** Lands the project's cdc source until {@code n} rows are committed; {nanoseconds, landing batches}. */
    private long[] land(Warehouse warehouse, String yaml, long n) throws Exception {
        ProjectConfig project = new ProjectLoader(EnvResolver.of(Map.of("STRATA_BENCH_SOURCE_PASSWORD", sourcePassword)))
                .parse(Path.of("."), yaml, "bench.yaml");
        Environment env = new Environment(project, warehouse, null, new SimpleMeterRegistry(), Clock.systemUTC(),
                Environment.defaultWorkerId());
        AtomicLong rows = new AtomicLong();
        AtomicLong batches = new AtomicLong();
        CountDownLatch done = new CountDownLatch(1);
        long t0 = System.nanoTime();
        long elapsed;
        try (Landing landing = Landing.start(env, b -> {
            batches.incrementAndGet();
            if (rows.addAndGet(b.rowsLanded()) >= n) {
                done.countDown();
            }
        })) {
            if (!done.await(20, TimeUnit.MINUTES)) {
                throw new IllegalStateException("Strata landed " + rows.get() + " of " + n + " rows in 20 minutes");
            }
            elapsed = System.nanoTime() - t0;
        }
        return new long[] {elapsed, batches.get()};
    }

    private static long count(Warehouse w, String sql) throws SQLException {
        try (Connection c = w.connection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private void sql(String url, String... statements) throws SQLException {
        try (Connection c = DriverManager.getConnection(url, EmbeddedPostgres.USER, sourcePassword); Statement s = c.createStatement()) {
            for (String q : statements) {
                s.execute(q);
            }
        }
    }

    private static double seconds(long since) {
        return (System.nanoTime() - since) / 1e9;
    }

    private static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return f[0] + " " + f[1] + " " + f[2] + " (1/5/15 min, " + Runtime.getRuntime().availableProcessors() + " cores)";
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }

    private static final class CountingStream extends OutputStream {
        long count;

        @Override
        public void write(int b) {
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) {
            count += len;
        }
    }
}
