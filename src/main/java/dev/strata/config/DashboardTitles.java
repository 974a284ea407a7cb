package dev.strata.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A dashboard title may show project variables the way a mart reads them:
 * {@code title: "Users with at least {{ var('tag_threshold') }} CLOSED orders"} is shown as
 * "Users with at least 10 CLOSED orders". The value is shown as text (a list as {@code a, b}),
 * never as SQL. Titles are text for people: this is the only template form they accept.
 */
public final class DashboardTitles {
    private static final Pattern VAR = Pattern.compile("\\{\\{\\s*var\\(\\s*(['\"])([^'\"]*)\\1\\s*\\)\\s*}}");

    private DashboardTitles() {
    }

    /** The title with each {@code {{ var('name') }}} replaced by the variable's value; unknown names stay as written. */
    public static String render(String title, Map<String, ProjectVar> vars) {
        Matcher m = VAR.matcher(title);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            ProjectVar v = vars.get(m.group(2));
            String shown = v == null ? m.group() : v.type() == ProjectVar.Type.LIST
                    ? v.items().stream().map(ProjectVar::text).collect(Collectors.joining(", ")) : v.text();
            m.appendReplacement(sb, Matcher.quoteReplacement(shown));
        }
        return m.appendTail(sb).toString();
    }

    /** The names of {@code {{ var('name') }}} in the title that are not project variables. */
    public static List<String> unknownVars(String title, Map<String, ProjectVar> vars) {
        List<String> out = new ArrayList<>();
        Matcher m = VAR.matcher(title);
        while (m.find()) {
            if (!vars.containsKey(m.group(2))) {
                out.add(m.group(2));
            }
        }
        return out;
    }
}
