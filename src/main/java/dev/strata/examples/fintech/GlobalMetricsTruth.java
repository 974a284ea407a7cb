package dev.strata.examples.fintech;

import dev.strata.examples.fintech.FintechMessage.Rate;
import dev.strata.examples.fintech.FintechMessage.Transaction;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Expected {@code global_metrics} rows and raw counts, computed in plain Java from the generated
 * messages by the rules of scenario 001 §5.4 and §9 items 9–12: an operation counts on day D in
 * currency C when it has a {@code done} message dated D from a non-negative account; each operation
 * once; amounts converted with the day's rate C → 420 (1 for USD), rounded to 2 places.
 */
public final class GlobalMetricsTruth {
    /** One expected mart row. */
    public record Row(LocalDate date, int currency, BigDecimal amountTotal, int transactions,
                      BigDecimal avgPerAccount, int accounts) {
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

    /** Distinct transaction messages per business date (duplicates excluded), as raw STG must hold. */
    public static Map<LocalDate, Integer> rawTransactionCounts(List<FintechGenerator.Sent> sent) {
        Map<LocalDate, Integer> counts = new TreeMap<>();
        for (FintechGenerator.Sent s : sent) {
            if (!s.duplicate() && s.message() instanceof Transaction t) {
                counts.merge(t.businessDate(), 1, Integer::sum);
            }
        }
        return counts;
    }

    /** The expected mart, keyed by (date, currency) in order. Days whose needed rate is missing are absent. */
    public static Map<LocalDate, List<Row>> compute(List<FintechGenerator.Sent> sent) {
        Map<Key, BigDecimal> rateToUsd = new HashMap<>();
        Map<Key, Map<String, Transaction>> qualifying = new TreeMap<>();
        for (FintechGenerator.Sent s : sent) {
            FintechMessage m = s.message();
            if (m instanceof Rate r && r.currencyWith() == FintechGenerator.USD) {
                rateToUsd.put(new Key(r.businessDate(), r.currency()), r.div());
            } else if (m instanceof Transaction t && t.status().equals("done") && t.accountFrom() >= 0) {
                qualifying.computeIfAbsent(new Key(t.businessDate(), t.currency()), k -> new HashMap<>())
                        .putIfAbsent(t.operationId(), t);
            }
        }
        Map<LocalDate, List<Row>> out = new TreeMap<>();
        for (Map.Entry<Key, Map<String, Transaction>> e : qualifying.entrySet()) {
            Key k = e.getKey();
            Optional<BigDecimal> rate = k.currency() == FintechGenerator.USD ? Optional.of(BigDecimal.ONE)
                    : Optional.ofNullable(rateToUsd.get(k));
            if (rate.isEmpty()) {
                continue;
            }
            Set<Long> accounts = new HashSet<>();
            BigDecimal sum = BigDecimal.ZERO;
            for (Transaction t : e.getValue().values()) {
                accounts.add(t.accountFrom());
                sum = sum.add(BigDecimal.valueOf(t.amount()).multiply(rate.get()));
            }
            int n = e.getValue().size();
            out.computeIfAbsent(k.date(), d -> new java.util.ArrayList<>()).add(new Row(k.date(), k.currency(),
                    sum.setScale(2, RoundingMode.HALF_UP), n,
                    BigDecimal.valueOf(n).divide(BigDecimal.valueOf(accounts.size()), 2, RoundingMode.HALF_UP),
                    accounts.size()));
        }
        return out;
    }
}
