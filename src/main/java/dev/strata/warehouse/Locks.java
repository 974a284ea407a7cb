package dev.strata.warehouse;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * Capability: named locks that coordinate Strata processes sharing one warehouse (one vault load
 * per target, one STG writer per sequence draw, one table-mart swap, one enqueuer per pipeline,
 * one metadata migration). Keys come from {@link LockKeys}, never from callers' own hashing.
 *
 * <p>Guarantees:
 * <ul>
 *   <li><b>Transaction scope</b> ({@link #lockForTransaction}, {@link #tryLockForTransaction}): the
 *       lock is held from the call until the connection's current transaction commits or rolls
 *       back — including a rollback caused by the client dying — and by then it is released
 *       without any further call. While it is held, no other connection's transaction-scoped or
 *       session-scoped lock on the same key is granted. Re-taking a key the transaction already
 *       holds succeeds at once. An adapter whose database only has session-scoped named locks
 *       (MySQL/MariaDB {@code GET_LOCK}) must implement this scope another way, e.g. by locking a
 *       row of a lock table with {@code SELECT … FOR UPDATE}, which InnoDB releases at commit.</li>
 *   <li><b>Session scope</b> ({@link #lockSession}/{@link #unlockSession}): held until unlocked or the
 *       connection closes; used on an unpooled connection around metadata migrations, whose DDL
 *       may commit on its own.</li>
 *   <li>Waiting: {@code lockForTransaction} and {@code lockSession} wait as long as the holder
 *       holds (subject to the connection's statement timeout); {@code tryLockForTransaction} never
 *       waits.</li>
 * </ul>
 * Must be called with auto-commit off for transaction scope (a lock in an auto-committed
 * statement would be released at once).
 *
 * <p>Caveat for warehouses without transactional DDL: callers today hold a transaction-scoped lock
 * around DDL (STG table creation, the vault's {@code CREATE}/{@code ALTER}, an incremental mart's
 * first run). Where each DDL statement commits on its own, that commit ends the lock's scope, so
 * such an adapter must serialize those sections with a session-scoped lock on the same key (its
 * {@link Catalog#ensureSchema} and {@link Materializer} do their DDL on a connection of their own).
 */
public interface Locks {
    /** Takes the lock on {@code key} for the rest of the current transaction, waiting for it. */
    void lockForTransaction(Connection connection, LockKey key) throws SQLException;

    /** Like {@link #lockForTransaction} but does not wait; returns false when another session holds it. */
    boolean tryLockForTransaction(Connection connection, LockKey key) throws SQLException;

    /** Takes a session-level lock, held until {@link #unlockSession} or the connection closes. */
    void lockSession(Connection connection, LockKey key) throws SQLException;

    void unlockSession(Connection connection, LockKey key) throws SQLException;
}
