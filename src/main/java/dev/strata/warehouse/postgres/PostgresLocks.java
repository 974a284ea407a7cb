package dev.strata.warehouse.postgres;

import dev.strata.warehouse.LockKey;
import dev.strata.warehouse.Locks;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/** PostgreSQL advisory locks on the key's 64-bit id: {@code pg_advisory_xact_lock} is transaction-scoped natively. */
final class PostgresLocks implements Locks {
    @Override
    public void lockForTransaction(Connection connection, LockKey key) throws SQLException {
        run(connection, "SELECT pg_advisory_xact_lock(?)", key);
    }

    @Override
    public boolean tryLockForTransaction(Connection connection, LockKey key) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement("SELECT pg_try_advisory_xact_lock(?)")) {
            ps.setLong(1, key.id());
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        }
    }

    @Override
    public void lockSession(Connection connection, LockKey key) throws SQLException {
        run(connection, "SELECT pg_advisory_lock(?)", key);
    }

    @Override
    public void unlockSession(Connection connection, LockKey key) throws SQLException {
        run(connection, "SELECT pg_advisory_unlock(?)", key);
    }

    private static void run(Connection connection, String sql, LockKey key) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(sql)) {
            ps.setLong(1, key.id());
            ps.execute();
        }
    }
}
