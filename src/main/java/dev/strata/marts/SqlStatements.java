package dev.strata.marts;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits rendered SQL into statements at top-level {@code ;}, with each statement's offsets, so
 * that a script's statements can be checked one by one and an error placed in the right one.
 * Knows the lexical forms of the warehouses Strata supports that may hide a {@code ;}: quoted
 * strings ({@code 'it''s'}, {@code E'a\'b'}), quoted identifiers ({@code "x"}, {@code `x`}),
 * dollar-quoted bodies ({@code $$ ... $$}, {@code $tag$ ... $tag$}), and comments
 * ({@code --}, {@code /* *\/}, nested).
 */
public final class SqlStatements {
    /** One statement: {@code sql.substring(start, end)}, without its {@code ;}, leading and trailing blanks. */
    public record Statement(int start, int end, String text) {
    }

    private SqlStatements() {
    }

    public static List<Statement> split(String sql) {
        List<Statement> out = new ArrayList<>();
        int begin = 0;
        int i = 0;
        int n = sql.length();
        while (i < n) {
            char c = sql.charAt(i);
            if (c == '\'' ) {
                boolean backslashes = i > 0 && (sql.charAt(i - 1) == 'E' || sql.charAt(i - 1) == 'e')
                        && (i < 2 || !Character.isLetterOrDigit(sql.charAt(i - 2)));
                i = endOfQuoted(sql, i, '\'', backslashes);
            } else if (c == '"' || c == '`') {
                i = endOfQuoted(sql, i, c, false);
            } else if (c == '-' && i + 1 < n && sql.charAt(i + 1) == '-') {
                int eol = sql.indexOf('\n', i);
                i = eol < 0 ? n : eol + 1;
            } else if (c == '/' && i + 1 < n && sql.charAt(i + 1) == '*') {
                i = endOfBlockComment(sql, i);
            } else if (c == '$' && (i == 0 || !Character.isLetterOrDigit(sql.charAt(i - 1)))) {
                i = endOfDollarQuoted(sql, i);
            } else if (c == ';') {
                add(out, sql, begin, i);
                begin = ++i;
            } else {
                i++;
            }
        }
        add(out, sql, begin, n);
        return out;
    }

    /** True when {@code text} holds nothing but blanks and comments. */
    public static boolean isBlank(String text) {
        return firstToken(text) < 0;
    }

    /** The offset of the first character that is neither blank nor inside a comment; -1 if none. */
    public static int firstToken(String text) {
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
            } else if (c == '-' && i + 1 < text.length() && text.charAt(i + 1) == '-') {
                int eol = text.indexOf('\n', i);
                i = eol < 0 ? text.length() : eol + 1;
            } else if (c == '/' && i + 1 < text.length() && text.charAt(i + 1) == '*') {
                i = endOfBlockComment(text, i);
            } else {
                return i;
            }
        }
        return -1;
    }

    private static void add(List<Statement> out, String sql, int from, int to) {
        String part = sql.substring(from, to);
        if (isBlank(part)) {
            return;
        }
        int lead = 0;
        while (lead < part.length() && Character.isWhitespace(part.charAt(lead))) {
            lead++;
        }
        int trail = part.length();
        while (trail > lead && Character.isWhitespace(part.charAt(trail - 1))) {
            trail--;
        }
        out.add(new Statement(from + lead, from + trail, part.substring(lead, trail)));
    }

    private static int endOfQuoted(String sql, int open, char quote, boolean backslashes) {
        int i = open + 1;
        while (i < sql.length()) {
            char c = sql.charAt(i);
            if (backslashes && c == '\\') {
                i += 2;
            } else if (c == quote) {
                if (i + 1 < sql.length() && sql.charAt(i + 1) == quote) {
                    i += 2;
                } else {
                    return i + 1;
                }
            } else {
                i++;
            }
        }
        return sql.length();
    }

    private static int endOfBlockComment(String sql, int open) {
        int depth = 0;
        int i = open;
        while (i < sql.length() - 1) {
            if (sql.charAt(i) == '/' && sql.charAt(i + 1) == '*') {
                depth++;
                i += 2;
            } else if (sql.charAt(i) == '*' && sql.charAt(i + 1) == '/') {
                depth--;
                i += 2;
                if (depth == 0) {
                    return i;
                }
            } else {
                i++;
            }
        }
        return sql.length();
    }

    /** {@code $tag$ ... $tag$} (tag may be empty); a {@code $} that opens no such quote ({@code $1}) is one character. */
    private static int endOfDollarQuoted(String sql, int open) {
        int j = open + 1;
        while (j < sql.length() && (Character.isLetterOrDigit(sql.charAt(j)) || sql.charAt(j) == '_')) {
            j++;
        }
        if (j >= sql.length() || sql.charAt(j) != '$' || (j > open + 1 && Character.isDigit(sql.charAt(open + 1)))) {
            return open + 1;
        }
        String tag = sql.substring(open, j + 1);
        int close = sql.indexOf(tag, j + 1);
        return close < 0 ? sql.length() : close + tag.length();
    }
}
