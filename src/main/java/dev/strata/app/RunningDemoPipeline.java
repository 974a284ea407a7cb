package dev.strata.app;

import dev.strata.ErrorCode;
import dev.strata.StrataException;
import dev.strata.config.KafkaSourceSpec;
import dev.strata.embedded.EmbeddedKafka;
import dev.strata.examples.DemoPipeline;
import dev.strata.examples.DemoStage;
import dev.strata.ingest.Landing;
import dev.strata.runtime.Environment;
import dev.strata.schedule.Backfill;
import dev.strata.schedule.ContinuousVault;
import dev.strata.schedule.Pipeline;
import dev.strata.schedule.TaskState;
import dev.strata.vault.VaultLoader;
import dev.strata.warehouse.Warehouse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;

/**
 * The pipeline {@link DemoRunner} started, as a {@link DemoPipeline} a scenario drives: "caught up"
 * for Kafka sources (positions add up to the topic's end), waiting for mart builds, landing a fixed
 * data set with continuous vault loads, and a backfill with its progress bar (redrawn in place on a
 * terminal, a line each quarter into a file).
 */
final class RunningDemoPipeline implements DemoPipeline {
    private final DemoStage stage;
    private final Environment env;
    private final Pipeline pipeline;
    private final VaultLoader vaultLoader;
    private final Optional<String> consoleUrl;
    private int lastShown = -1;

    RunningDemoPipeline(DemoStage stage, Environment env, Pipeline pipeline, VaultLoader vaultLoader, Optional<String> consoleUrl) {
        this.stage = stage;
        this.env = env;
        this.pipeline = pipeline;
        this.vaultLoader = vaultLoader;
        this.consoleUrl = consoleUrl;
    }

    @Override
    public Warehouse warehouse() {
        return env.warehouse();
    }

    @Override
    public Pipeline pipeline() {
        return pipeline;
    }

    @Override
    public Optional<String> consoleUrl() {
        return consoleUrl;
    }

    /** Each Kafka source's topic, in the project's order. */
    private Map<String, String> kafkaTopics() {
        Map<String, String> topics = new LinkedHashMap<>();
        stage.project().sources().forEach((name, s) -> {
            if (s.spec() instanceof KafkaSourceSpec k) {
                topics.put(name, k.topic());
            }
        });
        return topics;
    }

    @Override
    public long backlog() throws Exception {
        return behind(topicEnds());
    }

    /** Every Kafka topic's end now: what "caught up" means until more is fed. */
    private Map<String, Long> topicEnds() throws Exception {
        Map<String, Long> ends = new HashMap<>();
        for (String topic : kafkaTopics().values()) {
            if (!ends.containsKey(topic)) {
                ends.put(topic, topicEnd(topic));
            }
        }
        return ends;
    }

    private long behind(Map<String, Long> ends) throws SQLException {
        Map<String, Long> positions = positions();
        long behind = 0;
        for (Map.Entry<String, String> e : kafkaTopics().entrySet()) {
            behind += Math.max(0, ends.get(e.getValue()) - positions.getOrDefault(e.getKey(), 0L));
        }
        return behind;
    }

