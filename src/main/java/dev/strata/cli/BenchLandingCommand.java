package dev.strata.cli;

import dev.strata.bench.LandingBenchmark;
import dev.strata.config.Secret;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code strata bench landing [--messages N]}: Strata's Kafka landing against raw COPY and naive INSERTs. */
@Command(name = "landing", description = "Land N JSON messages from Kafka into STG with Strata, and time a raw COPY "
        + "of the same rows and naive per-record INSERTs; prints landing: strata/copy=R1 strata/naive=R2 last.")
final class BenchLandingCommand implements Callable<Integer> {
    @Option(names = "--messages", defaultValue = "1000000", description = "Messages to land (default: ${DEFAULT-VALUE}).")
    int messages;
    @Option(names = "--partitions", defaultValue = "4", description = "Topic partitions (default: ${DEFAULT-VALUE}).")
    int partitions;
    @Option(names = "--naive-sample", defaultValue = "20000",
            description = "At most this many records (and 15 s) for the naive INSERT baseline; its rate is extrapolated (default: ${DEFAULT-VALUE}).")
    int naiveSample;
    @Option(names = "--warehouse", paramLabel = "postgres|mariadb", defaultValue = "postgres",
            description = "Which embedded warehouse to start (default: ${DEFAULT-VALUE}); the baseline (a) is its own bulk load "
                    + "(COPY, LOAD DATA LOCAL INFILE).")
    String warehouse;
    @Option(names = "--warehouse-url", paramLabel = "jdbc-url",
            description = "Use this warehouse (jdbc:postgresql:, jdbc:mariadb:) instead of an embedded one (password from STRATA_WAREHOUSE_PASSWORD).")
    String warehouseUrl;
    @Option(names = "--warehouse-user", defaultValue = "strata", description = "User for --warehouse-url (default: ${DEFAULT-VALUE}).")
    String warehouseUser;
    @Option(names = "--bootstrap", paramLabel = "host:port", description = "Use these Kafka brokers instead of an embedded one.")
    String bootstrap;
    @Option(names = "--no-fsync", description = "Run the embedded warehouse with its test settings (PostgreSQL: fsync, synchronous_commit, "
            + "full_page_writes off; MariaDB: no flush at commit), as strata demo and the tests do, instead of durable ones.")
    boolean noFsync;
    @Option(names = "--profile", description = "Also print where the JVM's CPU went while Strata landed (thread groups, GC, JIT).")
    boolean profile;
    @Option(names = "--peers", description = "Land the same messages with the Debezium JDBC sink and Spark foreachBatch too, beside "
            + "COPY and Strata; the strata launcher script builds the bench/peers module (~550 MB of libraries) and runs it.")
    boolean peers;
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (peers) {
            // the peers' libraries are not on this jar's class path: the launcher runs bench/peers instead
            throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                    "--peers runs the bench/peers module: start it with ./strata bench landing --peers from a Strata checkout");
        }
        if (messages < 1 || partitions < 1 || naiveSample < 1) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                    "--messages, --partitions and --naive-sample must be at least 1");
        }
        String password = System.getenv("STRATA_WAREHOUSE_PASSWORD");
        new LandingBenchmark(new LandingBenchmark.Options(messages, partitions, naiveSample, Optional.ofNullable(warehouseUrl),
                warehouseUser, password == null ? Secret.empty() : Secret.of(password), Optional.ofNullable(bootstrap), profile, !noFsync,
                DemoCommand.embeddedWarehouse(warehouse).equals("embedded:mariadb")),
                spec.commandLine().getOut()).run();
        return 0;
    }
}
