package dev.strata.examples.fintech;

import dev.strata.examples.fintech.FintechMessage.Rate;
import dev.strata.examples.fintech.FintechMessage.Transaction;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.UUID;

/**
 * The "seed profile" of scenario 001 §4, deterministic from a seed: exactly the per-date
 * transaction message counts the seed reports, status chains per operation, 1 % of operations on
 * test (negative) accounts, one rate per day and ordered currency pair, and 1 % exact duplicates
 * of which half arrive within 5 minutes and half 10–60 minutes late.
 *
 * <p>{@link #generate()} returns the messages in the order they are sent (by send time, duplicates
 * at their late position), each flagged when it is a re-send, together with the
 * {@link FintechManifest} the generator kept while making them (per date: distinct messages,
 * operations, final statuses, qualifying operations). Tests compare the warehouse with both.
 */
public final class FintechGenerator {
    /** Transaction messages per business date in the seed (§4). */
    public static final Map<LocalDate, Integer> SEED_COUNTS = seedCounts();
    public static final List<Integer> CURRENCIES = List.of(410, 420, 430, 440, 450, 460, 470);
    public static final int USD = 420;
    public static final LocalDate FIRST_DAY = LocalDate.of(2022, 10, 1);
    public static final LocalDate LAST_DAY = LocalDate.of(2022, 10, 31);
    private static final String[] COUNTRIES = {"russia", "usa", "germany", "kazakhstan", "serbia", "turkey", "uae"};
    private static final String[] TYPES = {"authorisation", "sbp_incoming", "sbp_outgoing", "transfer_incoming",
            "transfer_outgoing", "c2a_incoming", "c2b_partner_incoming", "c2b_partner_outgoing"};

    /** A message as sent: the message, and whether it is a duplicate re-send. */
    public record Sent(FintechMessage message, boolean duplicate) {
    }

    /** What {@link #generate()} produced: the messages in send order and the generator's manifest. */
    public record Generated(List<Sent> messages, FintechManifest manifest) {
        public Generated {
            messages = List.copyOf(messages);
        }
    }

    private final long seed;
    private final Map<LocalDate, Integer> counts;

    public FintechGenerator(long seed) {
        this(seed, SEED_COUNTS);
    }

    public FintechGenerator(long seed, Map<LocalDate, Integer> counts) {
        this.seed = seed;
        this.counts = Map.copyOf(counts);
    }

    private static Map<LocalDate, Integer> seedCounts() {
        Map<LocalDate, Integer> m = new LinkedHashMap<>();
        m.put(LocalDate.of(2022, 10, 1), 87_098);
        m.put(LocalDate.of(2022, 10, 5), 88_168);
        m.put(LocalDate.of(2022, 10, 8), 24_129);
        m.put(LocalDate.of(2022, 10, 10), 4_811);
        m.put(LocalDate.of(2022, 10, 18), 2_070);
        m.put(LocalDate.of(2022, 10, 20), 38_665);
        return m;
    }

    /**
     * A profile with the seed's six dates and {@code messagesPerDate} messages on each: the same
     * shape (chains, test accounts, all 1,302 rates, duplicates) at a size tests can afford.
     */
    public static FintechGenerator small(long seed, int messagesPerDate) {
        Map<LocalDate, Integer> c = new LinkedHashMap<>();
        SEED_COUNTS.keySet().forEach(d -> c.put(d, messagesPerDate));
        return new FintechGenerator(seed, c);
    }

