package dev.strata.cli;

import dev.strata.ErrorCode;
import dev.strata.config.ProjectConfig;
import dev.strata.runtime.Environment;
import dev.strata.schedule.Backfill;
import dev.strata.schedule.Pipeline;
import dev.strata.schedule.TaskState;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.DelegatingProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code strata backfill [dir] --from D1 --to D2}: runs the intervals of a date range, then prints a summary. */
@Command(name = "backfill", description = "Run the scheduled intervals between two schedule dates (both included), "
        + "in parallel where dependencies allow; print a summary; exit 1 if any interval failed.")
final class BackfillCommand implements Callable<Integer> {
    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm").withZone(ZoneOffset.UTC);

    @Mixin
    ProjectDir project;
    @Option(names = "--from", required = true, converter = DateOption.class,
            description = "First schedule date, e.g. 2022-10-02 (UTC).")
    Instant from;
    @Option(names = "--to", required = true, converter = DateOption.class,
            description = "Last schedule date, included, e.g. 2022-11-01 (UTC).")
    Instant to;
    @Option(names = "--select", description = "Nodes to run: name, name+ (and downstream), +name (and upstream); "
            + "several separated by commas. Default: every scheduled node.")
    String select;
    @Option(names = "--parallel", defaultValue = "1", description = "Intervals run at once by this process (default 1).")
    int parallel;
    @Option(names = "--rerun", description = "Run again intervals that already succeeded.")
    boolean rerun;
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        ProjectConfig config = project.load();
        PrintWriter out = spec.commandLine().getOut();
        try (ProjectWarehouse pw = ProjectWarehouse.open(config, parallel + 2)) {
            Pipeline pipeline = Pipeline.load(config, pw.warehouse().adapter());
            Backfill backfill = new Backfill(pipeline, pw.warehouse(), Environment.defaultWorkerId(), Clock.systemUTC());
            Backfill.Options options = new Backfill.Options(from, to, Optional.ofNullable(select), parallel, rerun,
                    Backfill.DEFAULT_LEASE, java.time.Duration.ofMillis(200));
            List<String> nodes = backfill.nodes(options.select());
            out.println("backfill " + config.name() + ": " + String.join(", ", nodes) + " from " + DAY.format(from)
                    + " to " + DAY.format(to) + (rerun ? " (rerun)" : ""));
            out.flush();
            // Ctrl-C: stop claiming, let running tasks finish, print the summary, then let the JVM exit
            try (ShutdownSignal signal = ShutdownSignal.install("strata-backfill")) {
                Thread onStop = new Thread(() -> {
                    try {
                        signal.stop().await();
                        backfill.requestStop();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }, "strata-backfill-stop");
                onStop.setDaemon(true);
                onStop.start();
                return run(out, backfill, options);
            }
        }
    }

    private int run(PrintWriter out, Backfill backfill, Backfill.Options options) throws Exception {
        Backfill.Result result;
        try (ProgressBar bar = progressBar()) {
            result = backfill.run(options, (finished, total, counts) -> {
                bar.maxHint(total);
                bar.stepTo(finished);
                bar.setExtraMessage(counts.getOrDefault(TaskState.RUNNING, 0) + " running, "
                        + counts.getOrDefault(TaskState.FAILED, 0) + " failed");
            });
        }
        printSummary(out, result, backfill.stopRequested());
        return result.ok() ? 0 : ErrorCode.TASK_FAILED.exitCode();
    }

    private ProgressBar progressBar() {
        PrintWriter err = spec.commandLine().getErr();
        boolean terminal = System.console() != null;
        return new ProgressBarBuilder()
                .setTaskName("intervals")
                .setStyle(ProgressBarStyle.ASCII)
                .setUpdateIntervalMillis(250)
                .continuousUpdate()
                .setConsumer(new DelegatingProgressBarConsumer(line -> {
                    if (terminal) {
                        err.print('\r' + line);
                        err.flush();
                    }
                }, 100))
                .build();
    }

    static void printSummary(PrintWriter out, Backfill.Result result, boolean stopped) {
        if (System.console() != null) {
            spacer(out);
        }
        Map<String, long[]> byNode = new LinkedHashMap<>();
        for (Backfill.RunSummary r : result.runs()) {
            long[] c = byNode.computeIfAbsent(r.node(), k -> new long[4]);
            switch (r.state()) {
                case SUCCESS, SKIPPED -> c[0]++;
                case FAILED -> c[1]++;
                default -> c[2]++;
            }
            c[3] += r.rows() == null ? 0 : r.rows();
        }
        int width = Math.max(4, byNode.keySet().stream().mapToInt(String::length).max().orElse(4));
        out.printf("%-" + width + "s  %9s  %6s  %7s  %12s%n", "node", "succeeded", "failed", "not run", "rows");
        byNode.forEach((node, c) -> out.printf("%-" + width + "s  %9d  %6d  %7d  %12d%n", node, c[0], c[1], c[2], c[3]));
        out.printf("%d intervals in %.1f s%n", result.runs().size(), result.elapsed().toMillis() / 1000.0);
        if (!result.failed().isEmpty()) {
            out.println("failed:");
            for (Backfill.RunSummary r : result.failed()) {
                out.println("  " + r.node() + " " + DAY.format(r.logicalDate()) + " (data " + r.interval() + "), "
                        + r.attempts() + " attempt(s): " + r.error());
            }
        }
        if (!result.notRun().isEmpty()) {
            out.println(stopped ? "not run (the backfill was stopped; run the same backfill again to continue):"
                    : "not run (waiting for a failed upstream or previous interval; fix it and run the backfill again):");
            for (Backfill.RunSummary r : result.notRun()) {
                out.println("  " + r.node() + " " + DAY.format(r.logicalDate()) + " (" + r.state().db() + ")");
            }
        }
        out.flush();
    }

    private static void spacer(PrintWriter out) {
        out.println();
    }
}
