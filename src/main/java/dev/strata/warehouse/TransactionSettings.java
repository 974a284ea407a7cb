package dev.strata.warehouse;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Optional;

/**
 * Capability: per-transaction settings. Every setting applies from the call until the current
 * transaction ends and is gone after it (a pooled connection is handed to the next user as it
 * was): an adapter whose settings are per session must restore them itself. Call with auto-commit off.
 */
public interface TransactionSettings {
    /**
     * Makes casts and canonical text deterministic for the rest of the transaction: time zone UTC,
     * ISO dates, doubles in their shortest exact form.
     */
    void deterministic(Connection connection) throws SQLException;

    /** Gives each sort and hash of the transaction up to {@code bytes} of memory before it spills (no-op where there is no such knob). */
    void sortMemory(Connection connection, long bytes) throws SQLException;

    /**
     * Prepares a task's transaction: session time zone UTC (so interval bounds mean the same for
     * {@code date}, {@code timestamp} and {@code timestamptz} columns), prompt notice of a dead
     * client where the database can, and, when given, a timeout after which the running statement
     * is cancelled ({@link SqlErrors#isTimeout}).
     */
    void beginTask(Connection connection, Optional<Duration> timeout) throws SQLException;
}
