package dev.strata.cli;

import dev.strata.bench.VaultBenchmark;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code strata bench vault [--rows N]}: vault loads against a plain INSERT ... SELECT of the same rows. */
@Command(name = "vault", description = "Load N STG rows into a hub, a link and a satellite, and time a plain "
        + "INSERT ... SELECT of the same projected rows; prints vault: strata/insert_select=R last.")
final class BenchVaultCommand implements Callable<Integer> {
    @Option(names = "--rows", defaultValue = "1000000", description = "STG rows to load, a multiple of 5 (default: ${DEFAULT-VALUE}).")
    int rows;
    @Option(names = "--warehouse", paramLabel = "postgres|mariadb", defaultValue = "postgres",
            description = "Which embedded warehouse to start (default: ${DEFAULT-VALUE}).")
    String warehouse;
    @Option(names = "--explain", description = "First print EXPLAIN ANALYZE of each statement (run, then rolled back).")
    boolean explain;
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        double ratio = new VaultBenchmark(out, rows, explain,
                DemoCommand.embeddedWarehouse(warehouse).equals("embedded:mariadb")).run();
        out.println(String.format(Locale.ROOT, "vault: strata/insert_select=%.2f", ratio));
        out.flush();
        return 0;
    }
}