    @Override
    public long topicEnd(String topic) throws Exception {
        EmbeddedKafka kafka = stage.kafka();
        try (Admin admin = kafka.admin()) {
            int partitions = admin.describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS)
                    .get(topic).partitions().size();
            Map<TopicPartition, OffsetSpec> request = new HashMap<>();
            for (int p = 0; p < partitions; p++) {
                request.put(new TopicPartition(topic, p), OffsetSpec.latest());
            }
            return admin.listOffsets(request).all().get(30, TimeUnit.SECONDS).values().stream()
                    .mapToLong(r -> r.offset()).sum();
        }
    }

    private Map<String, Long> positions() throws SQLException {
        Map<String, Long> positions = new HashMap<>();
        try (Connection c = warehouse().connection();
             PreparedStatement ps = c.prepareStatement("SELECT source, sum(position) FROM strata.source_positions "
                     + "WHERE pipeline = ? GROUP BY source")) {
            ps.setString(1, env.pipeline());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    positions.put(rs.getString(1), rs.getLong(2));
                }
            }
        }
        return positions;
    }

    @Override
    public Instant catchUp(Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        Map<String, Long> ends = topicEnds();
        while (behind(ends) > 0) {
            if (System.nanoTime() > deadline) {
                throw new StrataException(ErrorCode.VERIFICATION_FAILED, "landing did not reach the end of "
                        + String.join(", ", new java.util.LinkedHashSet<>(kafkaTopics().values())) + " within "
                        + timeout.toMinutes() + " minutes");
            }
            Thread.sleep(200);
        }
        vaultLoader.loadAll();
        return Instant.now();
    }

    @Override
    public void awaitBuiltAfter(Instant after, List<String> marts, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (String mart : marts) {
            while (true) {
                try (Connection c = warehouse().connection();
                     // an interval that ends after `after`: a mart over a point-in-time snapshot describes the
                     // vault at its interval's end, so only such a run has seen everything landed before it
                     PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM strata.task_runs WHERE pipeline = ? "
                             + "AND node = ? AND state = 'success' AND interval_end > ?")) {
                    ps.setString(1, env.pipeline());
                    ps.setString(2, mart);
                    ps.setTimestamp(3, Timestamp.from(after));
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                        if (rs.getLong(1) > 0) {
                            break;
                        }
                    }
                }
                if (System.nanoTime() > deadline) {
                    throw new StrataException(ErrorCode.VERIFICATION_FAILED, "mart " + mart + " was not rebuilt within "
                            + timeout.toMinutes() + " minutes after the pipeline caught up; see `strata status`");
                }
                Thread.sleep(250);
            }
        }
    }

    @Override
    public Landed landAll(Duration timeout) throws Exception {
        long landingStart = System.nanoTime();
        // as `strata run` does: the vault loads what each landed batch brought (vault targets are continuous)
        ContinuousVault vault = new ContinuousVault(pipeline, vaultLoader, warehouse(), env.clock());
        try (Landing landing = Landing.start(env, batch -> vault.landed(batch.source()))) {
            awaitLanded(timeout, landingStart);
        }
        Duration landed = Duration.ofNanos(System.nanoTime() - landingStart);
        long vaultStart = System.nanoTime();
        vault.close();             // the loads already queued finish
        vaultLoader.loadAll();     // and one more pass picks up the last batches
        return new Landed(landed, Duration.ofNanos(System.nanoTime() - vaultStart));
    }

    /** Waits until each Kafka source's positions add up to its topic's end (skipped records count: they were read). */
    private void awaitLanded(Duration timeout, long since) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        long lastReport = System.nanoTime();
        Map<String, String> topics = kafkaTopics();
        Map<String, Long> ends = topicEnds();
        long total = topics.values().stream().mapToLong(ends::get).sum();
        while (true) {
            long behind = behind(ends);
            if (behind <= 0) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new StrataException(ErrorCode.VERIFICATION_FAILED, "landing did not finish within "
                        + timeout.toMinutes() + " minutes: positions " + positions() + ", " + behind + " records to read");
            }
            if (System.nanoTime() - lastReport > TimeUnit.SECONDS.toNanos(5)) {
                lastReport = System.nanoTime();
                stage.out().printf("  %s read %,d of %,d records (%.0f s)%n", List.copyOf(topics.keySet()), total - behind, total,
                        (System.nanoTime() - since) / 1e9);
                stage.out().flush();
            }
            if (stage.stop().await(200, TimeUnit.MILLISECONDS)) {
                throw new StrataException(ErrorCode.VERIFICATION_FAILED, "stopped while landing: nothing was verified");
            }
        }
    }

    @Override
    public Backfill.Result backfill(Instant from, Instant to) throws Exception {
        Backfill backfill = new Backfill(pipeline, warehouse(), env.workerId(), env.clock());
        Backfill.Result result = backfill.run(Backfill.Options.of(from, to).withParallel(stage.options().workers()),
                (finished, total, counts) -> {
                    if (stage.stop().getCount() == 0) {
                        throw new StrataException(ErrorCode.VERIFICATION_FAILED, "stopped during the backfill: nothing was verified");
                    }
                    progress(finished, total, counts);
                });
        if (stage.options().terminal()) {
            stage.out().println();
        }
        return result;
    }

    /** The backfill's bar: redrawn in place on a terminal, a line each quarter into a file. */
    private void progress(int finished, int total, Map<TaskState, Integer> counts) {
        int width = 40;
        int filled = total == 0 ? width : finished * width / total;
        String bar = String.format("  [%s%s] %d/%d task runs, %d running, %d failed", "#".repeat(filled),
                ".".repeat(width - filled), finished, total, counts.getOrDefault(TaskState.RUNNING, 0),
                counts.getOrDefault(TaskState.FAILED, 0));
        if (stage.options().terminal()) {
            stage.out().print("\r" + bar);
            stage.out().flush();
        } else {
            int quarter = total == 0 ? 4 : finished * 4 / total;
            if (quarter != lastShown) {
                lastShown = quarter;
                stage.out().println(bar);
                stage.out().flush();
            }
        }
    }
}
