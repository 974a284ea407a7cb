package dev.strata.config;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every data test of a project: those declared under {@code tests:} (and a mart's {@code checks:})
 * per node, in declaration order, and the files {@code tests/*.sql}. Read by
 * {@link TestsConfigReader}; {@code dev.strata.quality} turns them into SQL.
 *
 * @param byNode node → its declared tests
 * @param files  the singular tests of {@code tests/}, not yet attached to a node
 */
public record TestsSection(Map<String, List<DataTestConfig>> byNode, List<DataTestConfig> files) {
    public static final String TESTS_DIR = "tests";

    public TestsSection {
        Map<String, List<DataTestConfig>> copy = new LinkedHashMap<>();
        byNode.forEach((k, v) -> copy.put(k, List.copyOf(v)));
        byNode = Collections.unmodifiableMap(copy);
        files = List.copyOf(files);
    }

    public static TestsSection none() {
        return new TestsSection(Map.of(), List.of());
    }

    public List<DataTestConfig> of(String node) {
        return byNode.getOrDefault(node, List.of());
    }

    /** Every declared test and every file, in order. */
    public List<DataTestConfig> all() {
        List<DataTestConfig> out = new ArrayList<>();
        byNode.values().forEach(out::addAll);
        out.addAll(files);
        return out;
    }
}
