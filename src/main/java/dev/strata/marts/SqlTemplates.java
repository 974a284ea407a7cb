package dev.strata.marts;

import com.hubspot.jinjava.Jinjava;
import com.hubspot.jinjava.JinjavaConfig;
import com.hubspot.jinjava.el.ext.NamedParameter;
import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import com.hubspot.jinjava.interpret.RenderResult;
import com.hubspot.jinjava.interpret.TemplateError;
import com.hubspot.jinjava.lib.fn.ELFunctionDefinition;
import com.hubspot.jinjava.loader.ResourceNotFoundException;
import dev.strata.warehouse.SqlDialect;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Renders mart SQL with Jinjava. Templates see:
 * <ul>
 *   <li>{@code {{ ref('name') }}}: the quoted, qualified relation of a source ({@code stg}), vault
 *       target ({@code dds}) or mart ({@code cdm}), recording the dependency;</li>
 *   <li>{@code {{ var('name') }}}, {@code {{ var('name', 'default') }}}: project variables, as SQL
 *       literals of their type; {@code {{ var_sql('name') }}}: a variable declared {@code type: sql},
 *       pasted as it is;</li>
 *   <li>{@code {{ interval_start }}}, {@code {{ interval_end }}}: the data interval's bounds as SQL
 *       timestamp literals (UTC); {@code {{ ds }}}, {@code {{ ds_nodash }}}: its start date as
 *       text ({@code 2022-10-01}); {@code {{ logical_date }}}: the schedule point (ISO-8601);
 *       {@code {{ this }}}: the mart's own relation;</li>
 *   <li>{@code {{ config(materialized='incremental', ...) }}}: settings, read when the file is loaded.</li>
 * </ul>
 * An unknown variable is an error, so a typo never renders as an empty string. Thread-safe.
 */
final class SqlTemplates {
    private static final String SCOPE = "__strata_scope";
    private static final DateTimeFormatter DS = DateTimeFormatter.ofPattern("yyyy-MM-dd").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter DS_NODASH = DateTimeFormatter.ofPattern("yyyyMMdd").withZone(ZoneOffset.UTC);
    private final Jinjava jinjava;

    /** What a rendering produced. */
    record Rendered(String sql, TemplateScope scope) {
        boolean ok() {
            return scope.problems.isEmpty();
        }
    }

    SqlTemplates() {
        jinjava = new Jinjava(JinjavaConfig.newBuilder()
                .withFailOnUnknownTokens(true)
                .withTrimBlocks(true)
                .withLstripBlocks(true)
                .build());
        // Jinjava's default locator serves {% include %} / {% import %} from the class path; a mart is one
        // self-contained file (and project files are confined to the project), so nothing is served
        jinjava.setResourceLocator((name, encoding, interpreter) -> {
            throw new ResourceNotFoundException("mart SQL cannot include or import other files ('" + name
                    + "'); write the SQL in the mart's own file, or make the shared part a mart and ref() it");
        });
        jinjava.getGlobalContext().registerFunction(new ELFunctionDefinition("", "ref", SqlTemplates.class, "ref", String.class));
        jinjava.getGlobalContext().registerFunction(new ELFunctionDefinition("", "var", SqlTemplates.class, "var", Object[].class));
        jinjava.getGlobalContext().registerFunction(new ELFunctionDefinition("", "var_sql", SqlTemplates.class, "varSql", String.class));
        jinjava.getGlobalContext().registerFunction(new ELFunctionDefinition("", "config", SqlTemplates.class, "config", Object[].class));
    }

    Rendered render(TemplateSource template, TemplateScope scope, SqlDialect dialect, TemplateInterval interval, String self) {
        scope.source = template;
        Map<String, Object> bindings = bindings(scope, dialect, interval, self);
        for (TemplateSource.Problem p : template.problems()) {
            scope.problems.add(new TemplateScope.Problem(p.offset(), p.message()));
        }
        RenderResult result = jinjava.renderForResult(template.text(), bindings);
        if (template.problems().isEmpty()) {
            // an unclosed tag makes Jinjava report confusing errors lines later: the scan's message says it all
            for (TemplateError e : result.getErrors()) {
                if (e.getSeverity() == TemplateError.ErrorType.FATAL) {
                    scope.problems.add(JinjaErrors.locate(template, e));
                }
            }
        }
        return new Rendered(result.getOutput(), scope);
    }

