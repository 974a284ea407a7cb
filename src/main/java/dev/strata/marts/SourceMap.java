package dev.strata.marts;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Maps each character of a rendered template back to the template offset it came from, so that
 * an SQL error at "position 479" of the rendered SQL is reported at the line and column of the
 * mart's file. Text is copied by Jinja verbatim (less the whitespace that block tags trim), an
 * expression's output comes from its tag: characters of {@code {{ ref('x') }}}'s output map to
 * the tag's {@code {{}.
 *
 * <p>How it is built: the template is rendered a second time with invisible markers around every
 * expression tag ({@link #mark}); the markers say which tag each piece of output came from, and
 * the text between them is aligned with the template text after that tag, skipping block tags,
 * comments and trimmed whitespace. The markers never reach the warehouse: the SQL that runs is
 * the plain rendering, and the marked one is only used if, markers removed, it is identical.
 */
final class SourceMap {
    private static final char START = '\uE000';
    private static final char END = '\uE001';
    private static final char ID_BASE = '\uE100';
    private static final int MAX_TAGS = '\uF8FF' - ID_BASE;
    private final int[] offsets;

    private SourceMap(int[] offsets) {
        this.offsets = offsets;
    }

    /** The template with markers around each expression tag, or the template itself if it has too many. */
    static String mark(TemplateSource source) {
        List<TemplateSource.Tag> tags = source.tags();
        if (tags.size() > MAX_TAGS) {
            return source.text();
        }
        String text = source.text();
        StringBuilder sb = new StringBuilder(text.length() + 4 * tags.size());
        int at = 0;
        for (int id = 0; id < tags.size(); id++) {
            TemplateSource.Tag t = tags.get(id);
            if (t.kind() != TemplateSource.Kind.EXPRESSION || t.start() < at) {
                continue;
            }
            // {{- trims the whitespace before it: the marker goes before that whitespace, so the trim still happens
            int before = t.start();
            if (t.trimsBefore()) {
                while (before > at && Character.isWhitespace(text.charAt(before - 1))) {
                    before--;
                }
            }
            int after = t.end();
            if (t.trimsAfter()) {
                while (after < text.length() && Character.isWhitespace(text.charAt(after))) {
                    after++;
                }
            }
            sb.append(text, at, before).append(START).append((char) (ID_BASE + id)).append(text, before, after).append(END);
            at = after;
        }
        return sb.append(text.substring(at)).toString();
    }

    /** The marked output without its markers. */
    static String unmark(String marked) {
        StringBuilder sb = new StringBuilder(marked.length());
        for (int i = 0; i < marked.length(); i++) {
            char c = marked.charAt(i);
            if (c == START) {
                i++;
            } else if (c != END) {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    /**
     * The map of {@code markedOutput} (the rendering of {@link #mark}), for its unmarked text with
     * {@code leadingStripped} characters removed at the start (the caller strips the SQL).
     */
    static SourceMap of(TemplateSource source, String markedOutput, int leadingStripped) {
        String text = source.text();
        List<TemplateSource.Tag> tags = source.tags();
        Map<Integer, TemplateSource.Tag> skippable = new HashMap<>();
        for (TemplateSource.Tag t : tags) {
            if (t.kind() != TemplateSource.Kind.EXPRESSION) {
                skippable.put(t.start(), t);
            }
        }
        int[] out = new int[markedOutput.length()];
        int n = 0;
        int tp = 0;
        TemplateSource.Tag inside = null;
        for (int i = 0; i < markedOutput.length(); i++) {
            char c = markedOutput.charAt(i);
            if (c == START && i + 1 < markedOutput.length()) {
                int id = markedOutput.charAt(++i) - ID_BASE;
                inside = id >= 0 && id < tags.size() ? tags.get(id) : null;
                continue;
            }
            if (c == END) {
                if (inside != null) {
                    tp = inside.end();
                    if (inside.trimsAfter()) {
                        while (tp < text.length() && Character.isWhitespace(text.charAt(tp))) {
                            tp++;
                        }
                    }
                }
                inside = null;
                continue;
            }
            if (inside != null) {
                out[n++] = inside.start();
                continue;
            }
            // text: walk the template forward past block tags, comments and trimmed whitespace
            int p = tp;
            while (p < text.length()) {
                TemplateSource.Tag skip = skippable.get(p);
                if (skip != null) {
                    p = skip.end();
                } else if (text.charAt(p) == c) {
                    break;
                } else if (Character.isWhitespace(text.charAt(p))) {
                    p++;
                } else {
                    p = -1;
                    break;
                }
            }
            if (p >= 0 && p < text.length()) {
                out[n++] = p;
                tp = p + 1;
            } else {
                // text repeated by a loop, or produced by a tag we cannot follow: find it nearby
                int found = nearest(text, markedOutput, i, tp);
                out[n++] = found;
                tp = Math.min(text.length(), found + 1);
            }
        }
        int from = Math.min(leadingStripped, n);
        int[] offsets = new int[n - from];
        System.arraycopy(out, from, offsets, 0, offsets.length);
        return new SourceMap(offsets);
    }

    /** The template offset of output character {@code i}: where the next few output characters occur, nearest {@code tp}. */
    private static int nearest(String text, String output, int i, int tp) {
        int end = i;
        while (end < output.length() && end - i < 24 && output.charAt(end) != START && output.charAt(end) != END
                && output.charAt(end) != '\n') {
            end++;
        }
        String probe = output.substring(i, Math.max(i + 1, end));
        int best = -1;
        for (int at = text.indexOf(probe); at >= 0; at = text.indexOf(probe, at + 1)) {
            if (best < 0 || Math.abs(at - tp) < Math.abs(best - tp)) {
                best = at;
            }
        }
        return best >= 0 ? best : Math.min(tp, Math.max(0, text.length() - 1));
    }

    /** The template offset that rendered character {@code offset} (0-based) came from; clamped. */
    int templateOffset(int offset) {
        if (offsets.length == 0) {
            return 0;
        }
        return offsets[Math.max(0, Math.min(offset, offsets.length - 1))];
    }

    int length() {
        return offsets.length;
    }
}
