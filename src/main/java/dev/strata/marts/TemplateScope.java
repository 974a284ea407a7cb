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
    /** A {@code ref('name')} call and the template offset of its {@code ref}. */
    record RefCall(String name, int offset) {
    }

    /** A problem found while rendering, at a template offset. */
    record Problem(int offset, String message) {
    }

    private final Function<String, Optional<String>> relations;
    private final Function<String, Optional<String>> refusal;
    private final Map<String, String> vars;
    final List<RefCall> refs = new ArrayList<>();
    final List<Problem> problems = new ArrayList<>();
    final Map<String, Object> header = new LinkedHashMap<>();
    int headerOffset;
    /** The template being rendered, set by {@link SqlTemplates#render}: turns Jinjava's line numbers into offsets. */
    TemplateSource source;

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

    /** The offset of the call {@code function('name')} nearest Jinjava's {@code line}, or that line's start. */
    int offsetOf(String function, String name, int line) {
        if (source == null) {
            return 0;
        }
        return source.findCall(function, name, line).orElseGet(() -> source.offset(line, 1));
    }

    /** The offset of Jinjava's {@code line}: its first tag, or its start. */
    int offsetOfLine(int line) {
        if (source == null) {
            return 0;
        }
        return source.firstTagOnLine(line).map(TemplateSource.Tag::start).orElseGet(() -> source.offset(line, 1));
    }

    String ref(String name, int line) {
        int at = offsetOf("ref", name, line);
        refs.add(new RefCall(name, at));
        Optional<String> refused = refusal.apply(name);
        if (refused.isPresent()) {
            problems.add(new Problem(at, refused.get()));
            return name;
        }
        return relations.apply(name).orElseGet(() -> {
            problems.add(new Problem(at, "ref('" + name + "'): no source, vault target or mart named '" + name + "'"));
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
        problems.add(new Problem(offsetOf("var", name, line), "var('" + name + "'): not defined under 'vars:' in strata.yaml"
                + " (or give a default: var('" + name + "', 'value'))"));
        return "";
    }
}
