package dev.strata.examples.webshop;

import java.time.Duration;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The registrations the original's kafka-datagen sent, deterministic from a seed: event {@code i}
 * (from 0) is a user with the users generator's fields, registered at {@link #START} plus
 * {@code i} times the seed's interval of 3 s — 200 events in every 10 minutes of the stream's clock.
 * The demo sends them faster than that clock (it compresses time, not the rate the events describe).
 */
public final class RegistrationStream {
    /** The seed's generator sends one event every 3 seconds. */
    public static final Duration INTERVAL = Duration.ofSeconds(3);
    /** The stream's first registration: the morning after the first snapshot's date. */
    public static final LocalDateTime START = LocalDateTime.parse("2024-12-30T08:00:00");

    private final long seed;

    public RegistrationStream(long seed) {
        this.seed = seed;
    }

    /** Events {@code from} .. {@code from + count - 1}; the same for the same seed, whichever slices are asked for. */
    public List<Registration> events(int from, int count) {
        List<Registration> out = new ArrayList<>(count);
        for (int i = from; i < from + count; i++) {
            out.add(event(i));
        }
        return out;
    }

    Registration event(int i) {
        Random r = new Random(seed * 1_000_003L + i);
        String first = ShopGenerator.FIRST[r.nextInt(ShopGenerator.FIRST.length)];
        String last = ShopGenerator.LAST[r.nextInt(ShopGenerator.LAST.length)];
        return new Registration(first, last, (first + "." + last + ".s" + i + "@example.com").toLowerCase(java.util.Locale.ROOT),
                ShopGenerator.phone(r), START.plus(INTERVAL.multipliedBy(i)),
                ShopGenerator.LOYALTY.get(r.nextInt(ShopGenerator.LOYALTY.size())));
    }
}
