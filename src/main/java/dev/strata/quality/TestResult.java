package dev.strata.quality;

import dev.strata.config.DataTestConfig.Severity;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The outcome of one test run: {@code pass}, {@code fail} with the number of offending rows and up
 * to {@value TestRunner#SAMPLES} of them (column → text), or {@code error} when its query could not
 * run (the message says why). A failing or erroring {@code error}-severity test blocks its task.
 */
public record TestResult(DataTest test, Status status, long failures, List<Map<String, String>> samples, String message,
                         Instant startedAt, Duration duration) {
    public TestResult {
        samples = List.copyOf(samples);
    }

    /** How a test run ended. */
    public enum Status {
        PASS, FAIL, ERROR;

        public String word() {
            return name().toLowerCase();
        }
    }

    public boolean passed() {
        return status == Status.PASS;
    }

    /** True when this result fails its task: an {@code error} test that did not pass. */
    public boolean blocks() {
        return !passed() && test.severity() == Severity.ERROR;
    }

    /** One line: {@code global_metrics.usd_rate (error): fail, 2 offending rows, e.g. {currency=430}; ...}. */
    public String describe() {
        StringBuilder sb = new StringBuilder("test '" + test.name() + "' of " + test.node() + " (" + test.severity().word() + ")");
        switch (status) {
            case PASS -> sb.append(" passed");
            case ERROR -> sb.append(" could not run: ").append(message);
            case FAIL -> {
                sb.append(" failed: ").append(failures).append(failures == 1 ? " offending row" : " offending rows");
                if (!samples.isEmpty()) {
                    sb.append(", e.g. ");
                    for (int i = 0; i < samples.size(); i++) {
                        sb.append(i > 0 ? "; " : "").append(samples.get(i));
                    }
                }
            }
        }
        return sb.toString();
    }
}
