package dev.strata.config;

import java.util.regex.Pattern;

/**
 * The rule for names that become SQL identifiers (sources, hubs, marts, columns): ASCII letters,
 * digits and underscores, not starting with a digit, at most 63 characters (PostgreSQL's limit).
 * The Dialect still quotes them; this rule keeps them portable and unsurprising.
 */
public final class Identifiers {
    /** The longest name. */
    public static final int MAX_LENGTH = 63;
    private static final Pattern SAFE = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,62}");
    public static final String RULE =
            "letters, digits and _, not starting with a digit, at most 63 characters";

    private Identifiers() {
    }

    public static boolean isSafe(String name) {
        return name != null && SAFE.matcher(name).matches();
    }

    /** Returns the name, or throws {@link IllegalArgumentException} when it is not a safe identifier. */
    public static String require(String name) {
        if (!isSafe(name)) {
            throw new IllegalArgumentException("'" + name + "' is not a safe SQL name (" + RULE + ")");
        }
        return name;
    }
}
