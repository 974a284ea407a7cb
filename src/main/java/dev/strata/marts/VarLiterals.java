package dev.strata.marts;

import dev.strata.config.ProjectVar;
import dev.strata.warehouse.SqlDialect;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * How {@code var()} renders a project variable: as an SQL literal of its type, so that no value —
 * typed in {@code strata.yaml} or coming from an environment variable — can change the shape of
 * the statement ({@code 10; drop table x} becomes the string {@code '10; drop table x'}, which the
 * warehouse rejects where a number belongs). Strings go through {@link SqlDialect#literal}; numbers
 * are validated and a negative one is parenthesized (so {@code x -{{ var('n') }}} never becomes a
 * {@code --} comment); dates are {@code DATE '2022-10-01'}; lists are {@code (a, b, c)}, for
 * {@code x IN {{ var('codes') }}}.
 */
final class VarLiterals {
    private static final Pattern NUMBER = Pattern.compile("[+-]?(\\d+(\\.\\d*)?|\\.\\d+)([eE][+-]?\\d+)?");

    private VarLiterals() {
    }

    static String sql(ProjectVar v, SqlDialect dialect) {
        return switch (v.type()) {
            case NUMBER -> number(v.text());
            case STRING -> dialect.literal(v.text());
            case BOOLEAN -> v.text().toUpperCase(Locale.ROOT);
            case DATE -> "DATE " + dialect.literal(v.text());
            case LIST -> v.items().stream().map(i -> sql(i, dialect)).collect(Collectors.joining(", ", "(", ")"));
            case SQL -> throw new IllegalArgumentException("an SQL fragment renders only through var_sql()");
        };
    }

    /** A default given in the template, {@code var('n', 5)}: typed by what Jinja made of it; empty if it is not a literal. */
    static Optional<String> ofDefault(Object value, SqlDialect dialect) {
        if (value instanceof Boolean b) {
            return Optional.of(b ? "TRUE" : "FALSE");
        }
        if (value instanceof Number n) {
            String text = n instanceof Double || n instanceof Float ? java.math.BigDecimal.valueOf(n.doubleValue()).toPlainString()
                    : n.toString();
            return NUMBER.matcher(text).matches() ? Optional.of(number(text)) : Optional.empty();
        }
        if (value instanceof String s) {
            return Optional.of(dialect.literal(s));
        }
        if (value instanceof List<?> list && !list.isEmpty()) {
            StringBuilder sb = new StringBuilder("(");
            for (Object o : list) {
                Optional<String> one = ofDefault(o, dialect).filter(x -> !(o instanceof List<?>));
                if (one.isEmpty()) {
                    return Optional.empty();
                }
                sb.append(sb.length() > 1 ? ", " : "").append(one.get());
            }
            return Optional.of(sb.append(')').toString());
        }
        return Optional.empty();
    }

    private static String number(String text) {
        String t = text.strip();
        if (!NUMBER.matcher(t).matches()) {
            throw new IllegalArgumentException("not a number: " + t); // the reader validated it
        }
        if (t.startsWith("+")) {
            t = t.substring(1);
        }
        return t.startsWith("-") ? "(" + t + ")" : t;
    }
}
