package dev.strata.warehouse.mariadb;

import dev.strata.warehouse.TransactionSettings;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Optional;

/**
 * MariaDB's settings belong to the session, not the transaction. Every connection of Strata's is
 * opened in UTC ({@link MariaDbAdapter#connectionProperties}), and canonical text does not depend on
 * a date style or float setting there ({@code DATE_FORMAT}, {@code CAST(.. AS CHAR)}), so
 * {@link #deterministic} has nothing to set. A task sets UTC again (its SQL may have changed the
 * zone) and its timeout as {@code max_statement_time}, saving the session's values first;
 * {@link #endTask} puts them back. MariaDB has no setting that notices a dead client mid-statement:
 * a killed worker's statement runs to its end, then its transaction rolls back.
 */
final class MariaDbSettings implements TransactionSettings {
    @Override
    public void deterministic(Connection connection) {
    }

    /** {@code sort_buffer_size} is per sort and per session; the server's is kept (see docs/performance.md). */
    @Override
    public void sortMemory(Connection connection, long bytes) {
    }

    @Override
    public void beginTask(Connection connection, Optional<Duration> timeout) throws SQLException {
        StringBuilder set = new StringBuilder("SET @strata_time_zone = @@session.time_zone,"
                + " @strata_max_statement_time = @@session.max_statement_time, SESSION time_zone = '+00:00'");
        timeout.ifPresent(t -> set.append(", SESSION max_statement_time = ").append(Math.max(0.001, t.toMillis() / 1000.0)));
        try (Statement s = connection.createStatement()) {
            s.execute(set.toString());   // one round trip: this runs before every task
        }
    }

    @Override
    public void endTask(Connection connection) throws SQLException {
        try (Statement s = connection.createStatement()) {
            s.execute("SET SESSION time_zone = COALESCE(@strata_time_zone, '+00:00'),"
                    + " SESSION max_statement_time = COALESCE(@strata_max_statement_time, 0)");
        }
    }
}
