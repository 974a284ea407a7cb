package dev.strata.cli;

import dev.strata.bench.TestsBenchmark;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code strata bench tests}: the generated vault integrity tests against the vault load, on the fintech seed. */
@Command(name = "tests", description = "Load the fintech example's vault (about 250,000 transactions), then run its "
        + "generated integrity tests; prints tests: integrity/vault_load=R last (target: below 0.20).")
final class BenchTestsCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        double ratio = new TestsBenchmark(out).run();
        out.println(String.format(Locale.ROOT, "tests: integrity/vault_load=%.2f", ratio));
        out.flush();
        return 0;
    }
}
