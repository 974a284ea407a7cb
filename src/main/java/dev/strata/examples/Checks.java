package dev.strata.examples;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * The outcome of an example's verification: one line per acceptance item checked, {@code verified:}
 * when it holds, {@code NOT verified:} with the differences found otherwise.
 */
public final class Checks {
    /** One checked acceptance item of the example's scenario. */
    public record Check(String item, boolean ok, String text) {
        public String line() {
            return (ok ? "verified: " : "NOT verified: ") + text + " [" + item + "]";
        }
    }

    private final List<Check> all = new ArrayList<>();

    /** Records item {@code item}: {@code text} when it holds, {@code text} and the differences otherwise. */
    public Checks check(String item, List<String> differences, String text) {
        all.add(new Check(item, differences.isEmpty(), differences.isEmpty() ? text
                : text + ": " + differences.size() + " difference(s):\n    " + String.join("\n    ", differences)));
        return this;
    }

    public Checks check(String item, boolean ok, String text) {
        all.add(new Check(item, ok, text));
        return this;
    }

    public boolean ok() {
        return all.stream().allMatch(Check::ok);
    }

    public List<Check> all() {
        return List.copyOf(all);
    }

    public void print(PrintWriter out) {
        all.forEach(c -> out.println(c.line()));
        out.flush();
    }
}
