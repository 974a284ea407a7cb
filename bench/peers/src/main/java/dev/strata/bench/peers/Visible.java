package dev.strata.bench.peers;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.TimeoutException;

/**
 * When a peer's rows are visible: committed and counted by {@code count(*)} from a connection of
 * its own. The peers only write, so the benchmark can know they are done only by looking. The
 * poll sleeps about half the estimated remaining time (50 ms to 1 s): a peer that commits steadily
 * is caught within ~0.1 s of its end, one that commits in a few large transactions (Spark: one per
 * Kafka partition and micro-batch) up to ~1 s late. The scans compete with the peer for the CPU,
 * so {@link Result} says how many there were and what they cost.
 */
final class Visible {
    record Result(long nanos, int polls, long pollNanos) {
    }

    private final Pg pg;

    Visible(Pg pg) {
        this.pg = pg;
    }

    /** Waits until {@code table} holds {@code n} rows; the time is measured from {@code t0} ({@link System#nanoTime()}). */
    Result await(String table, long n, long t0, Duration timeout) throws SQLException, InterruptedException, TimeoutException {
        int polls = 0;
        long pollNanos = 0;
        try (Connection c = pg.connect(); Statement s = c.createStatement()) {
            while (true) {
                long p0 = System.nanoTime();
                long count;
                try (ResultSet rs = s.executeQuery("SELECT count(*) FROM " + table)) {
                    rs.next();
                    count = rs.getLong(1);
                }
                long now = System.nanoTime();
                polls++;
                pollNanos += now - p0;
                if (count >= n) {
                    return new Result(now - t0, polls, pollNanos);
                }
                if (now - t0 > timeout.toNanos()) {
                    throw new TimeoutException(table + " holds " + count + " of " + n + " rows after " + timeout.toSeconds() + " s");
                }
                double elapsed = (now - t0) / 1e9;
                double remaining = count == 0 ? 1.0 : elapsed * (n - count) / count;
                Thread.sleep((long) Math.max(50, Math.min(1000, remaining * 500)));
            }
        }
    }

    /** PostgreSQL as the peers reach it: plain JDBC to the benchmark's server. */
    record Pg(String url, String user, String password) {
        Connection connect() throws SQLException {
            return DriverManager.getConnection(url, user, password);
        }

        void execute(String... statements) throws SQLException {
            try (Connection c = connect(); Statement s = c.createStatement()) {
                for (String sql : statements) {
                    s.execute(sql);
                }
            }
        }

        /** The URL with {@code stringtype=unspecified}: lets a varchar parameter land in a jsonb column (Spark's JDBC writer). */
        String urlWithUntypedStrings() {
            return url + (url.contains("?") ? "&" : "?") + "stringtype=unspecified";
        }
    }
}
