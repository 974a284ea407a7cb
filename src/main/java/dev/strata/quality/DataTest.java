package dev.strata.quality;

import dev.strata.config.DataTestConfig.Kind;
import dev.strata.config.DataTestConfig.Severity;
import dev.strata.config.Position;

/**
 * A test ready to run: what it checks ({@code node}), its query for a given {@link TestScope}, and
 * what a failure does ({@code severity}). Immutable.
 *
 * @param description one line for listings ({@code strata plan}, {@code strata test})
 */
public record DataTest(String node, String name, Kind kind, Severity severity, Position position, String description,
                       Query query) {
    /** The offending-rows query of a test for one scope. */
    @FunctionalInterface
    public interface Query {
        BoundSql sql(TestScope scope);
    }

    /** {@code node.name}, how the test is named in output and in {@code --select}. */
    public String id() {
        return node + "." + name;
    }
}
