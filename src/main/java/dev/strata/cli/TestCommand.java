package dev.strata.cli;

import dev.strata.ErrorCode;
import dev.strata.StrataException;
import dev.strata.config.ProjectConfig;
import dev.strata.quality.DataTest;
import dev.strata.quality.TestResult;
import dev.strata.quality.TestScope;
import dev.strata.quality.TestSession;
import dev.strata.schedule.NodeSchedule;
import dev.strata.schedule.Pipeline;
import dev.strata.schedule.ScheduledInterval;
import dev.strata.warehouse.Warehouses;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code strata test [dir] [--select ...] [--at DATE]}: runs the project's data tests now, against
 * the warehouse as it is, and prints each result. Exit code 1 when an {@code error} test failed
 * (or could not run), 0 otherwise (failing {@code warn} tests included), 2 for a bad selection or
 * configuration. Results are recorded in {@code strata.test_results} like scheduled ones.
 */
@Command(name = "test", description = "Run the project's data tests against the warehouse; exit 1 if an error test fails.")
final class TestCommand implements Callable<Integer> {
    @Mixin
    ProjectDir project;
    @Mixin
    DataDirOption dataDir;
    @Option(names = "--select", description = "Only the tests of these nodes (name, name+, +name; comma-separated), "
            + "or single tests as node.test.")
    String select;
    @Option(names = "--at", converter = DateOption.class, description = "Test the interval of this schedule date, "
            + "e.g. 2022-10-02: tests of incremental marts check only that interval's rows, and sql tests see it as "
            + "{{ interval_start }} / {{ interval_end }} (default: everything).")
    Instant at;
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        ProjectConfig config = project.load();
        Pipeline pipeline = Pipeline.load(config, Warehouses.forConfig(config.warehouse()));
        List<DataTest> tests = selected(pipeline);
        PrintWriter out = spec.commandLine().getOut();
        if (tests.isEmpty()) {
            out.println("no data tests" + (select == null ? " in project " + config.name() : " selected by '" + select + "'"));
            return 0;
        }
        Clock clock = Clock.systemUTC();
        List<TestResult> results = new ArrayList<>();
        try (ProjectWarehouse pw = ProjectWarehouse.open(config, dataDir.get(), 1)) {
            out.println("project " + config.name() + " (" + pw.warehouse().url() + "): " + tests.size() + " test"
                    + (tests.size() == 1 ? "" : "s"));
            TestSession session = new TestSession(pw.warehouse(), config.name(), clock);
            int width = tests.stream().mapToInt(t -> t.id().length()).max().orElse(10);
            for (String node : tests.stream().map(DataTest::node).distinct().toList()) {
                List<DataTest> ofNode = tests.stream().filter(t -> t.node().equals(node)).toList();
                results.addAll(session.run(ofNode, scope(pipeline, node, clock), (n, rs) -> {
                    for (TestResult r : rs) {
                        out.println(line(r, width));
                    }
                    out.flush();
                }));
            }
        }
        long errors = results.stream().filter(TestResult::blocks).count();
        long warnings = results.stream().filter(r -> !r.passed() && !r.blocks()).count();
        out.println();
        out.printf("%d passed, %d failed (error), %d failed (warn)%n", results.size() - errors - warnings, errors, warnings);
        return errors > 0 ? ErrorCode.TASK_FAILED.exitCode() : 0;
    }

    private List<DataTest> selected(Pipeline pipeline) {
        List<DataTest> all = pipeline.tests().all();
        if (select == null) {
            return all;
        }
        Set<String> nodes = new LinkedHashSet<>();
        Set<String> ids = new LinkedHashSet<>();
        for (String part : select.split(",")) {
            String p = part.trim();
            if (p.contains(".")) {
                if (all.stream().noneMatch(t -> t.id().equals(p))) {
                    throw new StrataException(ErrorCode.USAGE, "--select: no test '" + p + "'"
                            + dev.strata.config.Suggestions.didYouMean(p, all.stream().map(DataTest::id).toList()));
                }
                ids.add(p);
            } else if (!p.isEmpty()) {
                nodes.addAll(pipeline.graph().select(p));
            }
        }
        return all.stream().filter(t -> nodes.contains(t.node()) || ids.contains(t.id())).toList();
    }

    /** With --at, a scheduled node's interval of that date; everything otherwise. */
    private TestScope scope(Pipeline pipeline, String node, Clock clock) {
        NodeSchedule s = pipeline.schedule(node);
        if (at == null || s.isContinuous()) {
            return TestScope.everything(clock.instant());
        }
        ScheduledInterval si = s.at(s.cadence().orElseThrow().atOrBefore(at));
        return TestScope.interval(si.data().start(), si.data().end(), si.logicalDate(), clock.instant());
    }

    static String line(TestResult r, int width) {
        String status = switch (r.status()) {
            case PASS -> "pass";
            case FAIL -> r.blocks() ? "FAIL" : "warn";
            case ERROR -> r.blocks() ? "ERROR" : "warn";
        };
        String what = switch (r.status()) {
            case PASS -> "";
            case ERROR -> "could not run: " + firstLine(r.message());
            case FAIL -> r.failures() + (r.failures() == 1 ? " offending row" : " offending rows")
                    + (r.samples().isEmpty() ? "" : ", e.g. " + r.samples().get(0));
        };
        return String.format("  %-5s  %-" + width + "s  %-5s  %6d ms  %s", status, r.test().id(), r.test().severity().word(),
                r.duration().toMillis(), what).stripTrailing();
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
