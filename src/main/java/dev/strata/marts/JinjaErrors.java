package dev.strata.marts;

import com.hubspot.jinjava.interpret.TemplateError;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns a Jinjava error into a problem at the right place of the template, with a message a user
 * can act on. Jinjava's own line numbers drift when blocks are trimmed and its "position" is
 * relative to a fragment (it reports {@code syntax error at position -162}), so the error is
 * placed at the tag it names, found in the scanned {@link TemplateSource}.
 */
final class JinjaErrors {
    private static final Pattern PARSING = Pattern.compile("Error parsing '(.*?)': (.*)", Pattern.DOTALL);
    private static final Pattern UNKNOWN = Pattern.compile("Unknown token found: (.*)", Pattern.DOTALL);
    private static final Pattern POSITION = Pattern.compile(" at position -?\\d+");
    static final String KNOWN = "interval_start, interval_end, ds, ds_nodash, logical_date, this, ref(), var(), config()";

    private JinjaErrors() {
    }

    static TemplateScope.Problem locate(TemplateSource source, TemplateError e) {
        String message = e.getMessage() == null ? String.valueOf(e.getReason()) : e.getMessage().strip();
        int line = Math.max(1, e.getLineno());
        Matcher unknown = UNKNOWN.matcher(message);
        if (unknown.find()) {
            String token = unknown.group(1).strip();
            int at = tagWith(source, token, line).orElseGet(() -> source.offset(line, 1));
            String name = token.split("[^A-Za-z0-9_]", 2)[0];
            return new TemplateScope.Problem(at, token.equals(name)
                    ? "unknown variable '" + name + "' (a template knows " + KNOWN + ")"
                    : "cannot evaluate '" + token + "': unknown variable or filter (a template knows " + KNOWN + ")");
        }
        Matcher parsing = PARSING.matcher(message);
        if (parsing.find()) {
            String expression = parsing.group(1);
            String first = expression.lines().findFirst().orElse(expression).strip();
            int at = tagWith(source, first, line).orElseGet(() -> source.offset(line, 1));
            return new TemplateScope.Problem(at, "cannot parse '{{ " + first + " }}': "
                    + POSITION.matcher(parsing.group(2)).replaceAll(""));
        }
        if (e.getFieldName() != null && e.getFieldName().startsWith("{")) {
            int at = source.text().indexOf(e.getFieldName());
            if (at >= 0) {
                return new TemplateScope.Problem(at, message);
            }
        }
        int at = source.firstTagOnLine(line).map(TemplateSource.Tag::start).orElseGet(() -> source.offset(line, 1));
        return new TemplateScope.Problem(at, message);
    }

    private static Optional<Integer> tagWith(TemplateSource source, String fragment, int line) {
        return source.findTag(fragment, line).map(TemplateSource.Tag::start);
    }
}
