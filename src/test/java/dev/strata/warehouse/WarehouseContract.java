package dev.strata.warehouse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.strata.config.EnvResolver;
import dev.strata.config.ProjectConfig;
import dev.strata.config.ProjectLoader;
import dev.strata.ingest.CdcOffset;
import dev.strata.ingest.CursorPosition;
import dev.strata.ingest.Landing;
import dev.strata.ingest.PositionConflictException;
import dev.strata.ingest.PositionMove;
import dev.strata.ingest.SourcePositions;
import dev.strata.ingest.StgTable;
import dev.strata.ingest.StreamOffset;
import dev.strata.runtime.Environment;
import dev.strata.schedule.Backfill;
import dev.strata.schedule.Pipeline;
import dev.strata.schedule.TaskState;
import dev.strata.testing.TestServers;
import dev.strata.testing.WarehouseUnderTest;
import dev.strata.vault.HashStandard;
import dev.strata.vault.VaultLoader;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
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
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The definition of "a warehouse Strata runs on": every adapter passes this suite. A subclass
 * names the warehouse ({@link #target()}); phase 2 of issue 13 adds {@code MariaDbWarehouseContractIT}
 * with one method. Every test uses a fresh database and only Strata's public APIs, with SQL built
 * from the adapter's {@link SqlDialect} (or ANSI SQL every warehouse accepts), so a failure here is
 * a gap in the adapter, not in the test.
 *
 * <p>What it checks, layer by layer: the metadata migration (twice, and two processes at once);
 * source positions (compare-and-set of every kind of position); landing (exactly-once basics from
 * Kafka: dedup, dead letters with their raw bytes, positions at the end); the vault (a hub and a
 * satellite with the standard's hash keys, idempotent reload); marts (view, table, incremental) and
 * two workers sharing a backfill; the model-based vault check (random batches against the Java
 * reference model, over every kind of vault table and both missing-key policies); point-in-time and
 * bridge snapshots against a brute-force computation; ghost records; identifiers that are reserved words or mixed case; hash-key bytes
 * equal to {@link HashStandard}. Deeper per-layer tests (crash, rebalance)
 * run on PostgreSQL and are the next ones to parameterize.
 */
public abstract class WarehouseContract {
    /** The warehouse under test. */
    protected abstract WarehouseUnderTest target();

    @TempDir
    Path dir;

    // ---- metadata schema ----

    @Test
    void shouldMigrateTheMetadataSchemaTwiceAndWhenTwoProcessesStartAtOnce() throws Exception {
        String url = target().newDatabaseUrl();
        try (Warehouse a = target().connect(url); Warehouse b = target().connect(url)) {
            CyclicBarrier together = new CyclicBarrier(2);
            List<CompletableFuture<Void>> both = List.of(a, b).stream().map(w -> CompletableFuture.runAsync(() -> {
                try {
                    together.await(30, TimeUnit.SECONDS);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
                w.migrate();
            })).toList();
            for (CompletableFuture<Void> f : both) {
                f.get(120, TimeUnit.SECONDS);
            }
            a.migrate();   // again: nothing to do
            try (Connection c = a.connection()) {
                for (String table : List.of("source_positions", "dead_letters", "layer_watermarks", "task_runs",
                        "task_attempts", "vault_seen", "landing_batches")) {
                    assertThat(a.catalog().columnTypes(c, MetadataSchema.SCHEMA, table)).as(table).isNotEmpty();
                }
            }
        }
    }

    // ---- source positions ----

    @Test
    void shouldMoveEveryKindOfPositionByCompareAndSetOnce() throws Exception {
        try (Warehouse w = target().newDatabase()) {
            w.migrate();
            // one source per kind of position: a source's streams are all of one kind
            SourcePositions positions = new SourcePositions(w.sql(), "p", "kafka");
            SourcePositions jdbc = new SourcePositions(w.sql(), "p", "jdbc");
            SourcePositions binlog = new SourcePositions(w.sql(), "p", "cdc");
            StreamOffset kafka = StreamOffset.kafka(0, 10);
            CursorPosition cursor = CursorPosition.start("cursor");
            CdcOffset cdc = new CdcOffset("binlog", 0, Map.of("file", "binlog.000003", "pos", "4"));
            w.inTransaction(c -> {
                positions.insertIfAbsent(c, List.of(kafka), "w1");
                jdbc.insertIfAbsent(c, List.of(cursor), "w1");
                binlog.insertIfAbsent(c, List.of(cdc), "w1");
                positions.insertIfAbsent(c, List.of(StreamOffset.kafka(0, 99)), "w2");   // never overwrites
                return null;
            });
            w.inTransaction(c -> {
                try {
                    positions.compareAndSet(c, List.of(new PositionMove(kafka, kafka.at(20))), "w1");
                    jdbc.compareAndSet(c, List.of(new PositionMove(cursor, cursor.next("2024-01-01 10:00:00"))), "w1");
                    binlog.compareAndSet(c, List.of(new PositionMove(cdc, cdc.next(Map.of("file", "binlog.000003", "pos", "1234")))), "w1");
                } catch (PositionConflictException e) {
                    throw new IllegalStateException(e);
                }
                return null;
            });
            try (Connection c = w.connection()) {
                assertThat(positions.offsets(c)).containsEntry(0, 20L);
                assertThat(jdbc.load(c, CursorPosition::of).get("cursor")).isEqualTo(new CursorPosition("cursor", 1, "2024-01-01 10:00:00"));
                assertThat(binlog.load(c, CdcOffset::of).get("binlog").offset()).containsEntry("pos", "1234").containsEntry("file", "binlog.000003");
            }
            // a process that read the old positions loses: nothing of its transaction stays
            assertThatThrownBy(() -> w.inTransaction(c -> {
                try {
                    positions.compareAndSet(c, List.of(new PositionMove(kafka, kafka.at(30))), "zombie");
                } catch (PositionConflictException e) {
                    throw new SQLException(e.getMessage(), e);
                }
                return null;
            })).hasMessageContaining("advanced by another process");
            try (Connection c = w.connection()) {
                assertThat(positions.offsets(c)).containsEntry(0, 20L);
            }
        }
    }

    // ---- landing ----

    @Test
    void shouldLandEachRecordOnceDedupByKeyAndKeepDeadLettersWithTheirRawBytes() throws Exception {
        String topic = TestServers.uniqueName("contract");
        try (Admin admin = TestServers.kafka().admin()) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
        }
        byte[] poison = "{\"id\": \"x\", broken \u00e9".getBytes(StandardCharsets.UTF_8);
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, TestServers.kafka().bootstrap());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "1");
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (String v : List.of("{\"id\": \"a\", \"n\": 1}", "{\"id\": \"b\", \"n\": 2}", "{\"id\": \"a\", \"n\": 3}")) {
                producer.send(new ProducerRecord<>(topic, 0, null, v.getBytes(StandardCharsets.UTF_8))).get();
            }
            producer.send(new ProducerRecord<>(topic, 0, null, poison)).get();
        }
        try (Warehouse w = target().newDatabase()) {
            w.migrate();
            String yaml = "name: contract\nsources:\n  orders:\n    kafka: { bootstrap: " + TestServers.kafka().bootstrap()
                    + ", topic: " + topic + " }\n    key: $.id\n";
            ProjectConfig project = new ProjectLoader(EnvResolver.of(Map.of())).parse(dir, yaml, "strata.yaml");
            Environment env = new Environment(project, w, TestServers.kafka().bootstrap(), new SimpleMeterRegistry(),
                    Clock.systemUTC(), "contract");
            SourcePositions positions = new SourcePositions(w.sql(), "contract", "orders");
            try (Landing ignored = Landing.start(env)) {
                await().atMost(Duration.ofSeconds(60)).until(() -> {
                    try (Connection c = w.connection()) {
                        return positions.offsets(c).getOrDefault(0, 0L) == 4L;
                    }
                });
            }
            String stg = w.sql().qualified(StgTable.SCHEMA, "orders");
            assertThat(strings(w, "SELECT " + w.sql().quote(StgTable.KEY) + " FROM " + stg + " ORDER BY 1"))
                    .as("the duplicate key landed once, the first one").containsExactly("a", "b");
            assertThat(strings(w, "SELECT " + w.sql().quote(StgTable.OFFSET) + " FROM " + stg + " WHERE "
                    + w.sql().quote(StgTable.KEY) + " = 'a'")).containsExactly("0");
            try (Connection c = w.connection(); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT raw_value, position, reason FROM strata.dead_letters")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getBytes(1)).isEqualTo(poison);
                assertThat(rs.getLong(2)).isEqualTo(3);
                assertThat(rs.getString(3)).startsWith("not valid JSON");
                assertThat(rs.next()).isFalse();
            }
        }
    }

    // ---- vault ----

    @Test
    void shouldLoadAHubAndASatelliteWithTheStandardsKeysAndLoadNothingTwice() throws Exception {
        String yaml = """
                name: contract
                sources:
                  src:
                    kafka: { bootstrap: "localhost:9", topic: t }
                vault:
                  hubs:
                    h_customer: { key: customer_id, from: { src: { customer_id: $.customer.id, load_dt: $.at } } }
                  satellites:
                    s_customer:
                      parent: h_customer
                      attributes: { name: text, tier: integer }
                      from:
                        src: { customer_id: $.customer.id, name: $.customer.name, tier: $.tier, load_dt: $.at }
                """;
        ProjectConfig project = new ProjectLoader(EnvResolver.of(Map.of())).parse(dir, yaml, "strata.yaml");
        try (Warehouse w = target().newDatabase()) {
            w.migrate();
            SqlDialect d = w.sql();
            w.inTransaction(c -> {
                try (Statement s = c.createStatement()) {
                    for (String ddl : StgTable.createStatements(w.adapter(), "src", false)) {
                        s.execute(ddl);
                    }
                }
                List<String> payloads = List.of(
                        // the later spelling of c1 lands first: the earlier load_dt's text is kept
                        "{\"customer\": {\"id\": \" C1 \", \"name\": \"Ann\"}, \"tier\": 1, \"at\": \"2024-01-02T00:00:00Z\"}",
                        "{\"customer\": {\"id\": \"c1\", \"name\": \"Ann\"}, \"tier\": 1, \"at\": \"2024-01-01T00:00:00Z\"}",
                        "{\"customer\": {\"id\": \"c1\", \"name\": \"Anne\"}, \"tier\": 2, \"at\": \"2024-01-03T00:00:00Z\"}",
                        "{\"customer\": {\"id\": \"c2\", \"name\": \"Bob\"}, \"tier\": 1, \"at\": \"2024-01-01T00:00:00Z\"}");
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + d.qualified(StgTable.SCHEMA, "src") + " ("
                        + d.quote(StgTable.SEQ) + ", " + d.quote(StgTable.PAYLOAD) + ", " + d.quote(StgTable.PARTITION) + ", "
                        + d.quote(StgTable.OFFSET) + ", " + d.quote(StgTable.BATCH_ID) + ") VALUES (?, " + d.toJson("?") + ", '0', ?, 1)")) {
                    for (int i = 0; i < payloads.size(); i++) {
                        ps.setLong(1, i + 1);
                        ps.setString(2, payloads.get(i));
                        ps.setLong(3, i);
                        ps.executeUpdate();
                    }
                }
                return null;
            });
            VaultLoader loader = new VaultLoader(w, "contract", project.vault());
            assertThat(loader.loadAll()).containsEntry("h_customer", 2L).containsEntry("s_customer", 3L);
            assertThat(loader.loadAll()).containsEntry("h_customer", 0L).containsEntry("s_customer", 0L);
            try (Connection c = w.connection(); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT " + d.quote("h_customer_hk") + ", " + d.quote("customer_id") + " FROM "
                         + d.qualified("dds", "h_customer") + " ORDER BY 2")) {
                List<String> keys = new ArrayList<>();
                while (rs.next()) {
                    UUID hk = d.readHashKey(rs, 1);
                    keys.add(rs.getString(2));
                    assertThat(hk).isEqualTo(HashStandard.hashKey(List.of(rs.getString(2))));
                }
                assertThat(keys).as("the business key text first seen (by load_dt, not by landing order)").containsExactly("c1", "c2");
            }
            assertThat(strings(w, "SELECT " + d.quote("name") + ", " + d.quote("tier") + " FROM " + d.qualified("dds", "s_customer")
                    + " ORDER BY " + d.quote("load_dt") + ", " + d.quote("name")))
                    .as("c1's unchanged second row collapsed; its change is a version").containsExactly("Ann|1", "Bob|1", "Anne|2");
        }
    }

    @Test
    void shouldLoadExactlyWhatTheVaultReferenceModelLoads() throws Exception {
        // every kind of vault table (hubs, links, non-historized links, satellites, multi-active and
        // effectivity satellites), both missing-key policies, re-runs and rows landed in another order
        dev.strata.vault.VaultModelBasedIT.check(target(), 1);
        dev.strata.vault.VaultModelBasedIT.check(target(), 2);
    }

    @Test
    void shouldWriteSatelliteDeletesAsVersionsWithIsDeleted() throws Exception {
        dev.strata.vault.VaultSatelliteDeletesIT.check(target());
    }

    // ---- marts and the scheduler ----

    @Test
    void shouldBuildPointInTimeAndBridgeSnapshotsAsABruteForceComputation() throws Exception {
        dev.strata.vault.VaultPitBridgeIT.check(target(), false);
        dev.strata.vault.VaultPitBridgeIT.check(target(), true);
    }

    @Test
    void shouldKeepOneGhostRecordInEveryHubAndSatellite() throws Exception {
        dev.strata.vault.VaultGhostRecordsIT.check(target());
    }

    @Test
    void shouldMaterializeViewTableAndIncrementalMartsAndShareABackfillBetweenTwoWorkers() throws Exception {
        try (Warehouse w = target().newDatabase()) {
            w.migrate();
            SqlDialect d = w.sql();
            exec(w, d.createSchemaIfNotExists("raw"),
                    "CREATE TABLE raw.events (day date, amount integer)",
                    "INSERT INTO raw.events VALUES (DATE '2022-10-01', 1), (DATE '2022-10-01', 2), (DATE '2022-10-02', 5)",
                    "CREATE TABLE raw.exec_log (day date)");
            String yaml = """
                    name: contract
                    marts:
                      daily: { materialized: incremental, time_column: day, unique_key: [day] }
                      totals: { materialized: table }
                      latest: { materialized: view }
                      log_day: { materialized: script }
                    schedule:
                      marts: { every: 1d, start: 2022-10-01 }
                    """;
            Files.writeString(dir.resolve("strata.yaml"), yaml);
            Files.createDirectories(dir.resolve("marts"));
            Files.writeString(dir.resolve("marts/daily.sql"), "select day, sum(amount) as total from raw.events "
                    + "where day >= {{ interval_start }} and day < {{ interval_end }} group by day");
            Files.writeString(dir.resolve("marts/totals.sql"), "select count(*) as days, sum(total) as total from {{ ref('daily') }}");
            Files.writeString(dir.resolve("marts/latest.sql"), "select max(day) as day from {{ ref('daily') }}");
            Files.writeString(dir.resolve("marts/log_day.sql"), "insert into raw.exec_log (day) values (date '{{ ds }}')");
            Pipeline pipeline = Pipeline.load(new ProjectLoader(EnvResolver.of(Map.of())).load(dir), w.adapter());
            Instant from = Instant.parse("2022-10-01T00:00:00Z");
            Instant to = Instant.parse("2022-10-02T00:00:00Z");
            CyclicBarrier together = new CyclicBarrier(2);
            List<CompletableFuture<Backfill.Result>> workers = List.of("a", "b").stream().map(id ->
                    CompletableFuture.supplyAsync(() -> {
                        try {
                            together.await(30, TimeUnit.SECONDS);
                            return new Backfill(pipeline, w, id, Clock.systemUTC())
                                    .run(Backfill.Options.of(from, to), Backfill.Progress.NONE);
                        } catch (Exception e) {
                            throw new IllegalStateException(e);
                        }
                    })).toList();
            for (CompletableFuture<Backfill.Result> f : workers) {
                assertThat(f.get(120, TimeUnit.SECONDS).ok()).isTrue();
            }
            assertThat(strings(w, "SELECT state FROM strata.task_runs")).hasSize(8).allMatch(TaskState.SUCCESS.db()::equals);
            assertThat(strings(w, "SELECT day FROM raw.exec_log ORDER BY day"))
                    .as("each interval of the script ran once, whichever worker claimed it").containsExactly("2022-10-01", "2022-10-02");
            assertThat(strings(w, "SELECT day, total FROM cdm.daily ORDER BY day")).containsExactly("2022-10-01|3", "2022-10-02|5");
            assertThat(strings(w, "SELECT days, total FROM cdm.totals")).containsExactly("2|8");
            assertThat(strings(w, "SELECT day FROM cdm.latest")).containsExactly("2022-10-02");
            try (Connection c = w.connection()) {
                assertThat(w.catalog().relationKind(c, "cdm", "latest")).contains(Catalog.RelationKind.VIEW);
                assertThat(w.catalog().relationKind(c, "cdm", "totals")).contains(Catalog.RelationKind.TABLE);
            }
            // a rerun of an interval gives the same rows (incremental), and the table swap keeps the view working
            Backfill.Result again = new Backfill(pipeline, w, "a", Clock.systemUTC())
                    .run(Backfill.Options.of(from, from).withRerun(true), Backfill.Progress.NONE);
            assertThat(again.ok()).isTrue();
            assertThat(strings(w, "SELECT day, total FROM cdm.daily ORDER BY day")).containsExactly("2022-10-01|3", "2022-10-02|5");
            assertThat(strings(w, "SELECT day FROM cdm.latest")).containsExactly("2022-10-02");
        }
    }

    @Test
    void shouldPublishNothingWhenTheCheckOfATableOrViewMartFails() throws Exception {
        try (Warehouse w = target().newDatabase()) {
            w.migrate();
            exec(w, w.sql().createSchemaIfNotExists("raw"), "CREATE TABLE raw.vals (v integer)", "INSERT INTO raw.vals VALUES (1), (2)");
            String yaml = """
                    name: contract
                    marts:
                      total:
                        materialized: table
                        checks:
                          small: "select total from {{ this }} where total > 10"
                      latest:
                        materialized: view
                        checks:
                          small: "select v from {{ this }} where v > 10"
                    schedule:
                      marts: { every: 1d, start: 2022-10-01 }
                    """;
            Files.writeString(dir.resolve("strata.yaml"), yaml);
            Files.createDirectories(dir.resolve("marts"));
            Instant day = Instant.parse("2022-10-01T00:00:00Z");
            Files.writeString(dir.resolve("marts/total.sql"), "select sum(v) as total from raw.vals");
            Files.writeString(dir.resolve("marts/latest.sql"), "select max(v) as v from raw.vals");
            Pipeline first = Pipeline.load(new ProjectLoader(EnvResolver.of(Map.of())).load(dir), w.adapter());
            assertThat(new Backfill(first, w, "a", Clock.systemUTC()).run(Backfill.Options.of(day, day), Backfill.Progress.NONE).ok())
                    .isTrue();
            // the marts change so that their checks fail: the published relations must stay as they were
            Files.writeString(dir.resolve("marts/total.sql"), "select 100 + sum(v) as total from raw.vals");
            Files.writeString(dir.resolve("marts/latest.sql"), "select 100 + max(v) as v from raw.vals");
            Pipeline second = Pipeline.load(new ProjectLoader(EnvResolver.of(Map.of())).load(dir), w.adapter());
            Backfill.Result failed = new Backfill(second, w, "a", Clock.systemUTC())
                    .run(Backfill.Options.of(day, day).withRerun(true), Backfill.Progress.NONE);
            assertThat(failed.ok()).isFalse();
            assertThat(strings(w, "SELECT node, error FROM strata.task_runs ORDER BY node"))
                    .allMatch(row -> row.contains("test 'small'"));
            assertThat(strings(w, "SELECT total FROM cdm.total")).as("the table mart as it was").containsExactly("3");
            assertThat(strings(w, "SELECT v FROM cdm.latest")).as("the view as it was").containsExactly("2");
        }
    }

    // ---- identifiers ----

    @Test
    void shouldQuoteReservedWordsAndMixedCaseIdentifiers() throws Exception {
        try (Warehouse w = target().newDatabase()) {
            SqlDialect d = w.sql();
            String table = d.qualified("Select", "Order");
            exec(w, d.createSchemaIfNotExists("Select"),
                    "CREATE TABLE " + table + " (" + d.quote("from") + " integer, " + d.quote("MixedCase") + " "
                            + d.textType() + ", " + d.quote("group") + " " + d.textType() + ")",
                    "INSERT INTO " + table + " (" + d.quote("from") + ", " + d.quote("MixedCase") + ", " + d.quote("group")
                            + ") VALUES (1, 'x', 'y')");
            assertThat(strings(w, "SELECT " + d.quote("from") + ", " + d.quote("MixedCase") + " FROM " + table))
                    .containsExactly("1|x");
            try (Connection c = w.connection()) {
                assertThat(w.catalog().columnTypes(c, "Select", "Order")).containsOnlyKeys("from", "MixedCase", "group");
                assertThat(w.catalog().relationKind(c, "Select", "Order")).contains(Catalog.RelationKind.TABLE);
                assertThat(w.catalog().relationKind(c, "select", "order")).as("names are case-sensitive").isEmpty();
                assertThat(w.catalog().schemaExists(c, "Select")).isTrue();
            }
            assertThatThrownBy(() -> d.quote("x\"; DROP TABLE y; --")).isInstanceOf(IllegalArgumentException.class);
        }
    }

    // ---- hash keys ----

    @Test
    void shouldComputeAndStoreHashKeysWithTheBytesOfTheHashingStandard() throws Exception {
        try (Warehouse w = target().newDatabase()) {
            SqlDialect d = w.sql();
            List<String> texts = List.of("626A81CE", "AB|CD", "A\\|B", "\\N|X", "straße|日本語");
            exec(w, d.createSchemaIfNotExists("h"), "CREATE TABLE h.keys (k " + d.hashKeyType() + ", t " + d.textType() + ")");
            try (Connection c = w.connection()) {
                for (String text : texts) {
                    UUID expected = HashStandard.md5(text);
                    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT " + d.md5HashKey(d.literal(text)))) {
                        rs.next();
                        assertThat(d.readHashKey(rs, 1)).as(text).isEqualTo(expected);
                    }
                    try (PreparedStatement ps = c.prepareStatement("INSERT INTO h.keys (k, t) VALUES (?, ?)")) {
                        d.bindHashKey(ps, 1, expected);
                        ps.setString(2, text);
                        ps.executeUpdate();
                    }
                }
                try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT k, t FROM h.keys WHERE k = "
                        + d.md5HashKey("t"))) {
                    int n = 0;
                    while (rs.next()) {
                        assertThat(d.readHashKey(rs, 1)).isEqualTo(HashStandard.md5(rs.getString(2)));
                        n++;
                    }
                    assertThat(n).as("bound keys equal the warehouse's own MD5 of the same text").isEqualTo(texts.size());
                }
                try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT " + d.hashKeyLiteral(HashStandard.UNKNOWN_KEY))) {
                    rs.next();
                    assertThat(d.readHashKey(rs, 1)).isEqualTo(HashStandard.UNKNOWN_KEY);
                }
            }
        }
    }

    // ---- helpers ----

    private static void exec(Warehouse w, String... statements) throws SQLException {
        try (Connection c = w.connection(); Statement s = c.createStatement()) {
            for (String sql : statements) {
                s.execute(sql);
            }
        }
    }

    /** Rows as {@code a|b} strings. */
    private static List<String> strings(Warehouse w, String sql) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Connection c = w.connection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                StringBuilder row = new StringBuilder();
                for (int i = 1; i <= n; i++) {
                    row.append(i > 1 ? "|" : "").append(rs.getString(i));
                }
                out.add(row.toString());
            }
        }
        return out;
    }
}
