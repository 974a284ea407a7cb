package dev.strata.examples.fintech;

import static org.assertj.core.api.Assertions.assertThat;

import dev.strata.examples.fintech.FintechMessage.Rate;
import dev.strata.examples.fintech.FintechMessage.Transaction;
import java.time.Duration;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class FintechGeneratorTest {
    private static List<FintechGenerator.Sent> sent;

    @BeforeAll
    static void generate() {
        sent = new FintechGenerator(2022).generate();
    }

    @Test
    void shouldEmitExactlyTheSeedsPerDateTransactionCounts() {
        Map<LocalDate, Integer> raw = GlobalMetricsTruth.rawTransactionCounts(sent);
        assertThat(raw).isEqualTo(FintechGenerator.SEED_COUNTS);
        assertThat(raw.values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(244_941);
    }

    @Test
    void shouldEmitOneRatePerDayAndOrderedPair() {
        Set<String> seen = new HashSet<>();
        long rates = sent.stream().filter(s -> !s.duplicate() && s.message() instanceof Rate).peek(s -> {
            Rate r = (Rate) s.message();
            assertThat(seen.add(r.businessDate() + "/" + r.currency() + "/" + r.currencyWith())).isTrue();
            assertThat(r.div()).isBetween(new java.math.BigDecimal("0.500"), new java.math.BigDecimal("1.500"));
        }).count();
        assertThat(rates).isEqualTo(31 * 42);
    }

    @Test
    void shouldResendOnePercentWithHalfOfThemLate() {
        long total = sent.size();
        Map<FintechMessage, Integer> firstPosition = new HashMap<>();
        int late = 0;
        int duplicates = 0;
        for (int i = 0; i < sent.size(); i++) {
            FintechGenerator.Sent s = sent.get(i);
            if (!s.duplicate()) {
                firstPosition.put(s.message(), i);
                continue;
            }
            duplicates++;
            assertThat(firstPosition).as("a duplicate follows its original").containsKey(s.message());
            // the duplicate sits among messages sent 10–60 minutes after the original
            FintechMessage neighbour = sent.get(Math.max(0, i - 1)).message();
            if (Duration.between(s.message().sentDttm(), neighbour.sentDttm()).toMinutes() >= 9) {
                late++;
            }
        }
        assertThat(duplicates / (double) (total - duplicates)).isBetween(0.008, 0.012);
        assertThat(late / (double) duplicates).isBetween(0.4, 0.6);
    }

    @Test
    void shouldUseTestAccountsForAboutOnePercentOfOperations() {
        Map<String, Long> accountOf = new HashMap<>();
        sent.stream().filter(s -> s.message() instanceof Transaction).forEach(s -> {
            Transaction t = (Transaction) s.message();
            accountOf.put(t.operationId(), t.accountFrom());
        });
        long negative = accountOf.values().stream().filter(a -> a < 0).count();
        assertThat(negative / (double) accountOf.size()).isBetween(0.007, 0.013);
    }

    @Test
    void shouldBeDeterministic() {
        List<FintechGenerator.Sent> again = new FintechGenerator(2022).generate();
        assertThat(again).hasSameSizeAs(sent);
        for (int i = 0; i < sent.size(); i += 997) {
            assertThat(again.get(i).message().json()).isEqualTo(sent.get(i).message().json());
        }
    }

    @Test
    void shouldComputeMartRowsOnlyForTheSixDaysWithTransactions() {
        var mart = GlobalMetricsTruth.compute(sent);
        assertThat(mart.keySet()).containsExactlyElementsOf(FintechGenerator.SEED_COUNTS.keySet().stream().sorted().toList());
        mart.values().forEach(rows -> assertThat(rows).hasSize(7));
    }
}
