package dev.strata.bench.peers;

import java.nio.file.Path;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.spark.api.java.function.VoidFunction2;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQuery;

/**
 * Peer: Spark Structured Streaming, {@code local[2]} (the machine's cores), reading the plain topic
 * with Spark's Kafka source and writing each micro-batch with {@code foreachBatch} +
 * {@code df.write().mode("append").jdbc(...)}, the way data teams land Kafka into a database with
 * Spark (the seed fintech project did exactly this). Spark's defaults otherwise, as such jobs run:
 * default trigger (next batch as soon as the last is done), JDBC batches of 1000 rows, one
 * connection and one transaction per Kafka partition per micro-batch. UI off. The URL carries
 * {@code stringtype=unspecified} so the message string can land in a jsonb column.
 */
final class SparkForeachBatch implements AutoCloseable {
    private final SparkSession spark;
    private final Visible.Pg pg;
    private final String bootstrap;
    private final Path scratch;

    private SparkForeachBatch(SparkSession spark, Visible.Pg pg, String bootstrap, Path scratch) {
        this.spark = spark;
        this.pg = pg;
        this.bootstrap = bootstrap;
        this.scratch = scratch;
    }

    static SparkForeachBatch start(String bootstrap, Visible.Pg pg, Path scratch) {
        SparkSession spark = SparkSession.builder()
                .appName("strata-bench-peers")
                .master("local[2]")
                .config("spark.ui.enabled", "false")
                .config("spark.driver.host", "localhost")
                .config("spark.local.dir", scratch.resolve("spark-local").toString())
                .getOrCreate();
        return new SparkForeachBatch(spark, pg, bootstrap, scratch);
    }

    /** Starts the streaming query from the topic's earliest offsets into {@code table}; stop it with {@link StreamingQuery#stop()}. */
    StreamingQuery start(String topic, String table) throws Exception {
        String url = pg.urlWithUntypedStrings();
        Properties props = new Properties();
        props.put("user", pg.user());
        props.put("password", pg.password());
        props.put("driver", "org.postgresql.Driver");
        VoidFunction2<Dataset<Row>, Long> write = (batch, id) -> batch.write().mode(SaveMode.Append).jdbc(url, table, props);
        return spark.readStream().format("kafka")
                .option("kafka.bootstrap.servers", bootstrap)
                .option("subscribe", topic)
                .option("startingOffsets", "earliest")
                .load()
                .selectExpr("CAST(value AS STRING) AS v", "partition", "offset")
                .selectExpr("get_json_object(v, '$.object_id') AS _key", "v AS _payload", "partition AS _partition",
                        "offset AS _offset")
                .writeStream()
                .option("checkpointLocation", scratch.resolve("spark-checkpoint-" + table).toString())
                .foreachBatch(write)
                .start();
    }

    static void stop(StreamingQuery q) throws Exception {
        q.stop();
        q.awaitTermination(TimeUnit.SECONDS.toMillis(30));
    }

    static String createTable(String table) {
        return "CREATE TABLE " + table + " (_key text, _payload jsonb, _partition int, _offset bigint)";
    }

    static String settings() {
        return "local[2], default trigger, foreachBatch -> write.mode(append).jdbc, batchsize 1000, 1 transaction per partition";
    }

    @Override
    public void close() {
        spark.stop();
    }
}
