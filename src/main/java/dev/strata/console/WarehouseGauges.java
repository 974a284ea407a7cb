package dev.strata.console;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import java.util.ArrayList;
import java.util.List;

/**
 * Gauges read from the warehouse, so {@code /metrics} tells the state of the whole pipeline (all
 * its processes), not only this one's counters: task runs by state, pending dead letters by
 * source, and stream lag by source and partition. Refreshed by the {@link StreamMonitor}'s thread.
 *
 * <ul>
 *   <li>{@code strata_task_runs{state}}: task runs (one per node and interval) in each state</li>
 *   <li>{@code strata_dead_letters_pending{source}}: dead letters not yet replayed</li>
 *   <li>{@code strata_vault_rejects_pending{target}}: STG rows a vault target set aside, not yet reloaded</li>
 *   <li>{@code strata_stream_lag_messages{source,partition}}, {@code strata_stream_lag_seconds{source,partition}}</li>
 *   <li>{@code strata_data_tests{severity,status}}: data tests (node × test × interval; on-demand and continuous runs count as one interval) by the status of their latest run</li>
 * </ul>
 */
final class WarehouseGauges {
    private final Db db;
    private final String pipeline;
    private final MultiGauge taskRuns;
    private final MultiGauge deadLetters;
    private final MultiGauge vaultRejects;
    private final MultiGauge lagMessages;
    private final MultiGauge lagSeconds;
    private final MultiGauge dataTests;

    WarehouseGauges(Db db, String pipeline, MeterRegistry registry) {
        this.db = db;
        this.pipeline = pipeline;
        this.taskRuns = MultiGauge.builder("strata.task.runs").description("task runs (node × interval) by state")
                .register(registry);
        this.deadLetters = MultiGauge.builder("strata.dead.letters.pending")
                .description("dead letters not yet replayed, by source").register(registry);
        this.vaultRejects = MultiGauge.builder("strata.vault.rejects.pending")
                .description("STG rows a vault target rejected (a value fails its type) and not yet reloaded, by target")
                .register(registry);
        this.lagMessages = MultiGauge.builder("strata.stream.lag.messages")
                .description("log-end offset minus landed position").register(registry);
        this.lagSeconds = MultiGauge.builder("strata.stream.lag.seconds").baseUnit("seconds")
                .description("age of the oldest record not yet landed").register(registry);
        this.dataTests = MultiGauge.builder("strata.data.tests")
                .description("data tests (node x test x interval) by the status of their latest run: pass, fail, error").register(registry);
    }

    void refresh(StreamMonitor.Snapshot streams) {
        List<MultiGauge.Row<?>> runs = new ArrayList<>();
        db.query("SELECT state, count(*) AS n FROM " + db.meta("task_runs") + " WHERE pipeline = ? GROUP BY state",
                rs -> runs.add(MultiGauge.Row.of(Tags.of("state", rs.getString("state")), rs.getLong("n"))), pipeline);
        taskRuns.register(runs, true);
        List<MultiGauge.Row<?>> letters = new ArrayList<>();
        db.query("SELECT source, count(*) AS n FROM " + db.meta("dead_letters")
                        + " WHERE pipeline = ? AND replayed_at IS NULL GROUP BY source",
                rs -> letters.add(MultiGauge.Row.of(Tags.of("source", rs.getString("source")), rs.getLong("n"))), pipeline);
        deadLetters.register(letters, true);
        List<MultiGauge.Row<?>> rejects = new ArrayList<>();
        db.query("SELECT target, count(*) AS n FROM (SELECT DISTINCT target, stg_table, stg_seq FROM " + db.meta("vault_rejects")
                        + " WHERE pipeline = ? AND reloaded_at IS NULL) r GROUP BY target",
                rs -> rejects.add(MultiGauge.Row.of(Tags.of("target", rs.getString("target")), rs.getLong("n"))), pipeline);
        vaultRejects.register(rejects, true);
        List<MultiGauge.Row<?>> lag = new ArrayList<>();
        List<MultiGauge.Row<?>> age = new ArrayList<>();
        for (StreamMonitor.SourceState s : streams.sources()) {
            for (StreamMonitor.PartitionState p : s.partitions()) {
                Tags tags = Tags.of("source", s.source(), "partition", p.partition());
                if (p.lag() != null) {
                    lag.add(MultiGauge.Row.of(tags, p.lag()));
                }
                if (p.lagSeconds() != null) {
                    age.add(MultiGauge.Row.of(tags, p.lagSeconds()));
                }
            }
        }
        List<MultiGauge.Row<?>> tests = new ArrayList<>();
        db.query("SELECT r.severity, r.status, count(*) AS n FROM " + db.meta("test_results") + " r WHERE r.id IN "
                        + "(SELECT max(q.id) FROM " + db.meta("test_results") + " q WHERE q.pipeline = ? GROUP BY q.node, q.test, q.interval_start) "
                        + "GROUP BY r.severity, r.status",
                rs -> tests.add(MultiGauge.Row.of(Tags.of("severity", rs.getString("severity"), "status", rs.getString("status")),
                        rs.getLong("n"))), pipeline);
        dataTests.register(tests, true);
        lagMessages.register(lag, true);
        lagSeconds.register(age, true);
    }
}
