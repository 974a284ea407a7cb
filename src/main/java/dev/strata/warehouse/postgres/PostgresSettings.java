package dev.strata.warehouse.postgres;

import dev.strata.warehouse.TransactionSettings;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Optional;

/** {@code SET LOCAL}: every setting ends with the transaction by itself. */
final class PostgresSettings implements TransactionSettings {
    @Override
    public void deterministic(Connection connection) throws SQLException {
        try (Statement s = connection.createStatement()) {
            s.execute("SET LOCAL TIME ZONE 'UTC'");
            s.execute("SET LOCAL DateStyle = 'ISO, YMD'");
            s.execute("SET LOCAL extra_float_digits = 1");
        }
    }

    @Override
    public void sortMemory(Connection connection, long bytes) throws SQLException {
        try (Statement s = connection.createStatement()) {
            s.execute("SET LOCAL work_mem = '" + Math.max(64, bytes / 1024) + "kB'");
        }
    }

    @Override
    public void beginTask(Connection connection, Optional<Duration> timeout) throws SQLException {
        StringBuilder settings = new StringBuilder("SET LOCAL TIME ZONE 'UTC'");
        if (connection.getMetaData().getDatabaseMajorVersion() >= 14) {
            // Notice a dead client (a killed worker) within a second even mid-query, so its
            // transaction rolls back and its task run's row lock is released promptly.
            settings.append("; SET LOCAL client_connection_check_interval = 1000");
        }
        if (timeout.isPresent()) {
            settings.append("; SET LOCAL statement_timeout = ").append(Math.max(1, timeout.get().toMillis()));
        }
        try (Statement s = connection.createStatement()) {
            s.execute(settings.toString());   // one round trip: this runs before every task
        }
    }
}
