package dev.strata.cli;

import dev.strata.ErrorCode;
import dev.strata.StrataException;
import dev.strata.config.Durations;
import dev.strata.config.ProjectConfig;
import dev.strata.ingest.Landing;
import dev.strata.runtime.Environment;
import dev.strata.schedule.Backfill;
import dev.strata.schedule.ContinuousVault;
import dev.strata.schedule.Pipeline;
import dev.strata.schedule.RetryWait;
import dev.strata.schedule.TaskState;
import dev.strata.vault.VaultLoader;
import dev.strata.warehouse.Warehouse;
import dev.strata.warehouse.Warehouses;
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
    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneOffset.UTC);

    @Mixin
    ProjectDir project;
    @Mixin
    DataDirOption dataDir;
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
        // before any server starts: a range the schedule does not cover says why nothing would run
        List<String> notes = explainRange(Pipeline.load(config, Warehouses.forConfig(config.warehouse())));
        try (ProjectWarehouse pw = ProjectWarehouse.open(config, dataDir.get(), parallel + 2)) {
            Warehouse w = pw.warehouse();
            Pipeline pipeline = Pipeline.load(config, w.adapter());
            String worker = Environment.defaultWorkerId();
            Backfill backfill = new Backfill(pipeline, w, worker, Clock.systemUTC());
            Backfill.Options options = new Backfill.Options(from, to, Optional.ofNullable(select), parallel, rerun,
                    Backfill.DEFAULT_LEASE, java.time.Duration.ofMillis(200));
            List<String> nodes = backfill.nodes(options.select());
            out.println("backfill " + config.name() + ": " + String.join(", ", nodes) + " from " + DAY.format(from)
                    + " to " + DAY.format(to) + (rerun ? " (rerun)" : ""));
            notes.forEach(out::println);
            out.flush();
            prepare(out, config, pipeline, w, worker, nodes);
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

    /**
     * Refuses (exit code 2) a range in which no selected node has an interval, saying why for each
     * (the schedule's end or start, or no point of its cadence in the range); returns notes for nodes
     * whose start or end leaves part of the range out, or which have no interval in it.
     */
    private List<String> explainRange(Pipeline pipeline) {
        List<String> nodes = Backfill.nodes(pipeline, Optional.ofNullable(select));
        Map<String, List<String>> empty = new LinkedHashMap<>();
        Map<String, List<String>> clipped = new LinkedHashMap<>();
        for (String n : nodes) {
            var schedule = pipeline.schedule(n);
            Optional<String> why = schedule.whyNoIntervals(from, to);
            if (why.isPresent()) {
                empty.computeIfAbsent(why.get(), k -> new java.util.ArrayList<>()).add(n);
            } else {
                schedule.clippedBy(from, to).ifPresent(c -> clipped.computeIfAbsent(c, k -> new java.util.ArrayList<>()).add(n));
            }
        }
        String range = "from " + DAY.format(from) + " to " + DAY.format(to);
        if (!nodes.isEmpty() && empty.values().stream().mapToInt(List::size).sum() == nodes.size()) {
            List<String> reasons = new java.util.ArrayList<>();
            empty.forEach((why, ns) -> reasons.add(String.join(", ", ns) + ": " + why));
            throw new StrataException(ErrorCode.USAGE, "nothing to backfill " + range + ": " + String.join("; ", reasons));
        }
        List<String> notes = new java.util.ArrayList<>();
        empty.forEach((why, ns) -> notes.add("note: " + String.join(", ", ns) + " has no interval " + range + ": " + why));
        clipped.forEach((why, ns) -> notes.add("note: " + String.join(", ", ns) + " runs only part of the range: " + why));
        return notes;
    }

    /**
     * What the tasks read must exist before the first one runs, as under {@code strata run}: the STG
     * table of every source (empty before anything landed) and the vault's tables. The continuous
     * vault targets upstream of the selection load once now, so that the intervals see everything
     * landed so far (a mart waits for the vault to cover its interval; without this load a backfill
     * would wait for a {@code strata run} that may not be running).
     */
    private static void prepare(PrintWriter out, ProjectConfig config, Pipeline pipeline, Warehouse w, String worker,
                                List<String> nodes) throws java.sql.SQLException {
        Landing.prepareTables(config, w, worker);
        if (!config.vault().declared()) {
            return;
        }
        VaultLoader loader = new VaultLoader(w, config.name(), config.vault());
        loader.prepare();
        long t0 = System.nanoTime();
        try (ContinuousVault vault = new ContinuousVault(pipeline, loader, w, Clock.systemUTC())) {
            Map<String, Long> loaded = vault.catchUp(nodes);
            if (!loaded.isEmpty()) {
                out.printf("vault: loaded what has landed into %d continuous target(s) first: %,d new rows in %.1f s%n",
                        loaded.size(), loaded.values().stream().mapToLong(Long::longValue).sum(),
                        (System.nanoTime() - t0) / 1e9);
                out.flush();
            }
        }
    }

    private int run(PrintWriter out, Backfill backfill, Backfill.Options options) throws Exception {
        Backfill.Result result;
        PrintWriter err = spec.commandLine().getErr();
        boolean terminal = System.console() != null;
        try (ProgressBar bar = progressBar()) {
            result = backfill.run(options, new Backfill.Progress() {
                @Override
                public void update(int finished, int total, Map<TaskState, Integer> counts) {
                    bar.maxHint(total);
                    bar.stepTo(finished);
                    int waiting = counts.getOrDefault(TaskState.UP_FOR_RETRY, 0);
                    bar.setExtraMessage(counts.getOrDefault(TaskState.RUNNING, 0) + " running, "
                            + counts.getOrDefault(TaskState.FAILED, 0) + " failed"
                            + (waiting > 0 ? ", " + waiting + " waiting to retry" : ""));
                }

                @Override
                public void retrying(RetryWait wait) {
                    synchronized (out) {
                        if (terminal) {
                            err.print("\r\033[K");   // the message goes on its own line, not into the bar's
                            err.flush();
                        }
                        out.println(describe(wait, Instant.now()));
                        out.flush();
                    }
                }
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

    /** {@code init 2022-10-02 00:00 (data ...) failed attempt 1 of 2: <error>; next attempt at 12:05:03 UTC (in 5m)}. */
    static String describe(RetryWait w, Instant now) {
        long seconds = Math.max(0, Math.round(java.time.Duration.between(now, w.nextAttempt()).toMillis() / 1000.0));
        return "retry: " + w.node() + " " + DAY.format(w.logicalDate()) + " (data " + w.interval() + ") failed attempt "
                + w.attempt() + " of " + w.maxAttempts() + ": " + firstLine(w.error()) + "; next attempt at "
                + CLOCK.format(w.nextAttempt()) + " UTC (in " + Durations.format(java.time.Duration.ofSeconds(seconds)) + ")";
    }

    private static String firstLine(String s) {
        int nl = s == null ? -1 : s.indexOf('\n');
        return s == null ? "" : nl < 0 ? s : s.substring(0, nl) + " ...";
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
