package dev.strata.examples;

import dev.strata.ErrorCode;
import dev.strata.StrataException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.ServiceLoader;
import java.util.Set;

/**
 * The registered examples, in the order of {@code META-INF/services/dev.strata.examples.Example}
 * (the first is {@code strata demo}'s default). Found with {@link ServiceLoader} so that this
 * package knows no example: adding one adds a package and a line, nothing here.
 */
public final class Examples {
    private static final List<Example> ALL = load();

    private Examples() {
    }

    private static List<Example> load() {
        List<Example> all = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (Example e : ServiceLoader.load(Example.class, Examples.class.getClassLoader())) {
            if (!names.add(e.name())) {
                throw new IllegalStateException("two examples are named '" + e.name() + "'");
            }
            all.add(e);
        }
        return List.copyOf(all);
    }

    public static List<Example> all() {
        return ALL;
    }

    public static List<String> names() {
        return ALL.stream().map(Example::name).toList();
    }

    /** The example named {@code name}; a usage error (exit 2) naming the known ones otherwise. */
    public static Example named(String name) {
        return ALL.stream().filter(e -> e.name().equals(name)).findFirst()
                .orElseThrow(() -> new StrataException(ErrorCode.USAGE, "no example named '" + name + "' (examples: "
                        + String.join(", ", names()) + "; see --list)"));
    }

    /** {@code --list}: one line an example, {@code name  description}, names aligned. */
    public static List<String> listing() {
        int width = ALL.stream().mapToInt(e -> e.name().length()).max().orElse(0);
        return ALL.stream().map(e -> String.format("%-" + width + "s  %s", e.name(), e.description())).toList();
    }
}
