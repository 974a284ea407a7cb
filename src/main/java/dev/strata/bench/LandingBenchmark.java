package dev.strata.bench;

import dev.strata.config.EnvResolver;
import dev.strata.config.ProjectConfig;
import dev.strata.config.ProjectLoader;
import dev.strata.config.Secret;
import dev.strata.embedded.EmbeddedKafka;
import dev.strata.embedded.EmbeddedMariaDb;
import dev.strata.embedded.EmbeddedPostgres;
import dev.strata.ingest.Landing;
import dev.strata.ingest.StgTable;
import dev.strata.runtime.Environment;
import dev.strata.config.ColumnType;
import dev.strata.warehouse.SqlDialect;
import dev.strata.warehouse.Warehouse;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * {@code strata bench landing}: lands the same N JSON messages (~200 bytes, over P partitions)
 * three ways in one run and prints rows/s for each, then the ratios:
 * <ol type="a">
 *   <li>raw {@code COPY} of the same rows from memory into an unindexed table — the ceiling of
 *       what the warehouse can ingest on this machine;</li>
 *   <li>Strata's landing end to end: Kafka → {@code stg.<source>} with the dedup key, positions,
 *       batch rows, exactly once (timed from {@code Landing.start} to the last row committed). A
 *       first, untimed landing of another topic (a tenth of N, at most 100,000) warms the JVM up,
 *       as a long-running {@code strata run} is: the timed run measures landing, not JIT compilation;</li>
 *   <li>a naive per-record {@code INSERT} with auto-commit into a table keyed like STG — the
 *       shape of an at-least-once JDBC sink in insert mode — measured on a sample and extrapolated.</li>
 * </ol>
 * The last line is {@code landing: strata/copy=R1 strata/naive=R2}. Embedded PostgreSQL and Kafka
 * by default; a warehouse URL and brokers may be given instead (tables go to schema
 * {@code strata_bench} and {@code stg.bench_<n>}, dropped at the end).
 *
 * <p>The embedded server runs with durable settings ({@code fsync}, {@code synchronous_commit},
 * {@code full_page_writes} on), as a production warehouse runs:
 * with them off — how {@code strata demo} and the tests run it — a per-record commit costs almost
 * nothing and baseline (c) says little about a real sink. {@code durable=false} keeps them off.
 * A given warehouse is used as it is configured; its settings are printed.
 */
public final class LandingBenchmark {
    /**
     * What to run against. Empty URL or bootstrap: start an embedded server, PostgreSQL or (with
     * {@code embeddedMariaDb}) MariaDB.
     */
    public record Options(int messages, int partitions, int naiveSample, Optional<String> warehouseUrl, String user,
                          Secret password, Optional<String> bootstrap, boolean profile, boolean durable,
                          boolean embeddedMariaDb) {
    }

    /** The three rates, rows per second. */
    public record Result(double copy, double strata, double naive) {
        public double strataToCopy() {
            return strata / copy;
        }

        public double strataToNaive() {
            return strata / naive;
        }
    }

    private static final String SCHEMA = "strata_bench";
    private final Options options;
    private final PrintWriter out;
    private CpuClock cpu = CpuClock.jvmOnly();
    /** Taken when Strata's last row landed, before its threads end (a finished thread's CPU time is gone). */
    private JvmProfile profileOfTimedRun;

    public LandingBenchmark(Options options, PrintWriter out) {
        this.options = options;
        this.out = out;
    }

    /** One message, a pure function of its index (~200 bytes, like the food-delivery orders). */
    public static byte[] message(int i) {
        return ("{\"object_id\":\"o-" + i + "\",\"object_type\":\"order\",\"sent_dttm\":\"2022-10-"
                + two(1 + i % 28) + " " + two((i / 3600) % 24) + ":" + two((i / 60) % 60) + ":" + two(i % 60)
                + "\",\"payload\":{\"user\":{\"id\":\"u-" + (i % 9973) + "\"},\"restaurant\":\"r-" + (i % 211)
                + "\",\"cost\":" + (i % 5000) + "." + (i % 100) + ",\"status\":\"CLOSED\",\"items\":[{\"id\":\"p-"
                + (i % 317) + "\",\"qty\":" + (1 + i % 3) + "}]}}").getBytes(StandardCharsets.UTF_8);
    }

