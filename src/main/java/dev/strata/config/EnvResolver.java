package dev.strata.config;

import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Substitutes {@code ${VAR}} and {@code ${VAR:-default}} in config values from the environment.
 * A variable that is unset and has no default is an error naming the variable; {@code $$} is a
 * literal dollar sign. A {@code ${} that does not start a well-formed reference (unclosed, or not a
 * variable name) is an error too, never literal text: {@code topic: ${ORDERS_TOPIC} without its
 * brace would otherwise name a topic no one writes to. A {@code $} followed by anything else
 * ({@code $.payload.id}) is kept as it is.
 */
public final class EnvResolver {
    private static final Pattern REF = Pattern.compile("\\$\\$|\\$\\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?}");
    private static final String LITERAL_HINT = " (or $${ for a literal '${')";
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

    /** A value that cannot be resolved; {@link #offset()} is where in the value the problem starts. */
    public abstract static sealed class Unresolved extends Exception permits MissingVariable, MalformedReference {
        private static final long serialVersionUID = 1L;
        private final int offset;

        Unresolved(String message, int offset) {
            super(message);
            this.offset = offset;
        }

        /** The index in the value of the {@code $} that starts the reference. */
        public int offset() {
            return offset;
        }
    }

    /** Thrown for {@code ${VAR}} without default when {@code VAR} is unset. */
    public static final class MissingVariable extends Unresolved {
        private static final long serialVersionUID = 1L;
        private final String variable;

        MissingVariable(String variable, int offset) {
            super("environment variable " + variable + " is not set and has no default (write ${"
                    + variable + ":-default} to give one)", offset);
            this.variable = variable;
        }

        public String variable() {
            return variable;
        }
    }

    /** Thrown for a {@code ${} that is not closed or does not hold a variable name. */
    public static final class MalformedReference extends Unresolved {
        private static final long serialVersionUID = 1L;

        MalformedReference(String message, int offset) {
            super(message, offset);
        }
    }

    public String resolve(String text) throws Unresolved {
        if (text.indexOf('$') < 0) {
            return text;
        }
        Matcher m = REF.matcher(text);
        StringBuilder out = new StringBuilder();
        int from = 0;
        while (m.find()) {
            checkNoStrayReference(text, from, m.start());
            String replacement;
            if (m.group().equals("$$")) {
                replacement = "$";
            } else {
                String value = env.apply(m.group(1));
                if (value == null || (value.isEmpty() && m.group(2) != null)) {
                    if (m.group(2) == null) {
                        throw new MissingVariable(m.group(1), m.start());
                    }
                    value = m.group(2);
                }
                replacement = value;
            }
            m.appendReplacement(out, Matcher.quoteReplacement(replacement));
            from = m.end();
        }
        checkNoStrayReference(text, from, text.length());
        m.appendTail(out);
        return out.toString();
    }

    /** {@code text[from, to)} holds no reference; a {@code ${} there is a malformed one. */
    private static void checkNoStrayReference(String text, int from, int to) throws MalformedReference {
        int at = text.indexOf("${", from);
        if (at < 0 || at >= to) {
            return;
        }
        int close = text.indexOf('}', at);
        if (close < 0) {
            String name = text.substring(at + 2);
            throw new MalformedReference("'${' is not closed: write ${" + name + "}" + LITERAL_HINT, at);
        }
        throw new MalformedReference("'" + text.substring(at, close + 1) + "' is not a variable reference: write "
                + "${NAME} or ${NAME:-default}, NAME of letters, digits and _" + LITERAL_HINT, at);
    }
}
