package dev.strata.quality;

import dev.strata.ErrorCode;
import dev.strata.StrataException;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Thrown by a task whose {@code error} tests failed after it built its output: the task's
 * transaction rolls back, and the scheduler records {@link #results()} (every test of the run,
 * passing ones too) after the rollback, so the run log and {@code strata.test_results} say which
 * test failed, how many rows offended and which.
 */
public final class DataTestFailure extends StrataException {
    private final transient List<TestResult> results;

    public DataTestFailure(List<TestResult> results) {
        super(ErrorCode.TASK_FAILED, results.stream().filter(TestResult::blocks).map(TestResult::describe)
                .collect(Collectors.joining("\n")));
        this.results = List.copyOf(results);
    }

    public List<TestResult> results() {
        return results;
    }
}
