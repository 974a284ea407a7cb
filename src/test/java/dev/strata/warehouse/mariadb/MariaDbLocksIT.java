package dev.strata.warehouse.mariadb;

import static dev.strata.warehouse.mariadb.Sessions.exec;
import static dev.strata.warehouse.mariadb.Sessions.longValue;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * (b) Locks on MariaDB: GET_LOCK is session-scoped (a commit or rollback does not release it),
 * fitting a session lock around migrations; a transaction-scoped lock like PostgreSQL's
 * pg_advisory_xact_lock is a locked row of a locks table, released by commit, rollback or a dead
 * session, with NOWAIT / SKIP LOCKED / a per-statement lock wait timeout for the try-lock.
 */
class MariaDbLocksIT {
    private static final String DB = "locks_it";

    @BeforeEach
    void freshDatabase() throws SQLException {
        try (Connection c = SharedMariaDb.connect()) {
            SharedMariaDb.freshDatabase(c, DB);
            exec(c, "CREATE TABLE " + DB + ".locks (name VARCHAR(64) PRIMARY KEY) ENGINE=InnoDB");
        }
    }

    @Test
    void shouldHoldAGetLockAcrossCommitAndRollbackUntilReleased() throws Exception {
        try (Connection a = SharedMariaDb.connect(); Connection b = SharedMariaDb.connect()) {
            a.setAutoCommit(false);
            assertThat(longValue(a, "SELECT GET_LOCK('strata:m', 0)")).isEqualTo(1);
            a.commit();
            a.rollback();
            assertThat(longValue(b, "SELECT GET_LOCK('strata:m', 0)")).as("still A's after its commit and rollback").isZero();
            assertThat(longValue(b, "SELECT IS_USED_LOCK('strata:m')")).isEqualTo(Sessions.id(a));
            assertThat(longValue(a, "SELECT RELEASE_LOCK('strata:m')")).isEqualTo(1);
            assertThat(longValue(b, "SELECT GET_LOCK('strata:m', 0)")).isEqualTo(1);
        }
    }

