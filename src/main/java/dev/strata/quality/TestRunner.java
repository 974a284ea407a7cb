package dev.strata.quality;

import dev.strata.StrataException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs tests on a connection, in the caller's transaction (a mart's tests run in its build's
 * transaction, so they see the rows just written and a failure rolls them back). Each test is one
 * {@code count(*)} over its offending-rows query; only a failing test's query runs a second time,
 * for up to {@value #SAMPLES} sample rows. A test whose query fails is recorded as {@code error}
 * and does not abort the others: inside a transaction each test runs under a savepoint.
 */
public final class TestRunner {
    /** Offending rows kept per failing test, for the run log and the console. */
    public static final int SAMPLES = 10;
    /** Characters kept of each sample value (a whole JSON payload would drown the message). */
    static final int SAMPLE_VALUE_CHARS = 200;
    private final Clock clock;

    public TestRunner(Clock clock) {
        this.clock = clock;
    }

    public List<TestResult> run(Connection c, List<DataTest> tests, TestScope scope) throws SQLException {
        List<TestResult> out = new ArrayList<>();
        for (DataTest t : tests) {
            out.add(runOne(c, t, scope));
        }
        return out;
    }

    private TestResult runOne(Connection c, DataTest t, TestScope scope) throws SQLException {
        Instant started = clock.instant();
        long t0 = System.nanoTime();
        BoundSql sql;
        try {
            sql = t.query().sql(scope);
        } catch (StrataException | IllegalArgumentException e) {
            return new TestResult(t, TestResult.Status.ERROR, 0, List.of(), e.getMessage(), started, since(t0));
        }
        Savepoint sp = c.getAutoCommit() ? null : c.setSavepoint();
        try {
            String body = strip(sql.sql());
            long count = count(c, "SELECT count(*) FROM (" + body + "\n) strata_test", sql);
            List<Map<String, String>> samples = count == 0 ? List.of() : samples(c, "SELECT * FROM (" + body + "\n) strata_test", sql);
            if (sp != null) {
                c.releaseSavepoint(sp);
            }
            return new TestResult(t, count == 0 ? TestResult.Status.PASS : TestResult.Status.FAIL, count, samples, null,
                    started, since(t0));
        } catch (SQLException e) {
            if (sp != null) {
                c.rollback(sp);
            }
            return new TestResult(t, TestResult.Status.ERROR, 0, List.of(), e.getMessage()
                    + (e.getSQLState() == null ? "" : " [SQLState " + e.getSQLState() + "]"), started, since(t0));
        }
    }

    /** Without trailing semicolons and blanks, so that the query can be wrapped. */
    static String strip(String sql) {
        String s = sql.strip();
        while (s.endsWith(";")) {
            s = s.substring(0, s.length() - 1).strip();
        }
        return s;
    }

    private static long count(Connection c, String sql, BoundSql bound) throws SQLException {
        if (bound.plain()) {
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
                rs.next();
                return rs.getLong(1);
            }
        }
        try (PreparedStatement ps = prepare(c, sql, bound); ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static List<Map<String, String>> samples(Connection c, String sql, BoundSql bound) throws SQLException {
        if (bound.plain()) {
            try (Statement s = c.createStatement()) {
                s.setMaxRows(SAMPLES);
                try (ResultSet rs = s.executeQuery(sql)) {
                    return read(rs);
                }
            }
        }
        try (PreparedStatement ps = prepare(c, sql, bound)) {
            ps.setMaxRows(SAMPLES);
            try (ResultSet rs = ps.executeQuery()) {
                return read(rs);
            }
        }
    }

    private static PreparedStatement prepare(Connection c, String sql, BoundSql bound) throws SQLException {
        PreparedStatement ps = c.prepareStatement(sql);
        int i = 1;
        for (Object p : bound.params()) {
            ps.setObject(i++, p);
        }
        return ps;
    }

    private static List<Map<String, String>> read(ResultSet rs) throws SQLException {
        List<Map<String, String>> out = new ArrayList<>();
        ResultSetMetaData md = rs.getMetaData();
        while (rs.next() && out.size() < SAMPLES) {
            Map<String, String> row = new LinkedHashMap<>();
            for (int i = 1; i <= md.getColumnCount(); i++) {
                String v = rs.getString(i);
                row.put(md.getColumnLabel(i), v == null || v.length() <= SAMPLE_VALUE_CHARS ? v
                        : v.substring(0, SAMPLE_VALUE_CHARS) + "...");
            }
            out.add(row);
        }
        return out;
    }

    private static Duration since(long t0) {
        return Duration.ofNanos(System.nanoTime() - t0);
    }
}
