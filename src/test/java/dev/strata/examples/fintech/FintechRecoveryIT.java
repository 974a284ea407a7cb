package dev.strata.examples.fintech;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.strata.console.ConsoleHooks;
import dev.strata.console.ConsoleServer;
import dev.strata.examples.fintech.FintechMessage.Rate;
import dev.strata.examples.fintech.FintechMessage.Transaction;
import dev.strata.schedule.Backfill;
import dev.strata.schedule.TaskState;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Failures, retries, re-runs and late data on a small profile (scenario 001 §9 items 3, 4, 8,
 * 13–15): what Airflow's depends_on_past, wait_for_downstream and retries promise, and what
 * delete-then-insert per partition makes safe.
 */
class FintechRecoveryIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final LocalDate OCT_5 = LocalDate.of(2022, 10, 5);
    private static final LocalDate OCT_8 = LocalDate.of(2022, 10, 8);
    /** The tests backfill the first ten business days (Oct 1-10): four of the seed's dates with transactions. */
    private static final LocalDate LAST_DAY = LocalDate.of(2022, 10, 10);
    private static final Instant LAST_RUN = FintechWorld.runOf(LAST_DAY);

    /** The seed's dates up to {@link #LAST_DAY}, {@code perDate} messages each, and every rate of October. */
    private static FintechGenerator.Generated generate(long seed, int perDate) {
        Map<LocalDate, Integer> counts = new TreeMap<>();
        FintechGenerator.SEED_COUNTS.keySet().stream().filter(d -> !d.isAfter(LAST_DAY)).forEach(d -> counts.put(d, perDate));
        return new FintechGenerator(seed, counts).generate();
    }

    /** The mart equals the truth computed from {@code sent}, on every backfilled day. */
    private static void assertMartEqualsTruth(FintechWorld world, List<FintechGenerator.Sent> sent) throws Exception {
        assertThat(FintechVerifier.martRows(world.warehouse)).isEqualTo(GlobalMetricsTruth.compute(sent).allRows());
        assertThat(world.count("select count(*) from stg.transactions")).isEqualTo(
                GlobalMetricsTruth.rawTransactionCounts(sent).values().stream().mapToLong(Integer::longValue).sum());
    }

    @TempDir
    Path dir;

    private static boolean isRate(FintechGenerator.Sent s, LocalDate day, int currency) {
        return s.message() instanceof Rate r && r.businessDate().equals(day) && r.currency() == currency
                && r.currencyWith() == FintechGenerator.USD;
    }

    @Test
    void shouldHoldEveryLaterDayWhileADayFailsThenCatchUpInOrderOnceItIsFixedAndRunAgain() throws Exception {
        FintechGenerator.Generated g = generate(5, 400);
        List<FintechGenerator.Sent> withoutRate = g.messages().stream().filter(s -> !isRate(s, OCT_5, 430)).toList();
        assertThat(GlobalMetricsTruth.compute(withoutRate).missingRates()).containsOnlyKeys(OCT_5);
        try (FintechWorld world = new FintechWorld(dir)) {
            world.produceAndLand(withoutRate);
            Backfill.Result first = world.backfill(FintechWorld.FIRST_RUN, LAST_RUN);

            // item 13: the day fails in global_metrics (make_cdm), naming the currency without a rate
            Instant failedRun = FintechWorld.runOf(OCT_5);
            assertThat(first.failed()).singleElement().satisfies(r -> {
                assertThat(r.node()).isEqualTo("global_metrics");
                assertThat(r.logicalDate()).isEqualTo(failedRun);
                assertThat(r.attempts()).isEqualTo(2);
                assertThat(r.error()).contains("usd_rate_for_every_currency").contains("currency_without_usd_rate=430");
            });
            // item 4: retried exactly once, no earlier than retry_delay after the first failure
            List<List<String>> attempts = world.rows("select a.attempt, a.state, extract(epoch from a.started_at), "
                    + "extract(epoch from a.finished_at) from strata.task_attempts a join strata.task_runs r on r.id = a.run_id "
                    + "where r.node = 'global_metrics' and r.logical_date = '" + failedRun + "' order by a.attempt");
            assertThat(attempts).extracting(a -> a.get(0) + ":" + a.get(1)).containsExactly("1:failed", "2:failed");
            double gap = Double.parseDouble(attempts.get(1).get(2)) - Double.parseDouble(attempts.get(0).get(3));
            assertThat(gap).isGreaterThanOrEqualTo(FintechWorld.RETRY_DELAY.toMillis() / 1000.0);

            // item 3: nothing later than the failed task's day reaches the mart: the later runs of the failed
            // task and of make_dwh (whose downstream, the failed task, did not succeed) did not start
            assertThat(world.rows("select distinct date_update::text from cdm.global_metrics"))
                    .extracting(r -> r.get(0)).containsExactly("2022-10-01");
            assertThat(world.count("select count(*) from strata.task_runs r where r.logical_date > '" + failedRun
                    + "' and r.node in ('global_metrics', 'make_dwh') and r.attempt > 0")).isZero();
            assertThat(first.notRun()).isNotEmpty().allSatisfy(r -> assertThat(r.logicalDate()).isAfter(failedRun));
            // wait_for_downstream looks at direct downstream tasks only, as in Airflow: the loads of the next day
            // ran (their downstream make_dwh succeeded on the failed day), those of the day after did not
            Instant next = failedRun.plus(Duration.ofDays(1));
            assertThat(stateOf(first, "load_transactions", next)).isEqualTo(TaskState.SUCCESS);
            assertThat(stateOf(first, "make_dwh", next)).isEqualTo(TaskState.QUEUED);
            assertThat(stateOf(first, "load_transactions", next.plus(Duration.ofDays(1)))).isEqualTo(TaskState.QUEUED);

            // the fix: the missing rate arrives late; the failed day is run again as a whole, then the rest
            List<FintechGenerator.Sent> lateRate = g.messages().stream().filter(s -> isRate(s, OCT_5, 430) && !s.duplicate()).toList();
            world.produceAndLand(lateRate);
            Backfill.Result fixed = world.backfill(Backfill.Options.of(failedRun, failedRun).withRerun(true).withParallel(2));
            assertThat(fixed.ok()).isTrue();
            Backfill.Result rest = world.backfill(FintechWorld.FIRST_RUN, LAST_RUN);
            assertThat(rest.ok()).isTrue();
            assertMartEqualsTruth(world, world.produced());
            // later days proceeded in date order
            List<String> order = world.rows("select r.logical_date::text from strata.task_runs r join strata.task_attempts a "
                    + "on a.run_id = r.id and a.state = 'success' where r.node = 'global_metrics' order by a.finished_at")
                    .stream().map(r -> r.get(0)).toList();
            assertThat(order).isSorted().hasSize(10);
        }
    }

    @Test
    void shouldLeaveEveryPartitionIdenticalWhenADayIsRunAgainAndAsItWasWhenTheDayFails() throws Exception {
        FintechGenerator.Generated g = generate(8, 400);
        try (FintechWorld world = new FintechWorld(dir)) {
            world.produceAndLand(g.messages());
            assertThat(world.backfill(FintechWorld.FIRST_RUN, LAST_RUN).ok()).isTrue();
            Map<String, Map<LocalDate, String>> before = checksums(world);
            assertThat(before.get("cdm.global_metrics")).hasSize(4);
            Instant run = FintechWorld.runOf(OCT_8);

            // item 8: the staging load alone, then item 14: the mart alone, then the whole day
            for (String select : List.of("load_transactions", "load_currencies", "global_metrics")) {
                Backfill.Result again = world.backfill(Backfill.Options.of(run, run).withSelect(select).withRerun(true));
                assertThat(again.runs()).singleElement().satisfies(r -> assertThat(r.state()).isEqualTo(TaskState.SUCCESS));
                assertThat(checksums(world)).as("after re-running %s", select).isEqualTo(before);
            }
            assertThat(world.backfill(Backfill.Options.of(run, run).withRerun(true)).ok()).isTrue();
            assertThat(checksums(world)).isEqualTo(before);

            // item 13: the rate (10-08, 430 -> 420) is gone when the day runs again: the day fails in the mart
            // and its partition stays exactly as it was
            world.rows("delete from stg.currencies_raw where _payload -> 'payload' ->> 'currency_code' = '430' "
                    + "and _payload -> 'payload' ->> 'currency_code_with' = '420' "
                    + "and (_event_time at time zone 'UTC')::date = '2022-10-08' returning 1");
            Backfill.Result missing = world.backfill(Backfill.Options.of(run, run).withRerun(true).withParallel(2));
            assertThat(missing.failed()).singleElement().satisfies(r -> {
                assertThat(r.node()).isEqualTo("global_metrics");
                assertThat(r.error()).contains("currency_without_usd_rate=430");
            });
            assertThat(checksums(world).get("cdm.global_metrics")).isEqualTo(before.get("cdm.global_metrics"));

            // a malformed message of the day stops it at the raw-data contract, before the typed partition
            // is touched; the failure names the message's Kafka position
            Map<String, Map<LocalDate, String>> beforeBad = checksums(world);
            world.produceAndLand(List.of(sent(new Transaction("bad-amount", 100_001, 100_002, 420, "serbia", "done",
                    "sbp_outgoing", 5, OCT_8.atTime(9, 0), OCT_8.atTime(9, 0, 1)))));
            world.queries.rows("update stg.transactions_raw set _payload = jsonb_set(_payload, '{payload,amount}', '\"12.5\"') "
                    + "where _payload ->> 'object_id' = 'bad-amount' returning 1");
            Backfill.Result bad = world.backfill(Backfill.Options.of(run, run).withRerun(true).withParallel(2));
            assertThat(bad.failed()).singleElement().satisfies(r -> {
                assertThat(r.node()).isEqualTo("dump_transactions");
                assertThat(r.error()).contains("raw_transactions_valid").contains("kafka_partition=").contains("object_id=bad-amount");
            });
            assertThat(stateOf(bad, "load_transactions", run)).isEqualTo(TaskState.QUEUED);
            assertThat(checksums(world)).isEqualTo(beforeBad);
        }
    }

    @Test
    void shouldChangeOnlyTheLateDayWhenItIsRunAgainAfterLateMessagesLanded() throws Exception {
        FintechGenerator.Generated g = generate(13, 400);
        try (FintechWorld world = new FintechWorld(dir)) {
            world.produceAndLand(g.messages());
            assertThat(world.backfill(FintechWorld.FIRST_RUN, LAST_RUN).ok()).isTrue();
            Map<String, Map<LocalDate, String>> before = checksums(world);

            // late for 10-08: new completed operations, a `done` for an operation last seen in progress,
            // a new test-account operation, and an exact copy of a message already landed
            List<FintechGenerator.Sent> late = new ArrayList<>();
            LocalDateTime at = OCT_8.atTime(13, 0);
            for (int i = 0; i < 20; i++) {
                late.add(sent(new Transaction("late-" + i, 100_000 + i, 100_001, i % 2 == 0 ? 420 : 450, "serbia", "done",
                        "sbp_outgoing", 1_000 + i, at.plusMinutes(i), at.plusMinutes(i).plusSeconds(5))));
            }
            late.add(sent(new Transaction("late-test", -3, 100_001, 420, "serbia", "done", "sbp_outgoing", 77, at, at.plusSeconds(9))));
            Transaction inProgress = g.messages().stream().map(FintechGenerator.Sent::message)
                    .filter(m -> m instanceof Transaction t && t.businessDate().equals(OCT_8) && t.status().equals("in_progress")
                            && t.accountFrom() >= 0)
                    .map(Transaction.class::cast)
                    .filter(t -> g.messages().stream().noneMatch(s -> s.message() instanceof Transaction o
                            && o.operationId().equals(t.operationId()) && !o.status().equals("queued") && !o.status().equals("in_progress")))
                    .findFirst().orElseThrow();
            late.add(sent(new Transaction(inProgress.operationId(), inProgress.accountFrom(), inProgress.accountTo(),
                    inProgress.currency(), inProgress.country(), "done", inProgress.type(), inProgress.amount(),
                    inProgress.transactionDt(), inProgress.sentDttm().plusMinutes(90))));
            late.add(new FintechGenerator.Sent(inProgress, true));
            world.produceAndLand(late);
            assertThat(checksums(world)).as("landing alone changes no partition").isEqualTo(before);

            Instant run = FintechWorld.runOf(OCT_8);
            assertThat(world.backfill(Backfill.Options.of(run, run).withRerun(true).withParallel(2)).ok()).isTrue();
            Map<String, Map<LocalDate, String>> after = checksums(world);
            assertThat(after.get("stg.currencies")).as("no late rate: unchanged").isEqualTo(before.get("stg.currencies"));
            for (String table : List.of("stg.transactions", "cdm.global_metrics")) {
                Map<LocalDate, String> others = new TreeMap<>(after.get(table));
                Map<LocalDate, String> othersBefore = new TreeMap<>(before.get(table));
                assertThat(others.remove(OCT_8)).as("%s of 10-08 changed", table).isNotEqualTo(othersBefore.remove(OCT_8));
                assertThat(others).as("%s: the other partitions", table).isEqualTo(othersBefore);
            }
            GlobalMetricsTruth.Expected truth = GlobalMetricsTruth.compute(world.produced());
            assertThat(FintechVerifier.martRows(world.warehouse).stream().filter(r -> r.date().equals(OCT_8)).toList())
                    .isEqualTo(truth.day(OCT_8));
            assertMartEqualsTruth(world, world.produced());
            dashboardsShow(world, truth);
        }
    }

    /** The console's "Global metrics" dashboard: the three charts of strata.yaml, drawn from the mart. */
    private static void dashboardsShow(FintechWorld world, GlobalMetricsTruth.Expected truth) throws Exception {
        try (ConsoleServer console = ConsoleServer.start(world.env, ConsoleHooks.forPipeline(world.pipeline))) {
            HttpClient http = HttpClient.newHttpClient();
            java.util.function.Function<String, JsonNode> get = path -> {
                try {
                    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(console.url().replaceAll("/$", "") + path))
                            .build(), HttpResponse.BodyHandlers.ofString());
                    assertThat(r.statusCode()).as(path).isEqualTo(200);
                    return JSON.readTree(r.body());
                } catch (Exception e) {
                    throw new AssertionError(path, e);
                }
            };
            assertThat(get.apply("/api/dashboards").get("dashboards")).extracting(d -> d.get("name").asText())
                    .containsExactly("amount_per_day", "transactions_per_day", "accounts");
            JsonNode perDay = get.apply("/api/dashboards/transactions_per_day/data");
            assertThat(perDay.get("ready").asBoolean()).isTrue();
            Map<String, Long> expected = new TreeMap<>();
            truth.allRows().forEach(r -> expected.merge(r.date().toString(), (long) r.transactions(), Long::sum));
            Map<String, Long> drawn = new TreeMap<>();
            perDay.get("rows").forEach(row -> drawn.put(row.get(0).asText().substring(0, 10), row.get(1).asLong()));
            assertThat(drawn).isEqualTo(expected);
            JsonNode amounts = get.apply("/api/dashboards/amount_per_day/data");
            assertThat(amounts.get("rows")).hasSize(truth.allRows().size());
            JsonNode accounts = get.apply("/api/dashboards/accounts/data");
            assertThat(accounts.get("rows")).hasSize(truth.allRows().size());
        }
    }

    private static FintechGenerator.Sent sent(FintechMessage m) {
        return new FintechGenerator.Sent(m, false);
    }

    private static TaskState stateOf(Backfill.Result result, String node, Instant logical) {
        return result.runs().stream().filter(r -> r.node().equals(node) && r.logicalDate().equals(logical))
                .findFirst().orElseThrow().state();
    }

    private static Map<String, Map<LocalDate, String>> checksums(FintechWorld world) throws Exception {
        Map<String, Map<LocalDate, String>> out = new TreeMap<>();
        out.put("stg.transactions", world.queries.partitionChecksums("stg.transactions", "transaction_dt"));
        out.put("stg.currencies", world.queries.partitionChecksums("stg.currencies", "date_update"));
        out.put("cdm.global_metrics", world.queries.partitionChecksums("cdm.global_metrics", "date_update"));
        return out;
    }
}
