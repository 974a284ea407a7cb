package dev.strata.schedule;

import java.sql.SQLException;

/**
 * What runs one task run. Marts and SQL tasks run on {@link TaskContext#connection()}, the task's
 * own transaction, which also holds the task run's row lock and records its success: the work and
 * "success" commit together or not at all. An action that manages its own transactions (a vault
 * load) may use {@link TaskContext#warehouse()} instead; it must then be idempotent, since a crash
 * between its commit and the task's can make it run again.
 */
@FunctionalInterface
public interface TaskAction {
    /** Runs the node for the context's interval; returns the rows affected. Must not commit or roll back. */
    long run(TaskContext context) throws SQLException;
}
