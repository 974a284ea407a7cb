package dev.strata.cli;

import dev.strata.bench.VaultBenchmark;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code strata bench vault [--rows N]}: vault loads against a plain INSERT ... SELECT of the same rows. */
@Command(name = "vault", description = "Load N STG rows into a hub, a link, a satellite and an effectivity satellite "
        + "and build PIT snapshots, and time plain INSERT ... SELECTs of the same rows; prints "
        + "vault: strata/insert_select=R eff/insert_select=R2 pit/insert_select=R3 last.")
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
        out.println(new VaultBenchmark(out, rows, explain,
                DemoCommand.embeddedWarehouse(warehouse).equals("embedded:mariadb")).run().line());
        out.flush();
        return 0;
    }
}
