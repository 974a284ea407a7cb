package dev.strata.schedule;

import dev.strata.config.DataTestConfig.Kind;
import dev.strata.marts.TemplateInterval;
import dev.strata.quality.DataTest;
import dev.strata.quality.DataTestFailure;
import dev.strata.quality.TestResult;
import dev.strata.quality.TestResultStore;
import dev.strata.quality.TestRunner;
import dev.strata.quality.TestScope;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A task followed by its node's data tests, in the task's transaction, for the task's interval.
 * When an {@code error} test fails, {@link DataTestFailure} is thrown: the transaction rolls back
 * (a mart keeps the rows it had before; a vault load, which commits on its own, cannot be undone)
 * and {@link TaskRunner} records the results after the rollback. Otherwise the results are written
 * in the task's transaction and commit with its success; {@code warn} failures are logged.
 */
final class TestedAction {
    /** The interval {@code sql} tests are rendered for when a test runs outside any interval: all of time. */
    static final TemplateInterval ALL_TIME = new TemplateInterval(Instant.parse("1900-01-01T00:00:00Z"),
            Instant.parse("9999-01-01T00:00:00Z"), Instant.parse("9999-01-01T00:00:00Z"));
    private static final Logger LOG = LoggerFactory.getLogger(TestedAction.class);

    private TestedAction() {
    }

    static TaskAction of(String pipeline, List<DataTest> tests, TaskAction task) {
        if (tests.isEmpty()) {
            return task;
        }
        TestRunner runner = new TestRunner(Clock.systemUTC());
        TestResultStore store = new TestResultStore(pipeline);
        boolean hashes = tests.stream().anyMatch(t -> t.kind() == Kind.VAULT_INTEGRITY);
        return ctx -> {
            long rows = task.run(ctx);
            if (hashes) {
                // recomputed hash keys must see values as the loads did (time zone, float digits)
                ctx.warehouse().settings().deterministic(ctx.connection());
            }
            ScheduledInterval si = ctx.interval();
            TestScope scope = TestScope.interval(si.data().start(), si.data().end(), si.logicalDate(), Instant.now());
            List<TestResult> results = runner.run(ctx.connection(), tests, scope);
            if (results.stream().anyMatch(TestResult::blocks)) {
                throw new DataTestFailure(results);
            }
            store.record(ctx.connection(), TestResultStore.RunRef.task(si.data().start(), si.data().end(), ctx.attempt()),
                    TestResultStore.Trigger.TASK, results);
            results.stream().filter(r -> !r.passed()).forEach(r -> LOG.warn("{} {}: {}", ctx.node(), si.data(), r.describe()));
            return rows;
        };
    }
}
