package dev.strata.cli;

import dev.strata.bench.JdbcBenchmark;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code strata bench jdbc [--rows N]}: a jdbc snapshot source against the raw COPY-to-COPY pipe of the same table. */
@Command(name = "jdbc", description = "Snapshot an N-row PostgreSQL table into the warehouse as a jdbc source, and time "
        + "COPY TO STDOUT piped into COPY FROM STDIN of the same rows; prints jdbc: strata/copy=R last (target: at least 0.70).")
final class BenchJdbcCommand implements Callable<Integer> {
    @Option(names = "--rows", defaultValue = "1000000", description = "Rows of the source table (default: ${DEFAULT-VALUE}).")
    int rows;
    @Option(names = "--rounds", defaultValue = "2", description = "Rounds of both sides; the best of each is compared (default: ${DEFAULT-VALUE}).")
    int rounds;
    @Option(names = "--no-fsync", description = "Run the embedded PostgreSQL with its test settings (fsync, synchronous_commit, "
            + "full_page_writes off) instead of durable ones.")
    boolean noFsync;
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (rows < 1 || rounds < 1) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--rows and --rounds must be at least 1");
        }
        new JdbcBenchmark(new JdbcBenchmark.Options(rows, rounds, !noFsync), spec.commandLine().getOut()).run();
        return 0;
    }
}
