package dev.strata.config;

import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Substitutes {@code ${VAR}} and {@code ${VAR:-default}} in config values from the environment.
 * A variable that is unset and has no default is an error naming the variable; {@code $$} is a
 * literal dollar sign.
 */
public final class EnvResolver {
    private static final Pattern REF = Pattern.compile("\\$\\$|\\$\\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?}");
    private final Function<String, String> env;

    public EnvResolver(Function<String, String> env) {
        this.env = Objects.requireNonNull(env);
    }

    public static EnvResolver system() {
        return new EnvResolver(System::getenv);
    }

    public static EnvResolver of(Map<String, String> vars) {
        return new EnvResolver(vars::get);
    }

    /** Thrown for {@code ${VAR}} without default when {@code VAR} is unset. */
    public static final class MissingVariable extends Exception {
        private static final long serialVersionUID = 1L;
        private final String variable;

        MissingVariable(String variable) {
            super("environment variable " + variable + " is not set and has no default (write ${"
                    + variable + ":-default} to give one)");
            this.variable = variable;
        }

        public String variable() {
            return variable;
        }
    }

    public String resolve(String text) throws MissingVariable {
        if (text.indexOf('$') < 0) {
            return text;
        }
        Matcher m = REF.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String replacement;
            if (m.group().equals("$$")) {
                replacement = "$";
            } else {
                String value = env.apply(m.group(1));
                if (value == null || (value.isEmpty() && m.group(2) != null)) {
                    if (m.group(2) == null) {
                        throw new MissingVariable(m.group(1));
                    }
                    value = m.group(2);
                }
                replacement = value;
            }
            m.appendReplacement(out, Matcher.quoteReplacement(replacement));
        }
        m.appendTail(out);
        return out.toString();
    }
}
