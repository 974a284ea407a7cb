package dev.strata.schedule;

import java.time.Instant;

/**
 * A task run whose attempt failed and that waits out its {@code retry_delay} before the next one:
 * what a command prints so that a user does not stare for minutes at a progress bar that does not move.
 *
 * @param logicalDate the run's schedule date
 * @param interval    the data interval it processes
 * @param attempt     the attempt that failed
 * @param maxAttempts attempts in all ({@code retries + 1})
 * @param error       why it failed
 * @param nextAttempt the earliest time of the next attempt
 */
public record RetryWait(String node, Instant logicalDate, Interval interval, int attempt, int maxAttempts,
                        String error, Instant nextAttempt) {
}