    public Generated generate() {
        SplittableRandom rnd = new SplittableRandom(seed);
        List<FintechMessage> originals = new ArrayList<>();
        FintechManifest.Builder manifest = new FintechManifest.Builder();
        for (LocalDate day = FIRST_DAY; !day.isAfter(LAST_DAY); day = day.plusDays(1)) {
            rates(rnd, day, originals);
            manifest.rates(day, CURRENCIES.size() * (CURRENCIES.size() - 1));
            int target = counts.getOrDefault(day, 0);
            transactions(rnd, day, target, originals, manifest);
        }
        originals.sort(Comparator.comparing(FintechMessage::sentDttm));
        // Duplicates: 1 % of all messages, half within 5 minutes, half 10–60 minutes later.
        record Slot(LocalDateTime at, long order, Sent sent) {
        }
        List<Slot> slots = new ArrayList<>(originals.size() + originals.size() / 90);
        long order = 0;
        for (FintechMessage m : originals) {
            slots.add(new Slot(m.sentDttm(), order++, new Sent(m, false)));
            if (rnd.nextDouble() < 0.01) {
                boolean late = !rnd.nextBoolean();
                long delaySeconds = late ? 600 + rnd.nextInt(3001) : 1 + rnd.nextInt(299);
                slots.add(new Slot(m.sentDttm().plusSeconds(delaySeconds), order++, new Sent(m, true)));
                manifest.duplicate(late);
            }
        }
        slots.sort(Comparator.comparing(Slot::at).thenComparingLong(Slot::order));
        List<Sent> out = new ArrayList<>(slots.size());
        slots.forEach(s -> out.add(s.sent()));
        return new Generated(out, manifest.build());
    }

    private static void rates(SplittableRandom rnd, LocalDate day, List<FintechMessage> out) {
        LocalDateTime at = day.atStartOfDay();
        for (int from : CURRENCIES) {
            for (int with : CURRENCIES) {
                if (from == with) {
                    continue;
                }
                BigDecimal div = BigDecimal.valueOf(500 + rnd.nextInt(1001), 3);
                out.add(new Rate(uuid(rnd), from, with, div, at, at.plusSeconds(rnd.nextInt(600))));
            }
        }
    }

    private static void transactions(SplittableRandom rnd, LocalDate day, int target, List<FintechMessage> out,
                                     FintechManifest.Builder manifest) {
        int remaining = target;
        while (remaining > 0) {
            String finalStatus = finalStatus(rnd);
            List<String> chain = chain(rnd, finalStatus);
            if (chain.size() > remaining) {
                // the last chain of the day is cut to make the count exact; it ends where it was cut
                chain = chain.subList(0, remaining);
            }
            String op = uuid(rnd);
            boolean test = rnd.nextDouble() < 0.01;
            long from = test ? -(1 + rnd.nextInt(20)) : 100_000 + rnd.nextInt(5_000);
            long to = 100_000 + rnd.nextInt(5_000);
            int currency = rnd.nextDouble() < 0.4 ? USD : otherCurrency(rnd);
            String country = COUNTRIES[rnd.nextInt(COUNTRIES.length)];
            String type = TYPES[rnd.nextInt(TYPES.length)];
            long amount = 100 + rnd.nextInt(1_000_000);
            LocalDateTime dt = day.atStartOfDay().plusNanos(rnd.nextLong(86_400_000L) * 1_000_000L);
            LocalDateTime sent = dt;
            for (String status : chain) {
                sent = sent.plusSeconds(1 + rnd.nextInt(30));
                out.add(new Transaction(op, from, to, currency, country, status, type, amount, dt, sent.withNano(0)));
            }
            manifest.operation(day, chain.size(), chain.get(chain.size() - 1), chain.contains("done") && from >= 0);
            remaining -= chain.size();
        }
    }

    private static int otherCurrency(SplittableRandom rnd) {
        int c = CURRENCIES.get(rnd.nextInt(CURRENCIES.size() - 1));
        return c >= USD ? c + 10 : c;   // skip 420: 410, 430, 440, ... each 10 %
    }

    private static String finalStatus(SplittableRandom rnd) {
        double p = rnd.nextDouble();
        if (p < 0.80) return "done";
        if (p < 0.87) return "blocked";
        if (p < 0.92) return "chargeback";
        return rnd.nextBoolean() ? "queued" : "in_progress";
    }

    private static List<String> chain(SplittableRandom rnd, String finalStatus) {
        return switch (finalStatus) {
            case "queued" -> List.of("queued");
            case "in_progress" -> List.of("queued", "in_progress");
            default -> rnd.nextBoolean() ? List.of("queued", "in_progress", finalStatus) : List.of("queued", finalStatus);
        };
    }

    private static String uuid(SplittableRandom rnd) {
        return new UUID((rnd.nextLong() & ~0xF000L) | 0x4000L, (rnd.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L).toString();
    }
}
