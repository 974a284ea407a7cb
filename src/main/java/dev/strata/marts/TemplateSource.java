package dev.strata.marts;

import dev.strata.config.Position;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A template's text as the user wrote it, scanned for its Jinja tags ({@code {{ }}}, {@code {% %}},
 * {@code {# #}}) with their offsets, so that anything found later — a Jinja error, a {@code ref()}
 * problem, an SQL error at an offset of the rendered SQL — can be reported at the line and column
 * of this file, with the line shown. The scan also finds what Jinjava reports badly or not at all:
 * a tag that is not closed (Jinjava renders {@code {{ x }} as text with only a warning, or
 * reports the error lines later). Immutable.
 */
final class TemplateSource {
    /** The kinds of tag. */
    enum Kind { EXPRESSION, BLOCK, COMMENT }

    /** One tag: {@code [start, end)} covers its delimiters; {@code content} is what is between them. */
    record Tag(Kind kind, int start, int end, String content) {
        boolean trimsBefore() {
            return content.startsWith("-");
        }

        boolean trimsAfter() {
            return content.endsWith("-");
        }
    }

    /** A problem of the template's structure, at an offset. */
    record Problem(int offset, String message) {
    }

    private static final Pattern RAW_START = Pattern.compile("\\{%-?\\s*raw\\s*-?%}");
    private static final Pattern RAW_END = Pattern.compile("\\{%-?\\s*endraw\\s*-?%}");
    private final String file;
    private final Position origin;
    private final String text;
    private final int[] lineStarts;
    private final List<Tag> tags = new ArrayList<>();
    private final List<Problem> problems = new ArrayList<>();

    TemplateSource(String file, String text) {
        this(file, text, null);
    }

    /**
     * A template written inline in {@code strata.yaml} (a check's SQL): positions are reported at
     * {@code origin}, the key's place, and the excerpt names the line of the SQL.
     */
    static TemplateSource inline(Position origin, String text) {
        return new TemplateSource(origin.file(), text, origin);
    }

    private TemplateSource(String file, String text, Position origin) {
        this.file = file;
        this.origin = origin;
        this.text = text;
        List<Integer> starts = new ArrayList<>();
        starts.add(0);
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) == '\n') {
                starts.add(i + 1);
            }
        }
        lineStarts = starts.stream().mapToInt(Integer::intValue).toArray();
        scan();
    }

    String file() {
        return file;
    }

    String text() {
        return text;
    }

    List<Tag> tags() {
        return tags;
    }

    List<Problem> problems() {
        return problems;
    }

    /** The position of a character offset (clamped to the text), 1-based line and column. */
    Position position(int offset) {
        return origin != null ? origin : local(offset);
    }

    /** The line and column in the template's own text (for an inline template, of its SQL). */
    private Position local(int offset) {
        int o = Math.max(0, Math.min(offset, text.length()));
        int line = lineIndex(o);
        return new Position(file, line + 1, o - lineStarts[line] + 1);
    }

    /** The offset of a 1-based line and column (clamped). */
    int offset(int line, int column) {
        int l = Math.max(1, Math.min(line, lineStarts.length)) - 1;
        return Math.min(text.length(), lineStarts[l] + Math.max(0, column - 1));
    }

    /**
     * The line holding {@code offset}, and a caret under its column, indented for a message:
     * <pre>
     *     17 |     where transaction_dt >= {{ interval_start } and ...
     *        |                             ^
     * </pre>
     */
    String excerpt(int offset) {
        Position p = local(offset);
        int start = lineStarts[p.line() - 1];
        int end = text.indexOf('\n', start);
        String line = text.substring(start, end < 0 ? text.length() : end).replace("\r", "");
        String number = String.valueOf(p.line());
        StringBuilder caret = new StringBuilder();
        for (int i = 0; i < p.column() - 1 && i < line.length(); i++) {
            caret.append(line.charAt(i) == '\t' ? '\t' : ' ');
        }
        String where = origin == null ? "" : "    (line " + p.line() + ", column " + p.column() + " of the SQL)\n";
        return where + "    " + number + " | " + line + "\n    " + " ".repeat(number.length()) + " | " + caret + "^";
    }

    /**
     * The offset of the call {@code function('name'...)} inside an expression or block tag whose
     * line is nearest to {@code nearLine} (Jinjava's line numbers can be off when blocks are
     * trimmed); empty if the file has no such call.
     */
    Optional<Integer> findCall(String function, String name, int nearLine) {
        Pattern call = Pattern.compile("(?<![A-Za-z0-9_.])" + Pattern.quote(function) + "\\s*\\(\\s*(['\"])"
                + Pattern.quote(name) + "\\1");
        Integer best = null;
        for (Tag t : tags) {
            if (t.kind() == Kind.COMMENT) {
                continue;
            }
            Matcher m = call.matcher(text).region(t.start(), t.end());
            while (m.find()) {
                if (best == null || Math.abs(local(m.start()).line() - nearLine)
                        < Math.abs(local(best).line() - nearLine)) {
                    best = m.start();
                }
            }
        }
        return Optional.ofNullable(best);
    }

    /** The expression or block tag whose content contains {@code fragment}, nearest to {@code nearLine}. */
    Optional<Tag> findTag(String fragment, int nearLine) {
        Tag best = null;
        for (Tag t : tags) {
            if (t.kind() != Kind.COMMENT && t.content().contains(fragment)
                    && (best == null || Math.abs(local(t.start()).line() - nearLine)
                    < Math.abs(local(best.start()).line() - nearLine))) {
                best = t;
            }
        }
        return Optional.ofNullable(best);
    }

    /** The tag starting at or nearest before line {@code line}'s end, if any is on that line. */
    Optional<Tag> firstTagOnLine(int line) {
        int l = Math.max(1, Math.min(line, lineStarts.length)) - 1;
        int start = lineStarts[l];
        int end = l + 1 < lineStarts.length ? lineStarts[l + 1] : text.length();
        return tags.stream().filter(t -> t.kind() != Kind.COMMENT && t.start() >= start && t.start() < end).findFirst();
    }

    private int lineIndex(int offset) {
        int lo = 0;
        int hi = lineStarts.length - 1;
        while (lo < hi) {
            int mid = (lo + hi + 1) >>> 1;
            if (lineStarts[mid] <= offset) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        return lo;
    }

    private void scan() {
        int i = 0;
        while (i < text.length() - 1) {
            char c = text.charAt(i);
            char n = text.charAt(i + 1);
            if (c != '{' || (n != '{' && n != '%' && n != '#')) {
                i++;
                continue;
            }
            if (n == '#') {
                int close = text.indexOf("#}", i + 2);
                if (close < 0) {
                    problems.add(new Problem(i, "'{#' opens a comment that is never closed with '#}'"));
                    return;
                }
                tags.add(new Tag(Kind.COMMENT, i, close + 2, text.substring(i + 2, close)));
                i = close + 2;
                continue;
            }
            Kind kind = n == '{' ? Kind.EXPRESSION : Kind.BLOCK;
            String closer = n == '{' ? "}}" : "%}";
            int close = findClose(i + 2, closer);
            if (close < 0) {
                problems.add(new Problem(i, "'" + c + n + "' is never closed with '" + closer + "'"));
                return;
            }
            int nested = findOpener(i + 2, close);
            if (nested >= 0) {
                Position at = local(nested);
                problems.add(new Problem(i, "'" + c + n + "' is not closed with '" + closer + "' before the next '"
                        + text.substring(nested, nested + 2) + "' (line " + at.line() + ", column " + at.column() + ")"));
                i = nested;
                continue;
            }
            Tag tag = new Tag(kind, i, close + 2, text.substring(i + 2, close));
            tags.add(tag);
            i = close + 2;
            if (kind == Kind.BLOCK && RAW_START.matcher(text.substring(tag.start(), tag.end())).matches()) {
                Matcher end = RAW_END.matcher(text);
                if (!end.find(i)) {
                    problems.add(new Problem(tag.start(), "'{% raw %}' is never closed with '{% endraw %}'"));
                    return;
                }
                tags.add(new Tag(Kind.BLOCK, end.start(), end.end(), text.substring(end.start() + 2, end.end() - 2)));
                i = end.end();
            }
        }
    }

    /** The offset of {@code closer} after {@code from}, outside string literals; -1 if none. */
    private int findClose(int from, String closer) {
        char quote = 0;
        for (int i = from; i < text.length() - 1; i++) {
            char c = text.charAt(i);
            if (quote != 0) {
                if (c == '\\') {
                    i++;
                } else if (c == quote) {
                    quote = 0;
                }
            } else if (c == '\'' || c == '"') {
                quote = c;
            } else if (c == closer.charAt(0) && text.charAt(i + 1) == closer.charAt(1)) {
                return i;
            }
        }
        // an unterminated quote swallowed the closer: report the tag unclosed only if there is no closer at all
        return quote != 0 ? text.indexOf(closer, from) : -1;
    }

    /** The first {@code {{} or {@code {%} in {@code [from, to)} outside string literals: a tag opened inside a tag. */
    private int findOpener(int from, int to) {
        char quote = 0;
        for (int i = from; i < to - 1; i++) {
            char c = text.charAt(i);
            if (quote != 0) {
                if (c == '\\') {
                    i++;
                } else if (c == quote) {
                    quote = 0;
                }
            } else if (c == '\'' || c == '"') {
                quote = c;
            } else if (c == '{' && (text.charAt(i + 1) == '{' || text.charAt(i + 1) == '%')) {
                return i;
            }
        }
        return -1;
    }
}
