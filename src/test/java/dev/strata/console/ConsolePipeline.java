package dev.strata.console;

import dev.strata.config.ProjectConfig;
import dev.strata.config.ProjectLoader;
import dev.strata.ingest.StgTable;
import dev.strata.runtime.Environment;
import dev.strata.testing.TestServers;
import dev.strata.warehouse.Warehouse;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * A pipeline on the shared embedded PostgreSQL and Kafka, in the state the landing and the
 * scheduler leave it in: a two-partition topic with messages, {@code stg.orders} with rows, source
 * positions (partition 0 caught up, partition 1 {@value #LAG} behind), dead letters (one holding
 * HTML and script), a {@code cdm} mart, task runs over three days (one failed), and a graph
 * topic → orders → h_order → user_category_counters. The console under test reads all of it.
 */
final class ConsolePipeline implements AutoCloseable {
    static final int LAG = 5;
    static final int MESSAGES_PER_PARTITION = 15;
    static final int STG_ROWS = 20;
    static final String XSS_PAYLOAD = "{\"note\": \"<img src=x onerror=\\\"window.__xss=1\\\"><script>window.__xss=2</script>\"}";
    static final Instant DAY1 = Instant.parse("2022-10-02T00:00:00Z");
    static final Instant DAY2 = Instant.parse("2022-10-03T00:00:00Z");
    static final Instant DAY3 = Instant.parse("2022-10-04T00:00:00Z");
    static final Instant DAY4 = Instant.parse("2022-10-05T00:00:00Z");
    static final String FAILED_ERROR = "ERROR: division by zero\n  at mart user_category_counters, line 3 <b>bold?</b>";
    /** The error of the failing manual run in the run log: markup on its first line, shown as text. */
    static final String MANUAL_RUN_ERROR = "ERROR: relation \"<b>cdm.missing</b>\" does not exist\n  at mart user_category_counters";
    /** category → sum of order_cnt in the mart. */
    static final Map<String, Long> CATEGORY_TOTALS = Map.of("Pizza", 17L, "Soups", 4L, "Drinks", 9L);

    final Warehouse warehouse;
    final String topic;
    final String pipeline;
    final PrometheusMeterRegistry metrics;
    final Environment env;
    final List<String> reruns = Collections.synchronizedList(new ArrayList<>());
    final List<Long> replays = Collections.synchronizedList(new ArrayList<>());
    final ConsoleHooks hooks;
    long xssDeadLetterId;
    long binaryDeadLetterId;

    private ConsolePipeline(String consoleYaml) throws Exception {
        warehouse = TestServers.newDatabase();
        warehouse.migrate();
        topic = TestServers.uniqueName("orders");
        pipeline = "shop";
        String yaml = """
                name: shop
                sources:
                  orders:
                    kafka: { bootstrap: embedded, topic: %s, properties: { sasl.jaas.config: "kafka-secret-value" } }
                    key: $.id
                  users:
                    redis: { keys: "user:*" }
                vars:
                  tag_threshold: 10
                dashboards:
                  orders_by_category: { title: Orders by category, mart: user_category_counters, chart: bar, x: category_name, y: order_cnt }
                  orders_line: { mart: user_category_counters, chart: line, x: category_name, y: order_cnt, aggregate: max }
                  top_pairs: { mart: user_category_counters, chart: table, columns: [user_id, category_name, order_cnt],
                               order_by: order_cnt, descending: true, limit: 5 }
                  not_built: { mart: user_product_counters, chart: bar, x: product_name, y: order_cnt }
                  tagged: { title: "Users with at least {{ var('tag_threshold') }} orders", mart: tags_by_category,
                            x: category_name, y: tagged_users }
                  per_day: { mart: daily_amounts, chart: line, x: day, y: amount_total, series: currency }
                %s
                """.formatted(topic, consoleYaml);
        ProjectConfig project = new ProjectLoader(dev.strata.config.EnvResolver.of(Map.of("CONSOLE_TOKEN", "s3cret-token")))
                .parse(Path.of("."), yaml, "strata.yaml");
        metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        env = new Environment(project, warehouse, TestServers.kafka().bootstrap(), metrics, Clock.systemUTC(), "test-worker");
        seedKafka();
        seedWarehouse();
        hooks = ConsoleHooks.basic(project).withGraph(this::graph).withRerunner(this::rerun).withReplayer(new Replayer());
    }

    static ConsolePipeline start() throws Exception {
        return new ConsolePipeline("");
    }

    static ConsolePipeline start(String consoleYaml) throws Exception {
        return new ConsolePipeline(consoleYaml);
    }

    ConsoleServer console() {
        return ConsoleServer.start(env, hooks);
    }

    /** The graph the scheduler would give: topic → stg → hub → mart. */
    List<GraphNode> graph() {
        return List.of(
                GraphNode.external("topic:" + topic, "source", List.of()),
                GraphNode.withTable("orders", "stg", "stg", "orders", List.of("topic:" + topic), null),
                GraphNode.external("init", "task", List.of("orders")),
                GraphNode.withTable("h_order", "hub", "dds", "h_order", List.of("orders"),
                        "INSERT INTO dds.h_order SELECT ... FROM stg.orders WHERE _seq > :watermark"),
                // as deep as the hub (it reads the STG table only), but a layer further right
                GraphNode.withTable("s_order_status_with_a_long_name", "satellite", "dds", "s_order_status_with_a_long_name",
                        List.of("orders"), null),
                GraphNode.withTable("user_category_counters", "mart", "cdm", "user_category_counters", List.of("h_order"),
                        "SELECT category_name, count(*) AS order_cnt FROM dds.h_order GROUP BY 1"));
    }

    /** What the scheduler's re-run does to the queue: a new attempt, queued. */
    private void rerun(String node, Instant start, Instant end) {
        reruns.add(node + " " + start + "/" + end);
        execute("UPDATE strata.task_runs SET state = 'queued', attempt = attempt + 1, error = NULL, finished_at = NULL "
                + "WHERE pipeline = ? AND node = ? AND interval_start = ?", pipeline, node, start);
    }

    /** What the landing's replay does when the record now lands: marks it replayed. */
    private final class Replayer implements DeadLetterReplayer {
        @Override
        public String replay(long id) {
            replays.add(id);
            execute("UPDATE strata.dead_letters SET replayed_at = now(), replay_note = 'landed' WHERE id = ?", id);
            return "landed";
        }

        @Override
        public long replayAll(Optional<String> source) {
            return count("SELECT count(*) FROM strata.dead_letters WHERE replayed_at IS NULL");
        }
    }

    private void seedKafka() throws Exception {
        TestServers.kafka().createTopic(topic, 2);
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, TestServers.kafka().bootstrap());
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
            for (int partition = 0; partition < 2; partition++) {
                for (int i = 0; i < MESSAGES_PER_PARTITION; i++) {
                    producer.send(new ProducerRecord<>(topic, partition, "k" + i, "{\"id\": " + (partition * 100 + i) + "}")).get();
                }
            }
        }
    }

    private void seedWarehouse() throws SQLException {
        try (Connection c = warehouse.connection(); Statement s = c.createStatement()) {
            for (String ddl : StgTable.createStatements(warehouse.adapter(), "orders", true)) {
                s.execute(ddl);
            }
            s.execute("INSERT INTO stg.orders (_seq, _key, _payload, _partition, _offset, _batch_id) "
                    + "SELECT g, 'k' || g, jsonb_build_object('id', g), '0', g, 1 FROM generate_series(1, " + STG_ROWS + ") g");
            s.execute("CREATE SCHEMA cdm");
            s.execute("CREATE TABLE cdm.user_category_counters (id serial PRIMARY KEY, user_id uuid NOT NULL, "
                    + "category_id uuid NOT NULL, category_name varchar NOT NULL, order_cnt int NOT NULL)");
            s.execute("CREATE SCHEMA dds");
            // eight categories with small counts (every bar labelled, whole-number ticks)
            s.execute("CREATE TABLE cdm.tags_by_category (category_name text, tagged_users int)");
            s.execute("INSERT INTO cdm.tags_by_category VALUES ('Pizza', 3), ('Soups', 1), ('Drinks', 2), ('Burgers', 1), "
                    + "('Salads', 2), ('Desserts', 1), ('Sushi', 3), ('Pasta', 2)");
            // amounts per day and currency, in the millions (y labels must fit), with a gap (a time axis spaces it)
            s.execute("CREATE TABLE cdm.daily_amounts (day date, currency int, amount_total numeric(18,2))");
            s.execute("INSERT INTO cdm.daily_amounts SELECT d::date, c, 1234567.89 * c + extract(day from d) * 1000 "
                    + "FROM generate_series(timestamp '2022-10-01', timestamp '2022-10-08', interval '1 day') d, "
                    + "(VALUES (420), (978)) v(c) WHERE d <> timestamp '2022-10-05'");
        }
        int user = 0;
        for (Map.Entry<String, Long> e : CATEGORY_TOTALS.entrySet()) {
            long remaining = e.getValue();
            while (remaining > 0) {
                long cnt = Math.min(remaining, 4);
                execute("INSERT INTO cdm.user_category_counters (user_id, category_id, category_name, order_cnt) "
                                + "VALUES (?::uuid, ?::uuid, ?, ?)",
                        java.util.UUID.nameUUIDFromBytes(("u" + user++).getBytes(StandardCharsets.UTF_8)).toString(),
                        java.util.UUID.nameUUIDFromBytes(e.getKey().getBytes(StandardCharsets.UTF_8)).toString(), e.getKey(), (int) cnt);
                remaining -= cnt;
            }
        }
        execute("INSERT INTO strata.source_positions (pipeline, source, partition_id, position) VALUES (?, 'orders', '0', ?), (?, 'orders', '1', ?)",
                pipeline, (long) MESSAGES_PER_PARTITION, pipeline, (long) MESSAGES_PER_PARTITION - LAG);
        execute("INSERT INTO strata.dead_letters (pipeline, source, partition_id, position, raw_value, reason) VALUES (?, 'orders', '0', 3, ?, ?)",
                pipeline, "{not json".getBytes(StandardCharsets.UTF_8), "cannot parse JSON: unexpected end of input at line 1");
        xssDeadLetterId = insertDeadLetter(7, XSS_PAYLOAD.getBytes(StandardCharsets.UTF_8), "key $.id missing <script>alert(1)</script>");
        binaryDeadLetterId = insertDeadLetter(9, new byte[] {(byte) 0xff, (byte) 0xfe, 0, 1, 2}, "not UTF-8");
        execute("INSERT INTO strata.source_positions (pipeline, source, partition_id, position) VALUES (?, 'users', '0', 3)", pipeline);
        String[] nodes = {"init", "h_order", "user_category_counters"};
        Instant[] days = {DAY1, DAY2, DAY3};
        for (String node : nodes) {
            for (Instant day : days) {
                boolean failed = node.equals("user_category_counters") && day.equals(DAY3);
                execute("INSERT INTO strata.task_runs (pipeline, node, interval_start, interval_end, state, attempt, max_attempts, "
                                + "worker, started_at, finished_at, rows_affected, error) VALUES (?, ?, ?, ?, ?, ?, 3, 'w1', ?, ?, ?, ?)",
                        pipeline, node, day, day.plusSeconds(86_400), failed ? "failed" : "success", failed ? 3 : 1,
                        day.plusSeconds(90_000), day.plusSeconds(90_010), failed ? null : 42L, failed ? FAILED_ERROR : null);
            }
        }
        seedPipelineRuns();
    }

    /** The run log of those days: three scheduled runs (day 3 failed), then a failing manual one, newest. */
    private void seedPipelineRuns() {
        Instant[] days = {DAY1, DAY2, DAY3};
        for (Instant day : days) {
            boolean failed = day.equals(DAY3);
            execute("INSERT INTO strata.pipeline_runs (run_id, pipeline, logical_date, trigger_type, status, started_at, finished_at, "
                            + "failed_task, error_message, task_count, rows_loaded) VALUES (?, ?, ?, 'scheduled', ?, ?, ?, ?, ?, 3, ?)",
                    "scheduled__" + day, pipeline, day, failed ? "failed" : "success", day.plusSeconds(90_000),
                    day.plusSeconds(90_010), failed ? "user_category_counters" : null, failed ? FAILED_ERROR : null,
                    failed ? "{\"init\": 42, \"h_order\": 42}" : "{\"init\": 42, \"h_order\": 42, \"user_category_counters\": 42}");
        }
        execute("INSERT INTO strata.pipeline_runs (run_id, pipeline, logical_date, trigger_type, status, started_at, finished_at, "
                        + "failed_task, error_message, task_count, rows_loaded) VALUES ('manual__1', ?, ?, 'manual', 'failed', ?, ?, "
                        + "'user_category_counters', ?, 1, '{}')",
                pipeline, DAY3, DAY4.plusSeconds(7_200), DAY4.plusSeconds(7_210), MANUAL_RUN_ERROR);
    }

    private long insertDeadLetter(long position, byte[] value, String reason) {
        execute("INSERT INTO strata.dead_letters (pipeline, source, partition_id, position, raw_value, reason) VALUES (?, 'orders', '1', ?, ?, ?)",
                pipeline, position, value, reason);
        return count("SELECT max(id) FROM strata.dead_letters");
    }

    void execute(String sql, Object... params) {
        try (Connection c = warehouse.connection(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                Object v = params[i];
                ps.setObject(i + 1, v instanceof Instant t ? Timestamp.from(t) : v);
            }
            ps.execute();
        } catch (SQLException e) {
            throw new IllegalStateException(sql, e);
        }
    }

    long count(String sql) {
        try (Connection c = warehouse.connection(); Statement s = c.createStatement(); var rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException(sql, e);
        }
    }

    String state(String node, Instant day) {
        try (Connection c = warehouse.connection();
             PreparedStatement ps = c.prepareStatement("SELECT state FROM strata.task_runs WHERE node = ? AND interval_start = ?")) {
            ps.setString(1, node);
            ps.setTimestamp(2, Timestamp.from(day));
            try (var rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        metrics.close();
        warehouse.close();
    }
}
