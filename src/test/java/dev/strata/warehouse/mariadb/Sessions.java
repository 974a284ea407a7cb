package dev.strata.warehouse.mariadb;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import org.awaitility.Awaitility;

/** Helpers for tests with several sessions: a session's id, and waiting until one is blocked. */
final class Sessions {
    private Sessions() {
    }

    static long id(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT CONNECTION_ID()")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** The server's state of session {@code id} (PROCESSLIST.STATE), e.g. "User lock", "Waiting for table metadata lock". */
    static String state(long id) throws SQLException {
        try (Connection c = SharedMariaDb.connect();
             PreparedStatement ps = c.prepareStatement("SELECT STATE FROM information_schema.PROCESSLIST WHERE ID = ?")) {
            ps.setLong(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    /**
     * True when session {@code id}'s transaction waits for an InnoDB row lock: INNODB_TRX says
     * {@code LOCK WAIT}, or (where that view lags, as seen once on a loaded CI machine) the session
     * has been running its (blocking) statement for over a second.
     */
    static boolean waitsForRowLock(long id) throws SQLException {
        try (Connection c = SharedMariaDb.connect();
             PreparedStatement trx = c.prepareStatement("SELECT trx_state FROM information_schema.INNODB_TRX WHERE trx_mysql_thread_id = ?");
             PreparedStatement proc = c.prepareStatement("SELECT TIME_MS FROM information_schema.PROCESSLIST "
                     + "WHERE ID = ? AND COMMAND = 'Query'")) {
            trx.setLong(1, id);
            try (ResultSet rs = trx.executeQuery()) {
                if (rs.next() && "LOCK WAIT".equals(rs.getString(1))) {
                    return true;
                }
            }
            proc.setLong(1, id);
            try (ResultSet rs = proc.executeQuery()) {
                return rs.next() && rs.getDouble(1) > 1000;
            }
        }
    }

    interface Check {
        boolean holds() throws SQLException;
    }

    static void await(String what, Check check) {
        Awaitility.await(what).atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20)).until(check::holds);
    }

    /**
     * Waits until {@code check} holds while {@code blocked} (the statement expected to block) is
     * still running: if that statement ends first, its outcome is the failure (an error it threw,
     * or that it did not block), not a 30 s timeout that hides it.
     */
    static void await(String what, java.util.concurrent.CompletableFuture<?> blocked, Check check) {
        await(what, () -> {
            if (blocked.isDone()) {
                blocked.join();
                throw new AssertionError(what + ": the statement ended without blocking");
            }
            return check.holds();
        });
    }

    static void exec(Connection c, String... sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            for (String q : sql) {
                s.execute(q);
            }
        }
    }

    static long longValue(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    static String string(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
