package dev.strata.quality;

import dev.strata.warehouse.Warehouse;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs tests on demand ({@code strata test}) against the warehouse as it is: the tests of each node
 * in one read-only transaction (rolled back at the end, so a test can change nothing), then their
 * results are written to {@code strata.test_results} with trigger {@code on_demand}.
 */
public final class TestSession {
    private final Warehouse warehouse;
    private final String pipeline;
    private final Clock clock;

    public TestSession(Warehouse warehouse, String pipeline, Clock clock) {
        this.warehouse = warehouse;
        this.pipeline = pipeline;
        this.clock = clock;
    }

    /** Progress, called after each node's tests. */
    public interface Listener {
        void node(String node, List<TestResult> results);

        Listener NONE = (n, r) -> { };
    }

    /** Runs {@code tests} (grouped by node, in the given order) for {@code scope}; returns every result. */
    public List<TestResult> run(List<DataTest> tests, TestScope scope, Listener listener) throws SQLException {
        List<TestResult> all = new ArrayList<>();
        TestRunner runner = new TestRunner(clock);
        TestResultStore store = new TestResultStore(pipeline);
        List<String> nodes = tests.stream().map(DataTest::node).distinct().toList();
        for (String node : nodes) {
            List<DataTest> ofNode = tests.stream().filter(t -> t.node().equals(node)).toList();
            List<TestResult> results = warehouse.inTransaction(c -> {
                warehouse.settings().deterministic(c);
                List<TestResult> r = runner.run(c, ofNode, scope);
                c.rollback();
                return r;
            });
            TestResultStore.RunRef ref = scope.hasInterval()
                    ? new TestResultStore.RunRef(scope.start(), scope.end(), java.util.Optional.empty())
                    : TestResultStore.RunRef.NONE;
            store.record(warehouse, ref, TestResultStore.Trigger.ON_DEMAND, results);
            listener.node(node, results);
            all.addAll(results);
        }
        return all;
    }
}