    @Test
    void shouldReleaseAGetLockWhenItsSessionEnds() throws Exception {
        try (Connection b = SharedMariaDb.connect()) {
            Connection a = SharedMariaDb.connect();
            assertThat(longValue(a, "SELECT GET_LOCK('strata:m', 0)")).isEqualTo(1);
            long bId = Sessions.id(b);
            CompletableFuture<Long> waiting = CompletableFuture.supplyAsync(() -> {
                try {
                    return longValue(b, "SELECT GET_LOCK('strata:m', 60)");
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
            });
            Sessions.await("B waits in GET_LOCK", waiting, () -> "User lock".equals(Sessions.state(bId)));
            a.close();   // a killed process: its session ends
            assertThat(waiting.get(30, TimeUnit.SECONDS)).isEqualTo(1);
        }
    }

    @Test
    void shouldCountNestedGetLocksOfOneSession() throws Exception {
        try (Connection a = SharedMariaDb.connect(); Connection b = SharedMariaDb.connect()) {
            assertThat(longValue(a, "SELECT GET_LOCK('strata:m', 0) + GET_LOCK('strata:m', 0)")).isEqualTo(2);
            assertThat(longValue(a, "SELECT RELEASE_LOCK('strata:m')")).isEqualTo(1);
            assertThat(longValue(b, "SELECT GET_LOCK('strata:m', 0)")).as("taken twice, released once").isZero();
            assertThat(longValue(a, "SELECT RELEASE_LOCK('strata:m')")).isEqualTo(1);
            assertThat(longValue(b, "SELECT GET_LOCK('strata:m', 0)")).isEqualTo(1);
        }
    }

    @Test
    void shouldHoldALockedRowUntilCommitAndLetOthersTryWithoutWaiting() throws Exception {
        try (Connection a = SharedMariaDb.connect(); Connection b = SharedMariaDb.connect()) {
            exec(a, "INSERT INTO " + DB + ".locks VALUES ('k') ON DUPLICATE KEY UPDATE name = name");
            a.setAutoCommit(false);
            b.setAutoCommit(false);
            String lock = "SELECT name FROM " + DB + ".locks WHERE name = 'k' FOR UPDATE";
            exec(a, lock);
            // try-lock, two ways: NOWAIT fails at once with 1205, SKIP LOCKED returns no row
            assertThatThrownBy(() -> exec(b, lock + " NOWAIT")).isInstanceOf(SQLException.class)
                    .satisfies(e -> assertThat(((SQLException) e).getErrorCode()).isEqualTo(1205));
            try (Statement s = b.createStatement(); ResultSet rs = s.executeQuery(lock + " SKIP LOCKED")) {
                assertThat(rs.next()).as("SKIP LOCKED: not acquired").isFalse();
            }
            long bId = Sessions.id(b);
            CompletableFuture<Void> waiting = CompletableFuture.runAsync(() -> {
                try {
                    exec(b, lock);
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
            });
            Sessions.await("B waits for A's row lock", waiting, () -> Sessions.waitsForRowLock(bId));
            assertThat(waiting).isNotDone();
            a.commit();
            waiting.get(30, TimeUnit.SECONDS);
            b.rollback();   // released by rollback too
            try (Statement s = a.createStatement(); ResultSet rs = s.executeQuery(lock + " NOWAIT")) {
                assertThat(rs.next()).isTrue();
            }
            a.rollback();
        }
    }

    @Test
    void shouldLockAKeyInsertedInTheSameTransactionWithoutARaceOnItsFirstUse() throws Exception {
        // insert-if-absent then lock, in one statement: the first transaction creates and holds the
        // row, a second one blocks on the same key until the first ends, then finds it (0 rows affected)
        String lock = "INSERT INTO " + DB + ".locks VALUES ('fresh') ON DUPLICATE KEY UPDATE name = name";
        try (Connection a = SharedMariaDb.connect(); Connection b = SharedMariaDb.connect("useAffectedRows", "true")) {
            a.setAutoCommit(false);
            b.setAutoCommit(false);
            exec(a, lock);
            // a try-lock on a key that may not exist yet: a zero lock wait for this one statement
            assertThatThrownBy(() -> exec(b, "SET STATEMENT innodb_lock_wait_timeout = 0 FOR " + lock))
                    .isInstanceOf(SQLException.class)
                    .satisfies(e -> assertThat(((SQLException) e).getErrorCode()).isEqualTo(1205));
            long bId = Sessions.id(b);
            CompletableFuture<Integer> waiting = CompletableFuture.supplyAsync(() -> {
                try (Statement s = b.createStatement()) {
                    return s.executeUpdate(lock);
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
            });
            Sessions.await("B waits for the row A inserted", waiting, () -> Sessions.waitsForRowLock(bId));
            a.commit();
            assertThat(waiting.get(30, TimeUnit.SECONDS)).as("the row existed: nothing inserted").isZero();
            b.commit();
        }
    }

    @Test
    void shouldGiveUpALockWaitAfterInnodbLockWaitTimeoutButKeepTheTransaction() throws Exception {
        try (Connection a = SharedMariaDb.connect(); Connection b = SharedMariaDb.connect()) {
            exec(a, "INSERT INTO " + DB + ".locks VALUES ('k')");
            assertThat(longValue(b, "SELECT @@innodb_lock_wait_timeout")).as("MariaDB's default, in seconds").isEqualTo(50);
            assertThat(longValue(b, "SELECT @@innodb_rollback_on_timeout")).isZero();
            a.setAutoCommit(false);
            b.setAutoCommit(false);
            exec(a, "SELECT name FROM " + DB + ".locks WHERE name = 'k' FOR UPDATE");
            exec(b, "INSERT INTO " + DB + ".locks VALUES ('mine')");
            assertThatThrownBy(() -> exec(b, "SET STATEMENT innodb_lock_wait_timeout = 1 FOR "
                    + "SELECT name FROM " + DB + ".locks WHERE name = 'k' FOR UPDATE"))
                    .satisfies(e -> assertThat(((SQLException) e).getErrorCode()).isEqualTo(1205));
            b.commit();   // only the waiting statement failed: B's earlier insert commits
            a.rollback();
            assertThat(longValue(a, "SELECT COUNT(*) FROM " + DB + ".locks WHERE name = 'mine'")).isEqualTo(1);
        }
    }
}
