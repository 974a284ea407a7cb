package dev.strata.config;

import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Reads {@code vars:}. A value's type is inferred from how it is written, or declared:
 *
 * <pre>{@code
 * vars:
 *   tag_threshold: 10                      # number (unquoted digits)
 *   usd_code: 420
 *   status: CLOSED                         # string: any other text, or anything quoted ("10")
 *   since: 2022-10-01                      # date (an unquoted ISO date)
 *   closed: true                           # boolean
 *   codes: [420, 978]                      # list of numbers (or of strings, dates)
 *   cutoff: { type: date, value: "${CUTOFF:-2022-10-01}" }
 *   extra_filter: { type: sql, value: "and amount > 0" }   # raw SQL: only var_sql('extra_filter')
 * }</pre>
 *
 * A declared {@code number} or {@code date} must be one; a list must not be empty (an SQL
 * {@code IN ()} is invalid) and holds scalars of one type.
 */
final class VarsConfigReader {
    private static final Pattern NUMBER = Pattern.compile("[+-]?(\\d+(\\.\\d*)?|\\.\\d+)([eE][+-]?\\d+)?");
    private static final Pattern DATE = Pattern.compile("\\d{4}-\\d{2}-\\d{2}");

    private VarsConfigReader() {
    }

    static Map<String, ProjectVar> read(ConfigReader root) {
        Map<String, ProjectVar> vars = new LinkedHashMap<>();
        root.namedEntries("vars").forEach((name, value) -> readOne(name, value).ifPresent(v -> vars.put(name, v)));
        return vars;
    }

    private static Optional<ProjectVar> readOne(String name, ConfigValue value) {
        if (value.isMapping()) {
            ConfigReader m = value.asMapping().orElseThrow();
            Optional<ProjectVar.Type> type = m.required("type").flatMap(v -> v.asOneOf(ProjectVar.Type.WORDS))
                    .map(w -> ProjectVar.Type.valueOf(w.toUpperCase(java.util.Locale.ROOT)));
            Optional<ConfigValue> v = m.required("value");
            m.finish();
            if (type.isEmpty() || v.isEmpty()) {
                return Optional.empty();
            }
            return declared(name, type.get(), v.get());
        }
        if (value.isSequence()) {
            return list(name, value, Optional.empty());
        }
        if (value.isNull()) {
            value.problem("give the variable a value (a number, a text, a date, a list)");
            return Optional.empty();
        }
        return value.asString().map(text -> new ProjectVar(name, value.isPlainScalar() ? infer(text) : ProjectVar.Type.STRING,
                text, List.of(), value.position()));
    }

    private static ProjectVar.Type infer(String text) {
        String t = text.strip();
        if (NUMBER.matcher(t).matches()) {
            return ProjectVar.Type.NUMBER;
        }
        if (t.equals("true") || t.equals("false")) {
            return ProjectVar.Type.BOOLEAN;
        }
        if (DATE.matcher(t).matches() && isDate(t)) {
            return ProjectVar.Type.DATE;
        }
        return ProjectVar.Type.STRING;
    }

    private static Optional<ProjectVar> declared(String name, ProjectVar.Type type, ConfigValue v) {
        if (type == ProjectVar.Type.LIST) {
            if (!v.isSequence()) {
                v.problem("a list variable's value is a list: [a, b]");
                return Optional.empty();
            }
            return list(name, v, Optional.empty());
        }
        if (v.isSequence()) {
            return list(name, v, Optional.of(type));
        }
        return v.asString().flatMap(text -> scalar(name, type, text, v));
    }

    private static Optional<ProjectVar> scalar(String name, ProjectVar.Type type, String text, ConfigValue at) {
        String t = text.strip();
        switch (type) {
            case NUMBER -> {
                if (!NUMBER.matcher(t).matches()) {
                    at.problem("'" + text + "' is not a number (digits, an optional sign, decimal point and exponent)");
                    return Optional.empty();
                }
                return Optional.of(new ProjectVar(name, type, t, List.of(), at.position()));
            }
            case DATE -> {
                if (!DATE.matcher(t).matches() || !isDate(t)) {
                    at.problem("'" + text + "' is not a date (YYYY-MM-DD)");
                    return Optional.empty();
                }
                return Optional.of(new ProjectVar(name, type, t, List.of(), at.position()));
            }
            case BOOLEAN -> {
                if (!t.equals("true") && !t.equals("false")) {
                    at.problem("'" + text + "' is not true or false");
                    return Optional.empty();
                }
                return Optional.of(new ProjectVar(name, type, t, List.of(), at.position()));
            }
            default -> {
                return Optional.of(new ProjectVar(name, type, text, List.of(), at.position()));
            }
        }
    }

    /** A list; {@code elementType} declared, or inferred from the first element (all must agree). */
    private static Optional<ProjectVar> list(String name, ConfigValue v, Optional<ProjectVar.Type> elementType) {
        List<ConfigValue> items = v.asList().orElse(List.of());
        if (items.isEmpty()) {
            v.problem("an empty list cannot be used in SQL (IN () is invalid); give at least one value");
            return Optional.empty();
        }
        List<ProjectVar> out = new ArrayList<>();
        ProjectVar.Type type = elementType.orElse(null);
        for (ConfigValue item : items) {
            if (!item.isScalar()) {
                item.problem("a list variable holds numbers, texts, dates or booleans");
                return Optional.empty();
            }
            Optional<String> text = item.asString();
            if (text.isEmpty()) {
                return Optional.empty();
            }
            ProjectVar.Type t = item.isPlainScalar() ? infer(text.get()) : ProjectVar.Type.STRING;
            if (type == null) {
                type = t;
            } else if (elementType.isEmpty() && t != type) {
                item.problem("the list's values are of type " + type.word() + "; this one is a " + t.word()
                        + " (quote numbers to make them strings, or declare { type: ..., value: [...] })");
                return Optional.empty();
            }
            if (type == ProjectVar.Type.SQL || type == ProjectVar.Type.LIST) {
                item.problem("a list holds numbers, strings, dates or booleans");
                return Optional.empty();
            }
            Optional<ProjectVar> one = scalar(name, type, text.get(), item);
            if (one.isEmpty()) {
                return Optional.empty();
            }
            out.add(one.get());
        }
        return Optional.of(new ProjectVar(name, ProjectVar.Type.LIST, "", out, v.position()));
    }

    private static boolean isDate(String t) {
        try {
            LocalDate.parse(t);
            return true;
        } catch (DateTimeParseException e) {
            return false;
        }
    }
}
