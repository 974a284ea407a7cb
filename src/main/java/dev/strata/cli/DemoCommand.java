package dev.strata.cli;

import dev.strata.config.Secret;
import dev.strata.embedded.EmbeddedKafka;
import dev.strata.embedded.EmbeddedPostgres;
import dev.strata.warehouse.Warehouse;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code strata demo}: starts the embedded components and prints how to reach them. */
@Command(name = "demo", description = "Start embedded PostgreSQL and Kafka, create Strata's metadata schema, "
        + "print how to connect, and wait for Ctrl-C.")
final class DemoCommand implements Callable<Integer> {
    @Option(names = "--data-dir", description = "Keep the demo's data here across runs (default: a temporary folder).")
    Path dataDir;
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        long t0 = System.nanoTime();
        Optional<Path> dir = Optional.ofNullable(dataDir);
        out.println("starting embedded PostgreSQL and Kafka ...");
        try (EmbeddedPostgres pg = EmbeddedPostgres.start(dir.map(d -> d.resolve("postgres")));
             EmbeddedKafka kafka = EmbeddedKafka.start(dir.map(d -> d.resolve("kafka")));
             Warehouse warehouse = Warehouse.connect(pg.jdbcUrl(), EmbeddedPostgres.USER, Secret.empty(), 2)) {
            warehouse.migrate();
            out.printf("ready in %.1f s%n", (System.nanoTime() - t0) / 1e9);
            out.println("  warehouse JDBC URL : " + pg.jdbcUrl() + " (user " + EmbeddedPostgres.USER + ", no password)");
            out.println("  psql               : " + pg.psqlCommand());
            out.println("  Kafka bootstrap    : " + kafka.bootstrap());
            out.println("  metadata schema    : strata (source_positions, dead_letters, layer_watermarks, task_runs)");
            out.println("press Ctrl-C to stop");
            out.flush();
            CountDownLatch stop = new CountDownLatch(1);
            Thread main = Thread.currentThread();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                stop.countDown();
                try {
                    main.join(20_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "strata-demo-shutdown"));
            stop.await();
            out.println("stopping ...");
        }
        return 0;
    }
}
