package dev.strata.cli;

import dev.strata.config.ProjectConfig;
import dev.strata.schedule.Pipeline;
import dev.strata.schedule.RunLog;
import dev.strata.schedule.TaskState;
import dev.strata.vault.VaultRejects;
import dev.strata.warehouse.Warehouses;
import java.io.PrintWriter;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code strata status [dir]}: the nodes, their last intervals and states, what runs now, recent failures. */
@Command(name = "status", description = {"Show each node's last interval and state, running tasks and recent failures.",
        "Exit code: 0 when no run has failed, 1 when one or more have (state failed, their retries used up; a run "
                + "waiting to retry does not count), 2 for a bad project or option."})
final class StatusCommand implements Callable<Integer> {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm").withZone(ZoneOffset.UTC);

    @Mixin
    ProjectDir project;
    @Mixin
    DataDirOption dataDir;
    @Option(names = "--failures", defaultValue = "10", description = "How many recent failures to list (default 10).")
    int failures;
    @Option(names = "--runs", defaultValue = "10", description = "How many recent pipeline runs to list (default 10).")
    int runs;
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        ProjectConfig config = project.load();
        Pipeline pipeline = Pipeline.load(config, Warehouses.forConfig(config.warehouse()));
        PrintWriter out = spec.commandLine().getOut();
        try (ProjectWarehouse pw = ProjectWarehouse.open(config, dataDir.get(), 1)) {
            RunLog log = new RunLog(pw.warehouse(), config.name());
            Map<String, RunLog.NodeStatus> nodes = log.nodes();
            Map<String, java.time.Instant> covered = log.coverage();
            Map<String, RunLog.Failing> failing = log.failingContinuous();
            Map<String, VaultRejects.Pending> rejected = config.vault().declared()
                    ? new VaultRejects(pw.warehouse(), config.name()).pending() : Map.of();
            out.println("project " + config.name() + " (" + pw.describe() + ")");
            out.println();
            int width = pipeline.graph().nodes().stream().mapToInt(n -> n.name().length()).max().orElse(4);
            String row = "%-" + Math.max(4, width) + "s  %-8s  %-16s  %-12s  %-16s  %7s  %6s  %7s%n";
            out.printf(row, "node", "kind", "last interval", "state", "last success", "success", "failed", "waiting");
            for (String name : pipeline.graph().topologicalOrder()) {
                String kind = pipeline.graph().node(name).orElseThrow().kind().word();
                Optional<RunLog.NodeStatus> s = Optional.ofNullable(nodes.get(name));
                if (pipeline.schedule(name).isContinuous()) {
                    // a continuous vault target reports how far its output is complete; landing does not
                    String state = failing.containsKey(name) ? "failing" : rejected.containsKey(name) ? "rejects"
                            : covered.containsKey(name) ? "covered to" : "-";
                    out.printf(row, name, kind, "continuous", state, Optional.ofNullable(covered.get(name)).map(TIME::format)
                            .orElse("-"), "", "", "");
                    continue;
                }
                Map<TaskState, Integer> c = s.map(RunLog.NodeStatus::counts).orElse(Map.of());
                out.printf(row, name, kind,
                        s.flatMap(RunLog.NodeStatus::lastInterval).map(TIME::format).orElse("never"),
                        s.flatMap(RunLog.NodeStatus::lastState).map(TaskState::db).orElse("-"),
                        s.flatMap(RunLog.NodeStatus::lastSuccess).map(TIME::format).orElse("-"),
                        c.getOrDefault(TaskState.SUCCESS, 0), c.getOrDefault(TaskState.FAILED, 0),
                        c.getOrDefault(TaskState.QUEUED, 0) + c.getOrDefault(TaskState.UP_FOR_RETRY, 0));
            }
            List<dev.strata.config.SourceConfig> jdbc = config.sources().values().stream()
                    .filter(src -> src.spec() instanceof dev.strata.config.JdbcSourceSpec).toList();
            if (!jdbc.isEmpty()) {
                out.println();
                out.println("jdbc sources:");
                for (dev.strata.config.SourceConfig src : jdbc) {
                    dev.strata.ingest.JdbcSourceStatus st = dev.strata.ingest.JdbcSourceStatus.read(pw.warehouse(), config.name(), src);
                    out.println("  " + src.name() + ": " + st.describe());
                    for (dev.strata.ingest.JdbcSourceStatus.SchemaChange ch : st.recentChanges()) {
                        out.println("    schema change " + TIME.format(ch.at()) + ": " + ch.describe());
                    }
                }
            }
            printChangeLag(out, config, pw);
            long failedRuns = nodes.values().stream()
                    .mapToLong(n -> n.counts().getOrDefault(TaskState.FAILED, 0)).sum();
            List<RunLog.Run> running = log.runs(List.of(TaskState.RUNNING), 50);
            if (!running.isEmpty()) {
                out.println();
                out.println("running:");
                for (RunLog.Run r : running) {
                    out.println("  " + r.node() + " " + TIME.format(r.interval().start()) + " attempt " + r.attempt()
                            + " on " + r.worker() + " since " + TIME.format(r.startedAt()));
                }
            }
            if (!rejected.isEmpty()) {
                out.println();
                out.println("vault rejects (STG rows a target set aside: a value fails its declared type):");
                for (VaultRejects.Pending p : rejected.values()) {
                    out.println("  " + p.target() + ": " + p.rows() + " row(s) pending; latest: "
                            + TerminalText.line(p.latest().describe()));
                }
                out.println("  `strata vault rejects list` shows them, `strata vault rejects reload` loads them once fixed");
            }
            if (!failing.isEmpty()) {
                out.println();
                out.println("continuous loads failing (retried with backoff):");
                for (RunLog.Failing f : failing.values()) {
                    out.println("  " + f.node() + " since " + (f.since() == null ? "?" : TIME.format(f.since())) + ": "
                            + firstLine(f.error()));
                }
            }
            List<dev.strata.quality.TestResultStore.Stored> failingTests = new dev.strata.quality.TestResultStore(config.name())
                    .failing(pw.warehouse(), failures);
            if (!failingTests.isEmpty()) {
                out.println();
                out.println("failing data tests (latest first):");
                for (dev.strata.quality.TestResultStore.Stored t : failingTests) {
                    out.println("  " + t.node() + "." + t.test() + " (" + t.severity() + ") "
                            + (t.intervalStart() == null ? t.trigger().replace('_', ' ') + " " + TIME.format(t.startedAt())
                            : TIME.format(t.intervalStart())) + ": "
                            + (t.status().equals("error") ? "could not run: " + firstLine(t.message())
                            : t.failures() + (t.failures() == 1 ? " offending row" : " offending rows")));
                }
            }
            log.settle();
            List<dev.strata.schedule.PipelineRun> pipelineRuns = log.pipelineRuns(runs);
            if (!pipelineRuns.isEmpty()) {
                out.println();
                out.println("pipeline runs (latest first):");
                for (dev.strata.schedule.PipelineRun r : pipelineRuns) {
                    out.printf("  %-9s %-16s %-7s  started %s  %s%s%n", r.trigger(), TIME.format(r.logicalDate()), r.status(),
                            TIME.format(r.startedAt()), r.finishedAt().map(f -> "finished " + TIME.format(f)).orElse("running"),
                            r.failedTask().map(t -> "  failed: " + t + ": " + firstLine(r.errorMessage().orElse(""))).orElse(""));
                }
            }
            List<RunLog.Run> failed = log.runs(List.of(TaskState.FAILED, TaskState.UP_FOR_RETRY), failures);
            if (!failed.isEmpty()) {
                out.println();
                out.println("failures (latest first):");
                for (RunLog.Run r : failed) {
                    out.println("  " + r.node() + " " + TIME.format(r.interval().start()) + " " + r.state().db()
                            + " after attempt " + r.attempt() + ": " + TerminalText.line(firstLine(r.error())));
                }
            }
            if (failedRuns > 0) {
                out.println();
                out.println(failedRuns + " failed run(s): exit code 1. Fix the cause, then `strata backfill` over their "
                        + "dates runs them again.");
                return dev.strata.ErrorCode.TASK_FAILED.exitCode();
            }
        }
        return 0;
    }

    /** Captured tables' lag: now − source time of the newest change landed ({@link dev.strata.ingest.CdcLag}). */
    private static void printChangeLag(PrintWriter out, ProjectConfig config, ProjectWarehouse pw) throws java.sql.SQLException {
        List<dev.strata.config.SourceConfig> tables = config.sourcesInOrder().stream()
                .filter(dev.strata.ingest.CdcLag::isChangeStream).toList();
        if (tables.isEmpty()) {
            return;
        }
        Instant now = Instant.now();
        out.println();
        out.println("change streams (lag = now - source time of the newest change landed):");
        int width = tables.stream().mapToInt(t -> t.name().length()).max().orElse(4);
        try (java.sql.Connection c = pw.warehouse().connection()) {
            for (dev.strata.config.SourceConfig t : tables) {
                Optional<Instant> newest = dev.strata.ingest.CdcLag.newestSourceTime(c, pw.warehouse().sql(), t.name());
                out.printf("  %-" + width + "s  %s%n", t.name(), newest
                        .map(n -> "lag " + seconds(dev.strata.ingest.CdcLag.lag(now, n)) + " (newest change "
                                + java.time.format.DateTimeFormatter.ISO_INSTANT.format(n.truncatedTo(java.time.temporal.ChronoUnit.SECONDS)) + ")")
                        .orElse("no change landed yet"));
            }
        }
    }

    private static String seconds(java.time.Duration d) {
        return String.format(java.util.Locale.ROOT, "%.1f s", d.toMillis() / 1000.0);
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl) + " ...";
    }

    static String format(Instant i) {
        return TIME.format(i);
    }
}
