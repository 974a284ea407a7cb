package dev.strata.cli;

import dev.strata.bench.SchedulerBenchmark;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code strata bench scheduler}: per-task overhead of the claim/log path and a 31-day fintech backfill. */
@Command(name = "scheduler", description = "1,000 no-op task runs through the real claim/log path, and a 31-day "
        + "backfill at fintech scale against the same SQL run by hand; last line: scheduler: per_task_ms=X backfill_31d_s=Y")
final class SchedulerBenchCommand implements Callable<Integer> {
    @Option(names = "--parallel", defaultValue = "2", description = "Workers for the fintech backfill (default 2).")
    int parallel;
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        new SchedulerBenchmark(spec.commandLine().getOut()).run(parallel);
        return 0;
    }
}
