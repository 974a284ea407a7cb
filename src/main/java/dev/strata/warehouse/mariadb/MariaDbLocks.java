package dev.strata.warehouse.mariadb;

import dev.strata.warehouse.LockKey;
import dev.strata.warehouse.Locks;
import dev.strata.warehouse.Warehouse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * MariaDB's named locks. {@code GET_LOCK} belongs to the session (a commit does not release it,
 * MariaDbLocksIT), so the <b>transaction scope</b> is a row of {@code strata.locks} (migration V1)
 * locked by {@code INSERT … ON DUPLICATE KEY UPDATE}: one statement that creates the key's row on
 * first use and takes its exclusive row lock, which InnoDB keeps until the transaction commits or
 * rolls back and drops when the session dies. The try-lock runs the same statement with a lock
 * wait of 0 ({@code SET STATEMENT innodb_lock_wait_timeout = 0 FOR}), whose timeout (1205) rolls
 * back that statement only. The <b>session scope</b> (migrations, before {@code strata.locks}
 * exists) is {@code GET_LOCK}. Around DDL, whose every statement commits, the row is locked in a
 * transaction of a second, unpooled session that lives until the section ends.
 */
final class MariaDbLocks implements Locks {
    static final String TABLE = "strata.locks";
    private static final String LOCK_ROW = "INSERT INTO " + TABLE + " (id, name) VALUES (?, ?) ON DUPLICATE KEY UPDATE id = id";
    /** GET_LOCK's wait in seconds: "as long as the holder holds" (a year; negative means forever only on newer servers). */
    private static final int SESSION_WAIT_SECONDS = 31_536_000;
    private static final int LOCK_WAIT_TIMEOUT = 1205;

    @Override
    public void lockForTransaction(Connection connection, LockKey key) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(LOCK_ROW)) {
            bind(ps, key);
            ps.executeUpdate();
        }
    }

    @Override
    public boolean tryLockForTransaction(Connection connection, LockKey key) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement("SET STATEMENT innodb_lock_wait_timeout = 0 FOR " + LOCK_ROW)) {
            bind(ps, key);
            ps.executeUpdate();
            return true;
        } catch (SQLException e) {
            if (e.getErrorCode() == LOCK_WAIT_TIMEOUT) {
                return false;   // only the statement was rolled back (innodb_rollback_on_timeout is off)
            }
            throw e;
        }
    }

    @Override
    public void lockSession(Connection connection, LockKey key) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement("SELECT GET_LOCK(?, ?)")) {
            ps.setString(1, sessionLockName(key));
            ps.setInt(2, SESSION_WAIT_SECONDS);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next() || rs.getInt(1) != 1) {
                    throw new SQLException("could not take the lock '" + key.name() + "' (GET_LOCK returned "
                            + rs.getObject(1) + ")", "HY000");
                }
            }
        }
    }

    @Override
    public void unlockSession(Connection connection, LockKey key) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement("SELECT RELEASE_LOCK(?)")) {
            ps.setString(1, sessionLockName(key));
            ps.execute();
        }
    }

    /**
     * The key's row locked by a transaction of its own session, so that the DDL run on
     * {@code connection} (each statement of which commits) cannot release it; the session is
     * unpooled, so that sections never wait for a pool their own callers exhaust.
     */
    @Override
    public DdlLock lockAroundDdl(Warehouse warehouse, Connection connection, LockKey key) throws SQLException {
        Connection holder = warehouse.unpooledConnection();
        try {
            holder.setAutoCommit(false);
            lockForTransaction(holder, key);
        } catch (SQLException | RuntimeException e) {
            holder.close();
            throw e;
        }
        return () -> {
            try {
                holder.rollback();
            } finally {
                holder.close();
            }
        };
    }

    /** GET_LOCK names are at most 64 characters: the key's number, not its name. */
    static String sessionLockName(LockKey key) {
        return "strata:" + Long.toHexString(key.id());
    }

    private static void bind(PreparedStatement ps, LockKey key) throws SQLException {
        ps.setLong(1, key.id());
        String name = key.name();
        ps.setString(2, name.length() > 255 ? name.substring(0, 255) : name);
    }
}
