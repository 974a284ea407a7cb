package dev.strata.cli;

import dev.strata.bench.CdcBenchmark;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code strata bench cdc [--changes N]}: Strata's CDC landing against Debezium's embedded engine alone. */
@Command(name = "cdc", description = "Apply N row changes to an embedded source PostgreSQL, consume them with Debezium's "
        + "embedded engine alone (no-op handler) and land them with Strata's cdc source; also a snapshot against "
        + "COPY TO STDOUT. Prints cdc: strata/engine=R last (target R >= 0.80).")
final class BenchCdcCommand implements Callable<Integer> {
    @Option(names = "--changes", defaultValue = "1000000", description = "Row changes: half inserts, then half updates (default: ${DEFAULT-VALUE}).")
    int changes;
    @Option(names = "--snapshot-rows", defaultValue = "1000000", description = "Rows of the snapshot table (default: ${DEFAULT-VALUE}).")
    int snapshotRows;
    @Option(names = "--no-fsync", description = "Run the embedded warehouse with its test settings (fsync, synchronous_commit, "
            + "full_page_writes off) instead of durable ones.")
    boolean noFsync;
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (changes < 2 || snapshotRows < 1) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                    "--changes must be at least 2 and --snapshot-rows at least 1");
        }
        new CdcBenchmark(new CdcBenchmark.Options(changes, snapshotRows, !noFsync), spec.commandLine().getOut()).run();
        return 0;
    }
}
