package dev.strata.quality;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.strata.warehouse.Warehouse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code strata.test_results}: one row per test run, written in the transaction that decides the
 * run's fate — a task's own transaction when its tests pass (they commit with its success), a
 * transaction of its own after the rollback when they fail. Read by {@code strata status}, the
 * console's runs grid and {@code /metrics}.
 */
public final class TestResultStore {
    /** What started a test run. */
    public enum Trigger {
        /** after a task built its output, for the task's interval */
        TASK,
        /** after a continuous node's load */
        CONTINUOUS,
        /** {@code strata test} */
        ON_DEMAND;

        String word() {
            return name().toLowerCase();
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private final String pipeline;

    public TestResultStore(String pipeline) {
        this.pipeline = pipeline;
    }

    /** The interval and attempt of the task run the results belong to (empty: on demand, continuous). */
    public record RunRef(Optional<Instant> start, Optional<Instant> end, Optional<Integer> attempt) {
        public static final RunRef NONE = new RunRef(Optional.empty(), Optional.empty(), Optional.empty());

        public static RunRef task(Instant start, Instant end, int attempt) {
            return new RunRef(Optional.of(start), Optional.of(end), Optional.of(attempt));
        }
    }

    /** Writes {@code results} on {@code c}, inside its current transaction. */
    public void record(Connection c, RunRef run, Trigger trigger, List<TestResult> results) throws SQLException {
        if (results.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO strata.test_results (pipeline, node, test, kind, severity, "
                + "status, failures, samples, message, interval_start, interval_end, attempt, run_by, started_at, duration_ms) "
                + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            for (TestResult r : results) {
                int i = 1;
                ps.setString(i++, pipeline);
                ps.setString(i++, r.test().node());
                ps.setString(i++, r.test().name());
                ps.setString(i++, r.test().kind().word());
                ps.setString(i++, r.test().severity().word());
                ps.setString(i++, r.status().word());
                ps.setLong(i++, r.failures());
                ps.setString(i++, r.samples().isEmpty() ? null : json(r));
                ps.setString(i++, r.message());
                ps.setObject(i++, run.start().map(TestResultStore::ts).orElse(null));
                ps.setObject(i++, run.end().map(TestResultStore::ts).orElse(null));
                if (run.attempt().isPresent()) {
                    ps.setInt(i++, run.attempt().get());
                } else {
                    ps.setNull(i++, java.sql.Types.INTEGER);
                }
                ps.setString(i++, trigger.word());
                ps.setObject(i++, ts(r.startedAt()));
                ps.setLong(i, r.duration().toMillis());
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    /** Like {@link #record(Connection, RunRef, Trigger, List)} in a transaction of its own. */
    public void record(Warehouse w, RunRef run, Trigger trigger, List<TestResult> results) throws SQLException {
        if (results.isEmpty()) {
            return;
        }
        w.inTransaction(c -> {
            record(c, run, trigger, results);
            return null;
        });
    }

    /** A stored result, as read back. */
    public record Stored(String node, String test, String severity, String status, long failures, String samples,
                         String message, Instant intervalStart, Instant intervalEnd, String trigger, Instant startedAt) {
    }

    /**
     * The latest result of every (node, test, interval) that did not pass and was not followed by a
     * passing run of the same test for the same interval: what is failing now. Newest first.
     */
    public List<Stored> failing(Warehouse w, int limit) throws SQLException {
        List<Stored> out = new ArrayList<>();
        try (Connection c = w.connection();
             PreparedStatement ps = c.prepareStatement("SELECT r.node, r.test, r.severity, r.status, r.failures, r.samples, "
                     + "r.message, r.interval_start, r.interval_end, r.run_by, r.started_at FROM strata.test_results r "
                     + "WHERE r.pipeline = ? AND r.status <> 'pass' AND r.id = (SELECT max(q.id) FROM strata.test_results q "
                     + "WHERE q.pipeline = r.pipeline AND q.node = r.node AND q.test = r.test "
                     + "AND (q.interval_start = r.interval_start OR (q.interval_start IS NULL AND r.interval_start IS NULL))) "
                     + "ORDER BY r.id DESC")) {
            ps.setString(1, pipeline);
            ps.setMaxRows(limit);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new Stored(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getLong(5),
                            rs.getString(6), rs.getString(7), instant(rs.getTimestamp(8)), instant(rs.getTimestamp(9)),
                            rs.getString(10), instant(rs.getTimestamp(11))));
                }
            }
        }
        return out;
    }

    private static String json(TestResult r) {
        try {
            return JSON.writeValueAsString(r.samples());
        } catch (JsonProcessingException e) {
            return null;
        }
    }

    private static Instant instant(Timestamp t) {
        return t == null ? null : t.toInstant();
    }

    private static OffsetDateTime ts(Instant i) {
        return OffsetDateTime.ofInstant(i, ZoneOffset.UTC);
    }
}
