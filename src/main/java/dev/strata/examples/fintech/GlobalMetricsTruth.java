package dev.strata.examples.fintech;

import dev.strata.examples.fintech.FintechMessage.Rate;
import dev.strata.examples.fintech.FintechMessage.Transaction;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Expected {@code global_metrics} rows and raw counts, computed in plain Java from the generated
 * messages by the rules of scenario 001 §5.4 and §9 items 9–13: an operation counts on day D in
 * currency C when it has a {@code done} message dated D from a non-negative account; each operation
 * once; amounts converted with the day's rate C → 420 (1 for USD), rounded to 2 places. A day
 * with a qualifying operation in a currency that has no rate to USD that day is not computed: the
 * pipeline must fail that day and leave its partition as it was (item 13).
 *
 * <p>Works on any collection of sent messages — duplicates are recognised by value, not by the
 * {@code duplicate} flag alone — so tests can add late messages or remove rates and recompute.
 */
public final class GlobalMetricsTruth {
    /** One expected mart row. */
    public record Row(LocalDate date, int currency, BigDecimal amountTotal, int transactions,
                      BigDecimal avgPerAccount, int accounts) {
    }

    /**
     * The expected mart: rows per day (only days that have rows and all their rates), and the
     * days that must fail with the currencies whose rate to USD is missing.
     */
    public record Expected(Map<LocalDate, List<Row>> rows, Map<LocalDate, Set<Integer>> missingRates) {
        public Expected {
            rows = java.util.Collections.unmodifiableMap(new TreeMap<>(rows));
            missingRates = java.util.Collections.unmodifiableMap(new TreeMap<>(missingRates));
        }

        /** Every expected row, by date then currency. */
        public List<Row> allRows() {
            return rows.values().stream().flatMap(List::stream).toList();
        }

        /** Rows of one day (empty for a day without qualifying operations). */
        public List<Row> day(LocalDate d) {
            return rows.getOrDefault(d, List.of());
        }
    }

    private record Key(LocalDate date, int currency) implements Comparable<Key> {
        @Override
        public int compareTo(Key o) {
            int c = date.compareTo(o.date);
            return c != 0 ? c : Integer.compare(currency, o.currency);
        }
    }

    private GlobalMetricsTruth() {
    }

    /** Distinct transaction messages per business date (exact duplicates excluded), as raw STG must hold. */
    public static Map<LocalDate, Integer> rawTransactionCounts(Collection<FintechGenerator.Sent> sent) {
        Map<LocalDate, Integer> counts = new TreeMap<>();
        for (FintechMessage m : distinct(sent)) {
            if (m instanceof Transaction t) {
                counts.merge(t.businessDate(), 1, Integer::sum);
            }
        }
        return counts;
    }

    /** Distinct rate messages per business date. */
    public static Map<LocalDate, Integer> rawRateCounts(Collection<FintechGenerator.Sent> sent) {
        Map<LocalDate, Integer> counts = new TreeMap<>();
        for (FintechMessage m : distinct(sent)) {
            if (m instanceof Rate r) {
                counts.merge(r.businessDate(), 1, Integer::sum);
            }
        }
        return counts;
    }

    /** The distinct messages: an exact re-send (equal value) counts once, whatever its delay. */
    public static Set<FintechMessage> distinct(Collection<FintechGenerator.Sent> sent) {
        Set<FintechMessage> out = new java.util.LinkedHashSet<>();
        for (FintechGenerator.Sent s : sent) {
            out.add(s.message());
        }
        return out;
    }

    /** The expected mart for {@code sent}. */
    public static Expected compute(Collection<FintechGenerator.Sent> sent) {
        Map<Key, BigDecimal> rateToUsd = new HashMap<>();
        Map<Key, Map<String, Transaction>> qualifying = new TreeMap<>();
        for (FintechMessage m : distinct(sent)) {
            if (m instanceof Rate r && r.currencyWith() == FintechGenerator.USD) {
                rateToUsd.put(new Key(r.businessDate(), r.currency()), r.div());
            } else if (m instanceof Transaction t && t.status().equals("done") && t.accountFrom() >= 0) {
                qualifying.computeIfAbsent(new Key(t.businessDate(), t.currency()), k -> new HashMap<>())
                        .putIfAbsent(t.operationId(), t);
            }
        }
        Map<LocalDate, Set<Integer>> missing = new TreeMap<>();
        for (Key k : qualifying.keySet()) {
            if (k.currency() != FintechGenerator.USD && !rateToUsd.containsKey(k)) {
                missing.computeIfAbsent(k.date(), d -> new TreeSet<>()).add(k.currency());
            }
        }
        Map<LocalDate, List<Row>> out = new TreeMap<>();
        for (Map.Entry<Key, Map<String, Transaction>> e : qualifying.entrySet()) {
            Key k = e.getKey();
            if (missing.containsKey(k.date())) {
                continue;
            }
            BigDecimal rate = k.currency() == FintechGenerator.USD ? BigDecimal.ONE : rateToUsd.get(k);
            Set<Long> accounts = new HashSet<>();
            BigDecimal sum = BigDecimal.ZERO;
            for (Transaction t : e.getValue().values()) {
                accounts.add(t.accountFrom());
                sum = sum.add(BigDecimal.valueOf(t.amount()).multiply(rate));
            }
            int n = e.getValue().size();
            out.computeIfAbsent(k.date(), d -> new ArrayList<>()).add(new Row(k.date(), k.currency(),
                    sum.setScale(2, RoundingMode.HALF_UP), n,
                    BigDecimal.valueOf(n).divide(BigDecimal.valueOf(accounts.size()), 2, RoundingMode.HALF_UP),
                    accounts.size()));
        }
        return new Expected(out, missing);
    }
}
