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
    private static FintechManifest manifest;

    @BeforeAll
    static void generate() {
        FintechGenerator.Generated g = new FintechGenerator(2022).generate();
        sent = g.messages();
        manifest = g.manifest();
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
        List<FintechGenerator.Sent> again = new FintechGenerator(2022).generate().messages();
        assertThat(again).hasSameSizeAs(sent);
        for (int i = 0; i < sent.size(); i += 997) {
            assertThat(again.get(i).message().json()).isEqualTo(sent.get(i).message().json());
        }
    }

    @Test
    void shouldComputeMartRowsOnlyForTheSixDaysWithTransactions() {
        var mart = GlobalMetricsTruth.compute(sent);
        assertThat(mart.rows().keySet()).containsExactlyElementsOf(FintechGenerator.SEED_COUNTS.keySet().stream().sorted().toList());
        mart.rows().values().forEach(rows -> assertThat(rows).hasSize(7));
        assertThat(mart.missingRates()).isEmpty();
    }

    @Test
    void shouldAgreeWithTheManifestKeptWhileGenerating() {
        assertThat(GlobalMetricsTruth.rawTransactionCounts(sent)).allSatisfy((day, n) ->
                assertThat(manifest.day(day).transactionMessages()).isEqualTo(n));
        assertThat(manifest.totalTransactionMessages()).isEqualTo(244_941);
        assertThat(manifest.totalRateMessages()).isEqualTo(1_302);
        var mart = GlobalMetricsTruth.compute(sent);
        mart.rows().forEach((day, rows) -> assertThat(rows.stream().mapToInt(GlobalMetricsTruth.Row::transactions).sum())
                .as("qualifying operations on %s", day).isEqualTo(manifest.day(day).qualifyingOperations()));
        long duplicates = sent.stream().filter(FintechGenerator.Sent::duplicate).count();
        assertThat(manifest.duplicates()).isEqualTo((int) duplicates);
        FintechManifest.Day first = manifest.day(LocalDate.of(2022, 10, 1));
        assertThat(first.finalStatuses().values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(first.operations());
        // §4: done 80 %, blocked 7 %, chargeback 5 %, the rest stays queued or in progress
        assertThat(first.finalStatuses().get("done") / (double) first.operations()).isBetween(0.78, 0.82);
        assertThat(first.finalStatuses().get("blocked") / (double) first.operations()).isBetween(0.06, 0.08);
        assertThat(first.finalStatuses().get("chargeback") / (double) first.operations()).isBetween(0.04, 0.06);
    }

    @Test
    void shouldFailTheWholeDayWhenARateToUsdIsMissing() {
        LocalDate day = LocalDate.of(2022, 10, 8);
        List<FintechGenerator.Sent> withoutRate = sent.stream().filter(s -> !(s.message() instanceof Rate r
                && r.businessDate().equals(day) && r.currency() == 430 && r.currencyWith() == FintechGenerator.USD)).toList();
        var mart = GlobalMetricsTruth.compute(withoutRate);
        assertThat(mart.missingRates()).containsOnlyKeys(day);
        assertThat(mart.missingRates().get(day)).containsExactly(430);
        assertThat(mart.rows()).doesNotContainKey(day).hasSize(5);
    }

    @Test
    void shouldMakeASmallProfileOfTheSameShape() {
        FintechGenerator.Generated small = FintechGenerator.small(7, 500).generate();
        assertThat(GlobalMetricsTruth.rawTransactionCounts(small.messages()))
                .containsOnlyKeys(FintechGenerator.SEED_COUNTS.keySet()).allSatisfy((d, n) -> assertThat(n).isEqualTo(500));
        assertThat(small.manifest().totalRateMessages()).isEqualTo(1_302);
    }
}