    /**
     * The servers one run lands into, and the warehouse connected to them with Strata's metadata
     * migrated: embedded unless {@link Options} names a warehouse and brokers. Closing it stops
     * what {@link #open()} started. {@code bench landing --peers} (bench/peers) runs its peers
     * against the same servers, beside {@link #rawCopy} and {@link #strata}.
     */
    public static final class Rig implements AutoCloseable {
        private final List<AutoCloseable> closers;
        private final Warehouse warehouse;
        private final String url;
        private final String user;
        private final Secret password;
        private final String bootstrap;

        private Rig(List<AutoCloseable> closers, Warehouse warehouse, String url, String user, Secret password, String bootstrap) {
            this.closers = closers;
            this.warehouse = warehouse;
            this.url = url;
            this.user = user;
            this.password = password;
            this.bootstrap = bootstrap;
        }

        public Warehouse warehouse() {
            return warehouse;
        }

        public String jdbcUrl() {
            return url;
        }

        public String user() {
            return user;
        }

        public Secret password() {
            return password;
        }

        public String bootstrap() {
            return bootstrap;
        }

        @Override
        public void close() throws Exception {
            for (AutoCloseable c : closers) {
                c.close();
            }
        }
    }

    /** Starts (or connects to) the warehouse and the brokers of {@link Options}. */
    public Rig open() throws Exception {
        List<AutoCloseable> closers = new ArrayList<>();
        try {
            String url;
            String user;
            Secret password;
            if (options.warehouseUrl().isPresent()) {
                url = options.warehouseUrl().get();
                user = options.user();
                password = options.password();
            } else if (options.embeddedMariaDb()) {
                EmbeddedMariaDb db = EmbeddedMariaDb.start(Optional.empty(), options.durable()
                        ? EmbeddedMariaDb.Options.durable() : EmbeddedMariaDb.Options.fast());
                closers.add(0, db);
                cpu = CpuClock.jvmAndServer(db.dataDir().resolve("mariadbd.pid"));
                url = db.jdbcUrl();
                user = db.user();
                password = db.password();
            } else {
                EmbeddedPostgres pg = options.durable() ? EmbeddedPostgres.startDurable(Optional.empty())
                        : EmbeddedPostgres.start(Optional.empty());
                closers.add(0, pg);
                cpu = CpuClock.jvmAndPostgres(pg.dataDir());
                url = pg.jdbcUrl();
                user = pg.user();
                password = pg.password();
            }
            String bootstrap;
            if (options.bootstrap().isPresent()) {
                bootstrap = options.bootstrap().get();
            } else {
                EmbeddedKafka kafka = EmbeddedKafka.start(Optional.empty());
                closers.add(0, kafka);
                bootstrap = kafka.bootstrap();
            }
            Warehouse warehouse = Warehouse.connect(url, user, password, 4);
            closers.add(0, warehouse);
            warehouse.migrate();
            return new Rig(closers, warehouse, url, user, password, bootstrap);
        } catch (Exception | Error e) {
            for (AutoCloseable c : closers) {
                try {
                    c.close();
                } catch (Exception suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            throw e;
        }
    }

    public Result run() throws Exception {
        int n = options.messages();
        try (Rig rig = open()) {
            Warehouse warehouse = rig.warehouse();
            String bootstrap = rig.bootstrap();
            String run = "bench_" + System.currentTimeMillis();
            out.printf("landing benchmark: %,d messages of ~%d bytes over %d partitions; %s (%s); load average %s%n", n,
                    message(n / 2).length, options.partitions(), warehouse.url(), durability(warehouse), loadAverage());
            out.flush();

            int warmup = warmupSize(n);
            produce(rig, run + "_warmup", warmup);
            double produced = produce(rig, run, n);
            out.printf("    produce to Kafka             %,12.0f rows/s  (setup, not compared)%n", produced);
            out.flush();

            CpuClock.Reading[] copyCpu = new CpuClock.Reading[2];
            double copy = rawCopy(warehouse, n, copyCpu);
            out.printf("(a) raw bulk load from memory    %,12.0f rows/s  (%,d rows into an unindexed table, one %s; %s)%n",
                    copy, n, warehouse.bulkLoad().describe(), copyCpu[1].minus(copyCpu[0]).perRows(n));
            out.flush();

            strata(rig, run + "_warmup", warmup, false);
            out.printf("    warm-up: Strata landed %,d messages of another topic first (not timed)%n", warmup);
            CpuClock.Reading c1 = cpu.read();
            JvmProfile p1 = JvmProfile.snapshot();
            double strata = strata(rig, run, n, true);
            CpuClock.Reading c2 = cpu.read();
            out.printf("                                                 (%s)%n", c2.minus(c1).perRows(n));
            if (options.profile()) {
                out.print(profileOfTimedRun.since(p1));
            }
            out.flush();

            int sample = Math.min(n, options.naiveSample());
            double[] naiveRun = naive(warehouse, sample);
            double naive = naiveRun[0];
            CpuClock.Reading c3 = cpu.read();
            out.printf("(c) naive INSERT, auto-commit    %,12.0f rows/s  (measured on %,.0f rows, extrapolated; %s)%n",
                    naive, naiveRun[1], c3.minus(c2).perRows((long) naiveRun[1]));
            double cpuRatio = copyCpu[1].minus(copyCpu[0]).total() / c2.minus(c1).total();
            if (cpu.seesPostgres()) {
                out.printf("CPU time per row, strata/copy: %.2f of the raw COPY's rate if CPU were the only limit%n", cpuRatio);
            }
            cleanUp(rig, run);
            cleanUp(rig, run + "_warmup");
            Result r = new Result(copy, strata, naive);
            out.printf("load average at the end: %s%n", loadAverage());
            out.println(String.format(java.util.Locale.ROOT, "landing: strata/copy=%.2f strata/naive=%.2f",
                    r.strataToCopy(), r.strataToNaive()));
            out.flush();
            return r;
        }
    }

    /** Messages of the untimed warm-up topic for a run of {@code n}: a tenth, at most 100,000. */
    public static int warmupSize(int n) {
        return Math.min(100_000, Math.max(1, n / 10));
    }

    /** The dedup key Strata lands {@link #message(int) message i} under ({@code $.object_id}). */
    public static String key(int i) {
        return "o-" + i;
    }

    /** The table (a) copies into, {@code _key} and {@code _payload} among its columns; dropped by {@link #cleanUp}. */
    public static String copyTable() {
        return SCHEMA + ".copy_target";
    }

    /** Creates {@code topic} with the run's partitions and sends it messages 0..count-1; returns rows/s. */
    public double produce(Rig rig, String topic, int count) throws Exception {
        return produce(rig.bootstrap(), topic, count);
    }

    /** (a) alone: the same rows as STG gets, in one COPY into {@link #copyTable()}; rows/s. */
    public double rawCopy(Rig rig, int n) throws SQLException {
        return rawCopy(rig.warehouse(), n, new CpuClock.Reading[2]);
    }

    /**
     * (b) alone: Strata lands {@code n} messages of {@code topic} into {@code stg.<topic>}; rows/s
     * from {@code Landing.start} to the last row committed. With {@code report} it prints the (b)
     * line and fails unless STG holds exactly {@code n} rows.
     */
    public double strata(Rig rig, String topic, int n, boolean report) throws Exception {
        return strata(rig.warehouse(), rig.bootstrap(), topic, n, report);
    }

    private double produce(String bootstrap, String topic, int count) throws Exception {
        return produce(bootstrap, topic, options.partitions(), count, LandingBenchmark::message);
    }

    /** Message {@code i} of a benchmark topic. */
    @FunctionalInterface
    public interface Messages {
        byte[] message(int i) throws Exception;
    }

    /**
     * Creates {@code topic} with {@code partitions} and sends it messages 0..count-1 round-robin over
     * the partitions, acknowledged by all replicas; returns messages/s. Shared by every landing
     * benchmark that needs the same topic contents (the peers' envelope topic too).
     */
    public static double produce(String bootstrap, String topic, int partitions, int count, Messages messages) throws Exception {
        Properties admin = new Properties();
        admin.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        try (Admin a = Admin.create(admin)) {
            a.createTopics(List.of(new NewTopic(topic, partitions, (short) 1))).all().get(60, TimeUnit.SECONDS);
        }
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "10");
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, Integer.toString(256 * 1024));
        p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        // one request in flight: a fresh topic may refuse a first batch that a later one overtakes (AutoMQ#584)
        p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "1");
        AtomicReference<Exception> failure = new AtomicReference<>();
        long t0 = System.nanoTime();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (int i = 0; i < count; i++) {
                producer.send(new ProducerRecord<>(topic, i % partitions, null, messages.message(i)), (m, e) -> {
                    if (e != null) {
                        failure.compareAndSet(null, e);
                    }
                });
            }
            producer.flush();
        }
        if (failure.get() != null) {
            throw new IllegalStateException("producing the benchmark's messages to " + topic + " failed", failure.get());
        }
        return count / ((System.nanoTime() - t0) / 1e9);
    }

    /**
     * (a): the same rows as STG gets (key, payload, partition, offset, event time, Kafka time, batch),
     * built in memory before the clock starts, then sent in one COPY.
     */
    private double rawCopy(Warehouse warehouse, int n, CpuClock.Reading[] cpuAround) throws SQLException {
        try (Connection c = warehouse.connection(); Statement s = c.createStatement()) {
            SqlDialect d = warehouse.sql();
            s.execute(d.createSchemaIfNotExists(SCHEMA));
            s.execute("DROP TABLE IF EXISTS " + SCHEMA + ".copy_target");
            s.execute("CREATE TABLE " + SCHEMA + ".copy_target (_key " + d.textType() + ", _payload " + d.jsonType()
                    + ", _partition " + d.textType() + ", _offset bigint, _event_time " + d.timestampType() + ", _source_time "
                    + d.timestampType() + ", _batch_id bigint)");
        }
        List<byte[]> chunks = new ArrayList<>();
        CsvStream rows = new CsvStream(n, options.partitions());
        byte[] chunk = new byte[4 << 20];
        for (int len; (len = rows.read(chunk, 0, chunk.length)) > 0; ) {
            chunks.add(java.util.Arrays.copyOf(chunk, len));
        }
        cpuAround[0] = cpu.read();
        long t0 = System.nanoTime();
        try (Connection c = warehouse.connection()) {
            c.setAutoCommit(false);
            warehouse.bulkLoad().load(c, SCHEMA + ".copy_target",
                    List.of("_key", "_payload", "_partition", "_offset", "_event_time", "_source_time", "_batch_id"),
                    new java.io.SequenceInputStream(java.util.Collections.enumeration(
                            chunks.stream().map(java.io.ByteArrayInputStream::new).toList())));
            c.commit();
        }
        double rate = n / ((System.nanoTime() - t0) / 1e9);
        cpuAround[1] = cpu.read();
        return rate;
    }

    /** (b): Strata end to end. */
    private double strata(Warehouse warehouse, String bootstrap, String topic, int n, boolean report) throws Exception {
        String source = topic;
        String yaml = "name: " + SCHEMA + "\n"
                + "sources:\n"
                + "  " + source + ":\n"
                + "    kafka: { bootstrap: \"" + bootstrap + "\", topic: " + topic + " }\n"
                + "    key: $.object_id\n"
                + "    event_time: $.sent_dttm\n";
        ProjectConfig project = new ProjectLoader(EnvResolver.of(Map.of())).parse(Path.of("."), yaml, "bench.yaml");
        Environment env = new Environment(project, warehouse, bootstrap, new SimpleMeterRegistry(), Clock.systemUTC(),
                Environment.defaultWorkerId());
        AtomicLong rows = new AtomicLong();
        AtomicLong batches = new AtomicLong();
        Object done = new Object();
        long t0 = System.nanoTime();
        long elapsed;
        try (Landing landing = Landing.start(env, b -> {
            batches.incrementAndGet();
            if (rows.addAndGet(b.rowsLanded()) >= n) {
                synchronized (done) {
                    done.notifyAll();
                }
            }
        })) {
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
            synchronized (done) {
                while (rows.get() < n && System.nanoTime() < deadline) {
                    done.wait(1000);
                }
            }
            elapsed = System.nanoTime() - t0;
            if (report) {
                profileOfTimedRun = JvmProfile.snapshot();
            }
        }
        if (rows.get() < n) {
            throw new IllegalStateException("Strata landed " + rows.get() + " of " + n + " rows in 10 minutes");
        }
        long inStg;
        try (Connection c = warehouse.connection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM " + warehouse.sql().qualified(StgTable.SCHEMA, source))) {
            rs.next();
            inStg = rs.getLong(1);
        }
        double rate = n / (elapsed / 1e9);
        if (!report) {
            return rate;
        }
        out.printf("(b) Strata, Kafka -> stg         %,12.0f rows/s  (%,d rows in stg in %.1f s, %d batches, dedup key, "
                + "positions, exactly once)%n", rate, inStg, elapsed / 1e9, batches.get());
        if (inStg != n) {
            throw new IllegalStateException("stg." + source + " holds " + inStg + " rows, expected " + n);
        }
        return rate;
    }

    /**
     * (c): one INSERT per record, auto-commit, into a table with the same unique key as STG; on at
     * most {@code sample} records or {@link #NAIVE_TIME_LIMIT}, whichever comes first. Returns
     * {rows/s, rows timed}.
     */
    private double[] naive(Warehouse warehouse, int sample) throws SQLException {
        try (Connection c = warehouse.connection(); Statement s = c.createStatement()) {
            s.execute("DROP TABLE IF EXISTS " + SCHEMA + ".naive_target");
            SqlDialect d = warehouse.sql();
            s.execute("CREATE TABLE " + SCHEMA + ".naive_target (_key " + d.keyTextType() + " PRIMARY KEY, _payload "
                    + d.jsonType() + ", _partition " + d.textType() + ", _offset bigint, _event_time " + d.timestampType()
                    + ", _source_time " + d.timestampType() + ", _batch_id bigint)");
        }
        SqlDialect d = warehouse.sql();
        // timestamps bound as values, not cast from text: a dialect's cast may repeat its argument
        // (MariaDB's zoned-text cast does), which would repeat the bind parameter
        String ts = "?";
        long t0 = 0;
        int timed = 0;
        try (Connection c = warehouse.unpooledConnection(); PreparedStatement ps = c.prepareStatement("INSERT INTO "
                + SCHEMA + ".naive_target VALUES (?, " + d.toJson("?") + ", ?, ?, " + ts + ", " + ts + ", ?)")) {
            c.setAutoCommit(true);
            // warmed up like (b), for at most 1,000 rows or 2 s: the timed rows measure inserting, not JIT
            long warmUntil = System.nanoTime() + 2_000_000_000L;
            for (int k = 0; k < 1_000 && System.nanoTime() < warmUntil; k++) {
                insert(ps, "w-", k);
            }
            t0 = System.nanoTime();
            long until = t0 + NAIVE_TIME_LIMIT.toNanos();
            while (timed < sample && (timed % 100 != 0 || System.nanoTime() < until)) {
                insert(ps, "o-", timed++);
            }
        }
        return new double[] {timed / ((System.nanoTime() - t0) / 1e9), timed};
    }

    private static final Duration NAIVE_TIME_LIMIT = Duration.ofSeconds(15);

    private void insert(PreparedStatement ps, String prefix, int i) throws SQLException {
        ps.setString(1, prefix + i);
        ps.setString(2, new String(message(i), StandardCharsets.UTF_8));
        ps.setString(3, Integer.toString(i % options.partitions()));
        ps.setLong(4, i / options.partitions());
        ps.setObject(5, java.time.OffsetDateTime.parse(eventTime(i)));
        ps.setObject(6, java.time.OffsetDateTime.now(java.time.ZoneOffset.UTC));
        ps.setLong(7, 0);
        ps.executeUpdate();
    }

    private static String eventTime(int i) {
        return "2022-10-" + two(1 + i % 28) + "T" + two((i / 3600) % 24) + ":" + two((i / 60) % 60) + ":" + two(i % 60) + "Z";
    }

    private static String two(int v) {
        return v < 10 ? "0" + v : Integer.toString(v);
    }

    /** Drops what (a) and (b) of {@code source} left: the bench schema, {@code stg.<source>}, its positions and batches. */
    public void cleanUp(Rig rig, String source) throws SQLException {
        Warehouse warehouse = rig.warehouse();
        SqlDialect d = warehouse.sql();
        try (Connection c = warehouse.connection(); Statement s = c.createStatement()) {
            s.execute(d.dropSchemaIfExists(SCHEMA));
            s.execute("DROP TABLE " + d.qualified(StgTable.SCHEMA, source));
            for (String drop : warehouse.sequences().dropStatements(StgTable.SCHEMA, StgTable.sequenceName(source))) {
                s.execute(drop);
            }
            for (String table : List.of("strata.source_positions", "strata.landing_batches")) {
                try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + table + " WHERE pipeline = ?")) {
                    ps.setString(1, SCHEMA);
                    ps.executeUpdate();
                }
            }
        }
    }

    public static String durability(Warehouse warehouse) throws SQLException {
        try (Connection c = warehouse.connection()) {
            return warehouse.catalog().describeDurability(c);
        }
    }

    public static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return f[0] + " " + f[1] + " " + f[2] + " (1/5/15 min, " + Runtime.getRuntime().availableProcessors() + " cores)";
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }

    /** The COPY input of (a), encoded row by row from the in-memory messages as PostgreSQL reads it. */
    private static final class CsvStream extends InputStream {
        private final int n;
        private final int partitions;
        private final String now = Instant.now().toString();
        private int next;
        private byte[] row = new byte[0];
        private int pos;

        CsvStream(int n, int partitions) {
            this.n = n;
            this.partitions = partitions;
        }

        private boolean fill() {
            if (next >= n) {
                return false;
            }
            int i = next++;
            byte[] m = message(i);
            StringBuilder sb = new StringBuilder(m.length + 100);
            sb.append('"').append(key(i)).append("\",\"");
            sb.append(new String(m, StandardCharsets.UTF_8).replace("\"", "\"\""));
            sb.append("\",\"").append(i % partitions).append("\",").append(i / partitions).append(",\"")
                    .append(eventTime(i)).append("\",\"").append(now).append("\",0\n");
            row = sb.toString().getBytes(StandardCharsets.UTF_8);
            pos = 0;
            return true;
        }

        @Override
        public int read() {
            if (pos >= row.length && !fill()) {
                return -1;
            }
            return row[pos++] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            int done = 0;
            while (done < len) {
                if (pos >= row.length && !fill()) {
                    break;
                }
                int k = Math.min(len - done, row.length - pos);
                System.arraycopy(row, pos, b, off + done, k);
                pos += k;
                done += k;
            }
            return done == 0 ? -1 : done;
        }
    }
}
