package dev.strata.examples.fintech;

import java.time.LocalDate;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the generator made, counted while it made it (scenario 001 §4 "manifest"): per business
 * date the distinct transaction messages, the operations, how many operations ended in each
 * status, how many operations qualify for {@code global_metrics} (a {@code done} message and a
 * non-negative sender account) and the rate messages; and how many duplicates were re-sent, of
 * them how many 10–60 minutes late. Counted from the chains as generated, never from the sent
 * messages, so it is a second, independent account of the data.
 */
public record FintechManifest(Map<LocalDate, Day> days, int duplicates, int lateDuplicates) {
    public FintechManifest {
        days = java.util.Collections.unmodifiableMap(new TreeMap<>(days));
    }

    /** One business date. {@code finalStatuses}: status → operations whose chain ends there. */
    public record Day(int transactionMessages, int operations, Map<String, Integer> finalStatuses,
                      int qualifyingOperations, int rateMessages) {
        public Day {
            finalStatuses = java.util.Collections.unmodifiableMap(new TreeMap<>(finalStatuses));
        }
    }

    /** The manifest of one date; a date without any message has zeros. */
    public Day day(LocalDate date) {
        return days.getOrDefault(date, new Day(0, 0, Map.of(), 0, 0));
    }

    public int totalTransactionMessages() {
        return days.values().stream().mapToInt(Day::transactionMessages).sum();
    }

    public int totalRateMessages() {
        return days.values().stream().mapToInt(Day::rateMessages).sum();
    }

    /** Accumulates the manifest while generating. Not thread-safe. */
    static final class Builder {
        private static final class Counts {
            int messages;
            int operations;
            final Map<String, Integer> finals = new TreeMap<>();
            int qualifying;
            int rates;
        }

        private final Map<LocalDate, Counts> days = new TreeMap<>();
        private int duplicates;
        private int late;

        void operation(LocalDate day, int messages, String finalStatus, boolean qualifying) {
            Counts c = days.computeIfAbsent(day, d -> new Counts());
            c.messages += messages;
            c.operations++;
            c.finals.merge(finalStatus, 1, Integer::sum);
            c.qualifying += qualifying ? 1 : 0;
        }

        void rates(LocalDate day, int n) {
            days.computeIfAbsent(day, d -> new Counts()).rates += n;
        }

        void duplicate(boolean lateOne) {
            duplicates++;
            late += lateOne ? 1 : 0;
        }

        FintechManifest build() {
            Map<LocalDate, Day> out = new TreeMap<>();
            days.forEach((d, c) -> out.put(d, new Day(c.messages, c.operations, c.finals, c.qualifying, c.rates)));
            return new FintechManifest(out, duplicates, late);
        }
    }
}
