package dev.strata.marts;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import dev.strata.config.ProjectVar;
import dev.strata.warehouse.SqlDialect;

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
    private final Map<String, ProjectVar> vars;
    private final SqlDialect dialect;
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
                  Map<String, ProjectVar> vars, SqlDialect dialect) {
        this.relations = relations;
        this.refusal = refusal;
        this.vars = vars;
        this.dialect = dialect;
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

    /** {@code var('name'[, default])}: the variable as an SQL literal of its type ({@link VarLiterals}). */
    String var(String name, Optional<Object> defaultValue, int line) {
        ProjectVar v = vars.get(name);
        if (v != null) {
            if (v.type() == ProjectVar.Type.SQL) {
                problems.add(new Problem(offsetOf("var", name, line), "var('" + name + "'): '" + name + "' is declared "
                        + "type: sql, a raw SQL fragment; paste it with var_sql('" + name + "') so that the template says so"));
                return "";
            }
            return VarLiterals.sql(v, dialect);
        }
        if (defaultValue.isPresent()) {
            Optional<String> literal = VarLiterals.ofDefault(defaultValue.get(), dialect);
            if (literal.isEmpty()) {
                problems.add(new Problem(offsetOf("var", name, line), "var('" + name + "', ...): the default must be a "
                        + "number, a text, true/false or a list of them"));
                return "";
            }
            return literal.get();
        }
        problems.add(new Problem(offsetOf("var", name, line), "var('" + name + "'): not defined under 'vars:' in strata.yaml"
                + " (or give a default: var('" + name + "', 'value'))"));
        return "";
    }

    /**
     * {@code var_sql('name')}: a variable declared {@code type: sql}, pasted into the statement as it
     * is — the one, visibly named, way a variable may add SQL.
     */
    String varSql(String name, int line) {
        ProjectVar v = vars.get(name);
        int at = offsetOf("var_sql", name, line);
        if (v == null) {
            problems.add(new Problem(at, "var_sql('" + name + "'): not defined under 'vars:' in strata.yaml"));
            return "";
        }
        if (v.type() != ProjectVar.Type.SQL) {
            problems.add(new Problem(at, "var_sql('" + name + "'): '" + name + "' is a " + v.type().word()
                    + ", not an SQL fragment; use var('" + name + "'), or declare it { type: sql, value: ... }"));
            return "";
        }
        return v.text();
    }

    /** The names of the project's variables, for suggestions. */
    java.util.Set<String> varNames() {
        return vars.keySet();
    }
}
