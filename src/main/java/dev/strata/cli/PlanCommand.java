package dev.strata.cli;

import dev.strata.config.ProjectConfig;
import dev.strata.config.SourceConfig;
import dev.strata.graph.Node;
import dev.strata.marts.Mart;
import dev.strata.marts.MartBuilder;
import dev.strata.marts.SqlCheck;
import dev.strata.marts.TemplateInterval;
import dev.strata.schedule.NodeSchedule;
import dev.strata.schedule.Pipeline;
import dev.strata.schedule.ScheduledInterval;
import dev.strata.vault.VaultPlan;
import dev.strata.warehouse.Warehouses;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code strata plan [dir]}: shows what the project would build, without connecting anywhere. */
@Command(name = "plan", description = "Show the nodes, tables and SQL a project would build, without running anything.")
final class PlanCommand implements Callable<Integer> {
    @Mixin
    ProjectDir project;
    @Option(names = "--at", converter = DateOption.class, description = "Render mart SQL for the interval of this "
            + "schedule date, e.g. 2022-10-02 (default: each mart's start, or its latest due interval).")
    Instant at;
    @Option(names = "--select", description = "Only these nodes (name, name+, +name).")
    String select;
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        ProjectConfig config = project.load();
        // errors first: a broken mart is reported before pages of DDL, and nothing is printed
        Pipeline checked = Pipeline.load(config, Warehouses.forConfig(config.warehouse()));
        SqlCheck.Report report = SqlCheck.parse(checked.marts(), checked.adapter());
        report.warnings().forEach(w -> spec.commandLine().getErr().println(w));
        report.throwIfErrors();
        // the plan is composed whole before any of it is printed, so that an error found on the way
        // (an unknown --select, a mart that fails to render for the --at interval) is all one sees
        java.io.StringWriter plan = new java.io.StringWriter();
        PrintWriter out = new PrintWriter(plan);
        out.println("project " + config.name());
        out.println("warehouse " + config.warehouse().redactedUrl());
        out.println();
        out.println("sources:");
        for (SourceConfig s : config.sourcesInOrder()) {
            out.println("  " + s.name() + " (" + s.spec().kind() + ") -> stg." + s.name());
        }
        if (config.vault().declared()) {
            printVault(config, out);
        }
        printObjects(out, checked);
        printMarts(out, checked);
        printBackupNode(out, checked);
        printTests(out, checked);
        out.flush();
        spec.commandLine().getOut().print(plan);
        spec.commandLine().getOut().flush();
        return 0;
    }

    /** The scheduled backup node, when strata.yaml has one (backup: { scheduled: true }). */
    private void printBackupNode(PrintWriter out, Pipeline pipeline) {
        pipeline.project().operations().backup().filter(b -> b.scheduled()).ifPresent(b -> {
            String node = dev.strata.config.OperationsSection.BackupConfig.NODE;
            if (select != null && !pipeline.graph().select(select).contains(node)) {
                return;
            }
            List<String> upstream = pipeline.graph().upstreamOf(node);
            out.println();
            out.println("  " + node + " (backup -> " + pipeline.project().directory().resolve(b.to()) + ")");
            out.println("    layers:    " + (b.layers().isEmpty() ? "every layer of the project, and strata" : String.join(", ", b.layers())));
            out.println("    retention: " + b.retention().map(dev.strata.config.Durations::format).orElse("keep all"));
            out.println("    schedule:  " + describe(pipeline.schedule(node)));
            out.println("    upstream:  " + (upstream.isEmpty() ? "-" : String.join(", ", upstream)));
        });
    }

    /** The SQL objects deployed before the tasks run (each only when its file's checksum differs from the deployed one). */
    private void printObjects(PrintWriter out, Pipeline pipeline) {
        pipeline.objects().warnings().forEach(w -> spec.commandLine().getErr().println("warning: " + w));
        if (pipeline.objects().isEmpty()) {
            return;
        }
        out.println();
        out.println("objects (deployed in this order before tasks run, when the file's checksum differs from the deployed one):");
        for (dev.strata.objects.WarehouseObject o : pipeline.objects().objects()) {
            out.println();
            out.println("  " + o.name() + " (" + o.file() + ", sha256 " + o.checksum().substring(0, 12) + ")");
            o.text().strip().lines().forEach(l -> out.println("    " + l));
        }
    }

    /** Every data test with the SQL it runs (for a scheduled node: for the interval shown above). */
    private void printTests(PrintWriter out, Pipeline pipeline) {
        List<String> nodes = select == null ? pipeline.graph().topologicalOrder() : pipeline.graph().select(select);
        List<dev.strata.quality.DataTest> tests = pipeline.tests().all().stream().filter(t -> nodes.contains(t.node())).toList();
        if (tests.isEmpty()) {
            return;
        }
        out.println();
        out.println("data tests (each query returns the offending rows; an error test that returns any fails its task):");
        for (dev.strata.quality.DataTest t : tests) {
            NodeSchedule s = pipeline.schedule(t.node());
            dev.strata.quality.TestScope scope = interval(s).map(si -> dev.strata.quality.TestScope.interval(si.data().start(),
                    si.data().end(), si.logicalDate(), Clock.systemUTC().instant()))
                    .orElseGet(() -> dev.strata.quality.TestScope.everything(Clock.systemUTC().instant()));
            out.println();
            out.println("  " + t.id() + " (" + t.kind().word() + ", " + t.severity().word() + "): " + t.description());
            try {
                t.query().sql(scope).display().lines().forEach(l -> out.println("    " + l));
            } catch (RuntimeException e) {
                out.println("    -- cannot render: " + e.getMessage());
            }
        }
    }

    private void printMarts(PrintWriter out, Pipeline pipeline) {
        if (pipeline.marts().marts().isEmpty()) {
            return;
        }
        List<String> nodes = select == null ? pipeline.graph().topologicalOrder() : pipeline.graph().select(select);
        MartBuilder builder = new MartBuilder(pipeline.adapter());
        out.println();
        out.println("marts and tasks (in run order):");
        for (String name : nodes) {
            Mart mart = pipeline.marts().marts().get(name);
            if (mart == null) {
                continue;
            }
            NodeSchedule s = pipeline.schedule(name);
            List<String> upstream = pipeline.graph().upstreamOf(name);
            out.println();
            out.println("  " + name + " (" + mart.materialization().word()
                    + mart.timeColumn().map(t -> " on " + t).orElse("")
                    + mart.relation().map(r -> " -> " + r).orElse("") + ")");
            out.println("    file:      " + mart.file());
            out.println("    schedule:  " + describe(s));
            out.println("    upstream:  " + (upstream.isEmpty() ? "-" : String.join(", ", upstream)));
            Optional<ScheduledInterval> interval = interval(s);
            if (interval.isEmpty()) {
                continue;
            }
            ScheduledInterval si = interval.get();
            out.println("    interval:  " + si.data() + " (schedule date " + si.logicalDate() + ")");
            TemplateInterval ti = new TemplateInterval(si.data().start(), si.data().end(), si.logicalDate());
            for (String statement : builder.plan(mart, ti)) {
                out.println();
                statement.lines().forEach(l -> out.println("    " + l));
            }
        }
    }

    private Optional<ScheduledInterval> interval(NodeSchedule s) {
        if (s.isContinuous()) {
            return Optional.empty();
        }
        if (at != null) {
            return Optional.of(s.at(s.cadence().orElseThrow().atOrBefore(at)));
        }
        if (s.start().isPresent()) {
            return Optional.of(s.at(s.cadence().orElseThrow().atOrAfter(s.start().get())));
        }
        List<ScheduledInterval> due = s.due(Clock.systemUTC().instant(), Optional.empty());
        return due.isEmpty() ? Optional.empty() : Optional.of(due.get(due.size() - 1));
    }

    static String describe(NodeSchedule s) {
        if (s.isContinuous()) {
            return "continuous";
        }
        StringBuilder sb = new StringBuilder(s.cadence().orElseThrow().describe());
        s.start().ifPresent(x -> sb.append(", start ").append(x));
        s.end().ifPresent(x -> sb.append(", end ").append(x));
        if (!s.offset().isZero()) {
            sb.append(", offset ").append(s.offset().isNegative() ? "-" : "+")
                    .append(dev.strata.config.Durations.format(s.offset().abs()));
        }
        if (!s.catchup()) {
            sb.append(", no catch-up");
        }
        if (s.dependsOnPast()) {
            sb.append(", depends on past");
        }
        if (s.waitForDownstream()) {
            sb.append(", waits for downstream");
        }
        if (s.retries() > 0) {
            sb.append(", ").append(s.retries()).append(" retr").append(s.retries() == 1 ? "y" : "ies").append(" after ")
                    .append(dev.strata.config.Durations.format(s.retryDelay()));
        }
        s.timeout().ifPresent(t -> sb.append(", timeout ").append(dev.strata.config.Durations.format(t)));
        return sb.toString();
    }

    private static void printVault(ProjectConfig config, PrintWriter out) {
        VaultPlan plan = new VaultPlan(Warehouses.forConfig(config.warehouse()).sql(), config.vault());
        out.println();
        out.println("vault (schema " + config.vault().schema() + "): tables");
        for (String ddl : plan.ddl()) {
            out.println(ddl + ";");
        }
        out.println();
        out.println("vault: load statements (per source: ? ? = the (after, up to] _seq range read, then its where: values)");
        plan.loadStatements().forEach((target, sql) -> {
            out.println("-- " + target);
            out.println(sql + ";");
        });
    }
}
