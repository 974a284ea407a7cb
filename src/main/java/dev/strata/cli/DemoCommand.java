package dev.strata.cli;

import dev.strata.ErrorCode;
import dev.strata.StrataException;
import dev.strata.app.FintechDemo;
import dev.strata.app.FoodDeliveryDemo;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code strata demo [scenario]}: runs a bundled example end to end on embedded servers and
 * verifies its marts against ground truth computed from the generated data. Exit code 0 only when
 * they match.
 */
@Command(name = "demo", description = {
        "Run a bundled example end to end on embedded PostgreSQL (or MariaDB: --warehouse mariadb), Kafka and Redis, then verify its marts "
                + "against ground truth computed from the generated data (exit 0 only when they match).",
        "Scenarios: food-delivery (default); fintech (the October-2022 backfill of scenario 001, then exits; "
                + "--duration keeps its console up afterwards)."})
final class DemoCommand implements Callable<Integer> {
    @Parameters(index = "0", arity = "0..1", defaultValue = FoodDeliveryDemo.EXAMPLE, paramLabel = "scenario",
            description = "Which example to run (default: ${DEFAULT-VALUE}).")
    String scenario;
    @Option(names = "--duration", converter = DurationOption.class,
            description = "Generate data for this long (e.g. 60s), then catch up, verify and exit. Default: until Ctrl-C.")
    Duration duration;
    @Option(names = "--data-dir", description = "Keep everything here (PostgreSQL, Kafka, positions, generator log) "
            + "so a later run resumes (default: a temporary folder).")
    Path dataDir;
    @Option(names = "--rate", defaultValue = "50", description = "New orders per second (default ${DEFAULT-VALUE}; the seed's rate is 5/min).")
    double rate;
    @Option(names = "--no-console", negatable = true, defaultValue = "true", description = "Serve the web console (default on).")
    boolean console;
    @Option(names = "--warehouse", paramLabel = "postgres|mariadb",
            description = "Which embedded warehouse the food-delivery example runs on (default: STRATA_WAREHOUSE_URL, else postgres).")
    String warehouse;
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        if (FintechDemo.EXAMPLE.equals(scenario)) {
            return fintech(out);
        }
        if (!FoodDeliveryDemo.EXAMPLE.equals(scenario)) {
            throw new StrataException(ErrorCode.USAGE, "unknown demo scenario '" + scenario + "' (scenarios: "
                    + FoodDeliveryDemo.EXAMPLE + ", " + FintechDemo.EXAMPLE + ")");
        }
        if (rate <= 0) {
            throw new StrataException(ErrorCode.USAGE, "--rate must be above 0");
        }
        Optional<String> warehouseUrl = Optional.ofNullable(warehouse).map(DemoCommand::embeddedWarehouse);
        // on Ctrl-C the demo stops generating, catches up and verifies before the JVM exits
        try (ShutdownSignal signal = ShutdownSignal.install("strata-demo")) {
            FoodDeliveryDemo demo = new FoodDeliveryDemo(new FoodDeliveryDemo.Options(Optional.ofNullable(duration),
                    Optional.ofNullable(dataDir), rate, console, 1000, warehouseUrl), out);
            return demo.run(signal.stop()) ? 0 : ErrorCode.VERIFICATION_FAILED.exitCode();
        }
    }

    /** {@code --warehouse postgres|mariadb} as the embedded URL it names. */
    static String embeddedWarehouse(String name) {
        return switch (name.toLowerCase(java.util.Locale.ROOT)) {
            case "postgres", "postgresql" -> "embedded:postgres";
            case "mariadb" -> "embedded:mariadb";
            default -> throw new StrataException(ErrorCode.USAGE, "--warehouse " + name + ": expected postgres or mariadb");
        };
    }

    /** {@code demo fintech}: a finite run (land, backfill, verify); {@code --duration} keeps the console up afterwards. */
    private int fintech(PrintWriter out) throws Exception {
        if (warehouse != null && !embeddedWarehouse(warehouse).equals("embedded:postgres")) {
            throw new StrataException(ErrorCode.USAGE, "the fintech example's marts are written for PostgreSQL; "
                    + "run it without --warehouse (the food-delivery example runs on MariaDB too)");
        }
        // on Ctrl-C the demo stops where it is (a running task rolls back) before the JVM exits
        try (ShutdownSignal signal = ShutdownSignal.install("strata-demo")) {
            FintechDemo demo = new FintechDemo(new FintechDemo.Options(Optional.ofNullable(dataDir), console,
                    Optional.ofNullable(duration), 2), out, System.console() != null);
            return demo.run(signal.stop()).verified() ? 0 : ErrorCode.VERIFICATION_FAILED.exitCode();
        }
    }
}
