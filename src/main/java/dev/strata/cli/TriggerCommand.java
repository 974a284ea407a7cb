package dev.strata.cli;

import dev.strata.ErrorCode;
import dev.strata.StrataException;
import dev.strata.config.ProjectConfig;
import dev.strata.runtime.Environment;
import dev.strata.schedule.Backfill;
import dev.strata.schedule.Pipeline;
import dev.strata.schedule.PipelineRun;
import dev.strata.schedule.RunLog;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code strata trigger [dir] --date D}: a manual run of the scheduled graph for one schedule date
 * — every selected node's interval of D queued again, whatever its state — logged as one
 * {@code manual} row of {@code strata.pipeline_runs}, failing or not.
 */
@Command(name = "trigger", description = "Run the scheduled graph for one schedule date now (a manual run, logged in "
        + "strata.pipeline_runs); exit 1 if it failed. With --no-wait, only queue it for a running `strata run`.")
final class TriggerCommand implements Callable<Integer> {
    @Mixin
    ProjectDir project;
    @Mixin
    DataDirOption dataDir;
    @Option(names = "--date", required = true, converter = DateOption.class, description = "The schedule date, e.g. 2022-08-14 (UTC).")
    Instant date;
    @Option(names = "--select", description = "Nodes to run: name, name+, +name; several separated by commas. Default: every scheduled node.")
    String select;
    @Option(names = "--parallel", defaultValue = "1", description = "Task runs executed at once (default 1).")
    int parallel;
    @Option(names = "--no-wait", description = "Only queue the run; the workers of a running `strata run` execute it.")
    boolean noWait;
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        ProjectConfig config = project.load();
        PrintWriter out = spec.commandLine().getOut();
        try (ProjectWarehouse pw = ProjectWarehouse.open(config, dataDir.get(), parallel + 2)) {
            Pipeline pipeline = Pipeline.load(config, pw.warehouse().adapter());
            Backfill trigger = new Backfill(pipeline, pw.warehouse(), Environment.defaultWorkerId(), Clock.systemUTC()).asManualTrigger();
            Backfill.Options options = new Backfill.Options(date, date, Optional.ofNullable(select), parallel, true,
                    Backfill.DEFAULT_LEASE, Duration.ofMillis(200));
            if (trigger.nodes(options.select()).isEmpty()) {
                throw new StrataException(ErrorCode.USAGE, "nothing to trigger: the selection has no scheduled node");
            }
            RunLog log = new RunLog(pw.warehouse(), config.name());
            if (noWait) {
                List<String> ids = trigger.queue(options);
                if (ids.isEmpty()) {
                    out.println("no schedule point of the selected nodes falls on " + StatusCommand.format(date));
                    return ErrorCode.USAGE.exitCode();
                }
                ids.forEach(id -> out.println("queued manual run " + id + "; a running `strata run` executes it ("
                        + "`strata status` shows how it ends)"));
                return 0;
            }
            Backfill.Result result = trigger.run(options, Backfill.Progress.NONE);
            trigger.deployedObjects().stream().filter(o -> o.deployed())
                    .forEach(o -> out.println("deployed object " + o.name() + " (" + o.state().word() + ")"));
            if (result.runs().isEmpty()) {
                out.println("no schedule point of the selected nodes falls on " + StatusCommand.format(date));
                return ErrorCode.USAGE.exitCode();
            }
            BackfillCommand.printSummary(out, result, trigger.stopRequested());
            List<PipelineRun> runs = log.pipelineRuns(trigger.pipelineRuns());
            for (PipelineRun r : runs) {
                out.println("pipeline run " + r.runId() + ": " + r.status()
                        + r.failedTask().map(t -> " (failed task " + t + ": " + firstLine(r.errorMessage().orElse("")) + ")").orElse(""));
            }
            out.flush();
            return result.ok() ? 0 : ErrorCode.TASK_FAILED.exitCode();
        }
    }

    private static String firstLine(String s) {
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