    /**
     * The map from the characters of {@code output} — {@link #render}'s output for the same
     * arguments, less {@code leadingStripped} characters — back to the template; empty when the
     * marked rendering does not reproduce it exactly (then positions are not trusted).
     */
    Optional<SourceMap> map(TemplateSource template, TemplateScope scope, SqlDialect dialect, TemplateInterval interval,
                            String self, String output) {
        scope.source = template;
        RenderResult marked = jinjava.renderForResult(SourceMap.mark(template), bindings(scope, dialect, interval, self));
        String unmarked = SourceMap.unmark(marked.getOutput());
        int lead = unmarked.indexOf(output);
        if (lead < 0 || !unmarked.strip().equals(output.strip())) {
            return Optional.empty();
        }
        return Optional.of(SourceMap.of(template, marked.getOutput(), lead));
    }

    private static Map<String, Object> bindings(TemplateScope scope, SqlDialect dialect, TemplateInterval interval, String self) {
        Map<String, Object> bindings = new HashMap<>();
        bindings.put(SCOPE, scope);
        bindings.put("interval_start", dialect.timestampLiteral(interval.start()));
        bindings.put("interval_end", dialect.timestampLiteral(interval.end()));
        bindings.put("ds", DS.format(interval.start()));
        bindings.put("ds_nodash", DS_NODASH.format(interval.start()));
        bindings.put("logical_date", interval.logicalDate().toString());
        bindings.put("this", self);
        return bindings;
    }

    private static TemplateScope scope() {
        JinjavaInterpreter interpreter = JinjavaInterpreter.getCurrent();
        Object s = interpreter == null ? null : interpreter.getContext().get(SCOPE);
        if (!(s instanceof TemplateScope scope)) {
            throw new IllegalStateException("ref(), var() and config() work only inside a Strata mart template");
        }
        return scope;
    }

    private static int line() {
        JinjavaInterpreter interpreter = JinjavaInterpreter.getCurrent();
        return interpreter == null ? 1 : Math.max(1, interpreter.getLineNumber());
    }

    /** Jinjava entry point for {@code ref('name')}. */
    public static String ref(String name) {
        return scope().ref(name, line());
    }

    /** Jinjava entry point for {@code var('name'[, 'default'])}. */
    public static String var(Object... args) {
        TemplateScope scope = scope();
        if (args.length < 1 || args.length > 2 || args[0] == null) {
            scope.problems.add(new TemplateScope.Problem(scope.offsetOfLine(line()),
                    "var() takes a name and an optional default: var('name', 'default')"));
            return "";
        }
        Optional<Object> def = args.length == 2 && args[1] != null ? Optional.of(args[1]) : Optional.empty();
        return scope.var(String.valueOf(args[0]), def, line());
    }

    /** Jinjava entry point for {@code var_sql('name')}: a variable declared {@code type: sql}, as it is. */
    public static String varSql(String name) {
        return scope().varSql(name, line());
    }

    /** Jinjava entry point for {@code config(key=value, ...)}: records the settings, renders nothing. */
    public static String config(Object... args) {
        TemplateScope scope = scope();
        scope.headerOffset = scope.source == null ? 0
                : scope.source.findTag("config(", line()).map(TemplateSource.Tag::start).orElse(scope.offsetOfLine(line()));
        for (Object a : args) {
            if (a instanceof NamedParameter p) {
                Object v = p.getValue();
                scope.header.put(p.getName(), v instanceof List<?> l ? List.copyOf(l.stream().map(String::valueOf).toList()) : v);
            } else {
                scope.problems.add(new TemplateScope.Problem(scope.headerOffset, "config() takes named settings: "
                        + "config(materialized='incremental', time_column='day')"));
            }
        }
        return "";
    }
}
