package dev.strata.schedule;

import dev.strata.warehouse.Warehouse;
import java.sql.Connection;

/**
 * One attempt of one task run, as an action sees it.
 *
 * @param connection the task's transaction (auto-commit off, time zone UTC, timeout set)
 * @param attempt    1 for the first attempt
 */
public record TaskContext(Connection connection, Warehouse warehouse, String node, ScheduledInterval interval,
                          int attempt) {
}
