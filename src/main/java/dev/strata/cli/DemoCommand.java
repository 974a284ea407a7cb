package dev.strata.cli;

import dev.strata.ErrorCode;
import dev.strata.StrataException;
import dev.strata.app.DemoRunner;
import dev.strata.examples.DemoOptions;
import dev.strata.examples.Example;
import dev.strata.examples.Examples;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code strata demo [example]}: runs a registered example ({@link Examples}) end to end on
 * embedded servers through the shared {@link DemoRunner} and verifies its marts against ground
 * truth computed from the generated data. Exit code 0 only when they match; 2 for an unknown name.
 */
@Command(name = "demo", description = {
        "Run a bundled example end to end on embedded servers, then verify its marts against ground truth "
                + "computed from the generated data (exit 0 only when they match).",
        "Examples: see --list; the first (food-delivery) is the default."})
final class DemoCommand implements Callable<Integer> {
    @Parameters(index = "0", arity = "0..1", paramLabel = "example",
            description = "Which example to run (default: the first of --list, food-delivery).")
    String scenario;
    @Option(names = "--list", description = "List the examples with what each shows, and exit.")
    boolean list;
    @Option(names = "--duration", converter = DurationOption.class,
            description = "A streaming example (food-delivery): generate data for this long (e.g. 60s), then catch up, "
                    + "verify and exit (default: until Ctrl-C). A backfill example (fintech): keep the console up this "
                    + "long after verifying.")
    Duration duration;
    @Option(names = "--data-dir", description = "Keep everything here (PostgreSQL, Kafka, positions, generator log) "
            + "so a later run resumes (default: a temporary folder).")
    Path dataDir;
    @Option(names = "--rate", defaultValue = "50", description = "New orders per second (default ${DEFAULT-VALUE}; the seed's rate is 5/min).")
    double rate;
    @Option(names = "--no-console", negatable = true, defaultValue = "true", description = "Serve the web console (default on).")
    boolean console;
    @Option(names = "--warehouse", paramLabel = "postgres|mariadb",
            description = "Which embedded warehouse the example runs on (default: STRATA_WAREHOUSE_URL, else postgres; "
                    + "an example written for PostgreSQL only refuses mariadb).")
    String warehouse;
    @Option(names = "--workers", defaultValue = "4", description = "Task runs at once, in the scheduler and in a "
            + "backfill (default ${DEFAULT-VALUE}).")
    int workers;
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        if (list) {
            Examples.listing().forEach(out::println);
            return 0;
        }
        Example example = scenario == null ? Examples.all().get(0) : Examples.named(scenario);
        if (rate <= 0) {
            throw new StrataException(ErrorCode.USAGE, "--rate must be above 0");
        }
        if (workers < 1 || workers > 32) {
            throw new StrataException(ErrorCode.USAGE, "--workers must be 1 to 32");
        }
        DemoOptions options = new DemoOptions(Optional.ofNullable(duration), Optional.ofNullable(dataDir), rate, console,
                workers, System.console() != null, Optional.ofNullable(warehouse).map(DemoCommand::embeddedWarehouse));
        // on Ctrl-C a streaming demo stops generating, catches up and verifies; a backfill stops where it
        // is (a running task rolls back); either before the JVM exits
        try (ShutdownSignal signal = ShutdownSignal.install("strata-demo")) {
            return new DemoRunner(example, options, out).run(signal.stop()) ? 0 : ErrorCode.VERIFICATION_FAILED.exitCode();
        }
    }

    /** {@code --warehouse postgres|mariadb} as the embedded URL it names (also read by {@code bench}). */
    static String embeddedWarehouse(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "postgres", "postgresql" -> "embedded:postgres";
            case "mariadb" -> "embedded:mariadb";
            default -> throw new StrataException(ErrorCode.USAGE, "--warehouse " + name + ": expected postgres or mariadb");
        };
    }
}
