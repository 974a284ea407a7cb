package dev.strata.config;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Collects problems while a project is read, so that {@code validate} can report all of them at once. */
public final class Problems {
    private final List<ConfigProblem> list = new ArrayList<>();

    /** Messages longer than this lose their middle: a problem quoting a 4 MB value stays one readable line. */
    static final int MAX_MESSAGE = 600;

    public void add(Position position, String path, String message) {
        list.add(new ConfigProblem(position, path, shorten(message)));
    }

    static String shorten(String message) {
        if (message.length() <= MAX_MESSAGE) {
            return message;
        }
        int keep = MAX_MESSAGE / 2 - 20;
        return message.substring(0, keep) + String.format(java.util.Locale.ROOT, "…(%,d characters left out)…",
                message.length() - 2 * keep) + message.substring(message.length() - keep);
    }

    public boolean isEmpty() {
        return list.isEmpty();
    }

    /** The problems sorted by file, line and column, which is the order a user fixes them in. */
    public List<ConfigProblem> sorted() {
        List<ConfigProblem> copy = new ArrayList<>(list);
        copy.sort(Comparator.comparing((ConfigProblem p) -> p.position().file())
                .thenComparingInt(p -> p.position().line())
                .thenComparingInt(p -> p.position().column()));
        return copy;
    }

    /** Throws a {@link ConfigException} listing every problem, if there is any. */
    public void throwIfAny() {
        if (!list.isEmpty()) {
            throw new ConfigException(sorted());
        }
    }
}
