package dev.strata.config;

import java.util.List;
import java.util.Locale;

/**
 * One project variable of {@code vars:}, typed so that a mart renders it as an SQL literal that can
 * never change the statement's shape: a number is validated as a number, a text becomes a quoted
 * string literal, a list a parenthesized list of literals. Only a variable declared
 * {@code type: sql} is pasted as it is, and only through {@code var_sql('name')}.
 *
 * @param text  the value's text: a number as written, the string, {@code true}/{@code false}, an
 *              ISO date, or the SQL fragment; empty for a list
 * @param items a list's elements (each NUMBER, STRING, BOOLEAN or DATE); empty otherwise
 */
public record ProjectVar(String name, Type type, String text, List<ProjectVar> items, Position position) {
    /** The kinds of value. */
    public enum Type {
        NUMBER, STRING, BOOLEAN, DATE, LIST, SQL;

        public static final String[] WORDS = {"number", "string", "boolean", "date", "list", "sql"};

        public String word() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public ProjectVar {
        items = List.copyOf(items);
    }
}
