package dev.strata.warehouse;

import java.sql.SQLException;

/**
 * Capability: what a warehouse error means, decided in one place per database (SQL states differ:
 * PostgreSQL's {@code 23505} is MySQL's error 1062). Callers retry, dead-letter or fail on these
 * answers and never look at vendor codes themselves.
 */
public interface SqlErrors {
    /** The connection or server is gone, or the transaction lost a deadlock or serialization race: a retry may succeed. */
    boolean isTransient(SQLException e);

    /** The statement was cancelled by the timeout set by {@link TransactionSettings#beginTask}. */
    boolean isTimeout(SQLException e);

    /** A unique or primary key was violated. */
    boolean isUniqueViolation(SQLException e);

    /**
     * The error is caused by the values of some row (a bad value, a violated constraint), so that
     * landing the other rows without it can succeed.
     */
    boolean isDataError(SQLException e);

    /**
     * Where in the statement the warehouse placed the error: the 1-based character position it
     * reports ({@code Position: 479}), or empty when it gives none.
     */
    default java.util.OptionalInt position(SQLException e) {
        return java.util.OptionalInt.empty();
    }
}
