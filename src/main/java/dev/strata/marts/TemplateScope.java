package dev.strata.marts;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * What one rendering of one template may see and what it found: how names resolve for
 * {@code ref()}, the project's {@code vars}, and — filled while rendering — the refs called, the
 * {@code config()} header, and problems with their line. Not thread-safe: one per rendering.
 */
final class TemplateScope {
    /** A {@code ref('name')} call and the template line it is on. */
    record RefCall(String name, int line) {
    }

    /** A problem found while rendering, at a template line. */
    record LineProblem(int line, String message) {
    }

    private final Function<String, Optional<String>> relations;
    private final Function<String, Optional<String>> refusal;
    private final Map<String, String> vars;
    final List<RefCall> refs = new ArrayList<>();
    final List<LineProblem> problems = new ArrayList<>();
    final Map<String, Object> header = new LinkedHashMap<>();
    int headerLine;

    /**
     * @param relations name → qualified, quoted relation, for {@code ref()}
     * @param refusal   name → why it cannot be ref'd (an SQL task has no table), checked first
     */
    TemplateScope(Function<String, Optional<String>> relations, Function<String, Optional<String>> refusal,
                  Map<String, String> vars) {
        this.relations = relations;
        this.refusal = refusal;
        this.vars = vars;
    }

    String ref(String name, int line) {
        refs.add(new RefCall(name, line));
        Optional<String> refused = refusal.apply(name);
        if (refused.isPresent()) {
            problems.add(new LineProblem(line, refused.get()));
            return name;
        }
        return relations.apply(name).orElseGet(() -> {
            problems.add(new LineProblem(line, "ref('" + name + "'): no source, vault target or mart named '" + name + "'"));
            return name;
        });
    }

    String var(String name, Optional<String> defaultValue, int line) {
        String v = vars.get(name);
        if (v != null) {
            return v;
        }
        if (defaultValue.isPresent()) {
            return defaultValue.get();
        }
        problems.add(new LineProblem(line, "var('" + name + "'): not defined under 'vars:' in strata.yaml"
                + " (or give a default: var('" + name + "', 'value'))"));
        return "";
    }
}
