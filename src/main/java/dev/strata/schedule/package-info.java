/**
 * The scheduler: schedules (every/cron, start, end, catch-up, offset), task runs in
 * {@code strata.task_runs} as queue and log with {@code SKIP LOCKED} claims and leases, workers,
 * retries, backfills and the continuous {@code strata run} loop.
 */
package dev.strata.schedule;
