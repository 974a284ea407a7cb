package dev.strata.examples.fintech;

import static org.awaitility.Awaitility.await;

import dev.strata.config.EnvResolver;
import dev.strata.config.ProjectConfig;
import dev.strata.config.ProjectLoader;
import dev.strata.examples.ExampleProjects;
import dev.strata.ingest.Landing;
import dev.strata.runtime.Environment;
import dev.strata.schedule.Backfill;
import dev.strata.schedule.ContinuousVault;
import dev.strata.schedule.Pipeline;
import dev.strata.testing.TestServers;
import dev.strata.vault.VaultLoader;
import dev.strata.warehouse.Warehouse;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A fintech test's world: the bundled example project copied out of the jar unchanged, pointed by
 * environment variables at a fresh topic on the shared broker and a fresh database on the shared
 * PostgreSQL, its two sources landing, and helpers to produce, backfill and query. Retries wait
 * {@link #RETRY_DELAY} instead of the example's 5 minutes.
 */
final class FintechWorld implements AutoCloseable {
    static final Duration RETRY_DELAY = Duration.ofSeconds(2);
    static final Instant FIRST_RUN = Instant.parse("2022-10-02T00:00:00Z");
    static final Instant LAST_RUN = Instant.parse("2022-11-01T00:00:00Z");

    final String topic = TestServers.uniqueName("fintech");
    final ProjectConfig project;
    final Warehouse warehouse;
    final Environment env;
    final Pipeline pipeline;
    final FintechQueries queries;
    private final VaultLoader vaultLoader;
    private final ContinuousVault vault;
    private Landing landing;
    private final List<FintechGenerator.Sent> produced = new ArrayList<>();
    private final FintechProducer producer;

    FintechWorld(Path dir) {
        ExampleProjects.copy("fintech", dir);
        TestServers.kafka().createTopic(topic, 3);
        project = new ProjectLoader(EnvResolver.of(Map.of(
                "FINTECH_TOPIC", topic,
                "FINTECH_RETRY_DELAY", RETRY_DELAY.toMillis() + "ms"))).load(dir);
        warehouse = TestServers.newDatabase();
        warehouse.migrate();
        env = new Environment(project, warehouse, TestServers.kafka().bootstrap(), new SimpleMeterRegistry(),
                Clock.systemUTC(), "test-" + ProcessHandle.current().pid());
        pipeline = Pipeline.load(project, warehouse.adapter());
        queries = new FintechQueries(warehouse);
        vaultLoader = new VaultLoader(warehouse, project.name(), project.vault());
        vault = new ContinuousVault(pipeline, vaultLoader, warehouse, Clock.systemUTC());
        producer = new FintechProducer(TestServers.kafka().bootstrap(), topic);
    }

    /** Sends the messages (acknowledged by the broker when this returns). */
    void produce(Collection<FintechGenerator.Sent> messages) {
        producer.send(List.copyOf(messages));
        produced.addAll(messages);
    }

    /** Sends the messages and waits until both sources have landed everything on the topic. */
    void produceAndLand(Collection<FintechGenerator.Sent> messages) {
        produce(messages);
        land();
    }

    /**
     * Starts landing (once), with the vault loading after each landed batch as under {@code strata run},
     * waits until both sources have read the topic to its end, then loads the vault once more so that
     * it holds everything landed.
     */
    void land() {
        if (landing == null) {
            landing = Landing.start(env, batch -> vault.landed(batch.source()));
        }
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(200)).ignoreExceptions().until(this::caughtUp);
        vaultLoader.loadAll();
    }

    /** Every message sent so far (duplicates included). */
    List<FintechGenerator.Sent> produced() {
        return List.copyOf(produced);
    }

    /** Both sources' positions are at the end of the topic: nothing more will land. */
    boolean caughtUp() throws Exception {
        Map<String, Long> ends = new TreeMap<>();
        try (var admin = TestServers.kafka().admin()) {
            Map<org.apache.kafka.common.TopicPartition, org.apache.kafka.clients.admin.OffsetSpec> req = new java.util.HashMap<>();
            for (int p = 0; p < 3; p++) {
                req.put(new org.apache.kafka.common.TopicPartition(topic, p), org.apache.kafka.clients.admin.OffsetSpec.latest());
            }
            admin.listOffsets(req).all().get().forEach((tp, info) -> ends.put(Integer.toString(tp.partition()), info.offset()));
        }
        for (String source : List.of("transactions_raw", "currencies_raw")) {
            Map<String, Long> positions = new TreeMap<>();
            for (List<String> row : rows("select partition_id, position from strata.source_positions where pipeline = 'fintech' "
                    + "and source = '" + source + "'")) {
                positions.put(row.get(0), Long.parseLong(row.get(1)));
            }
            if (!positions.equals(ends)) {
                return false;
            }
        }
        return true;
    }

    Backfill.Result backfill(Instant from, Instant to) throws SQLException {
        return backfill(Backfill.Options.of(from, to).withParallel(2));
    }

    Backfill.Result backfill(Backfill.Options options) throws SQLException {
        return new Backfill(pipeline, warehouse, env.workerId(), Clock.systemUTC()).run(options, Backfill.Progress.NONE);
    }

    /** The schedule date whose run processes business date {@code day}. */
    static Instant runOf(LocalDate day) {
        return day.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant();
    }

    long count(String sql) throws SQLException {
        return queries.count(sql);
    }

    List<List<String>> rows(String sql) throws SQLException {
        return queries.rows(sql);
    }

    @Override
    public void close() {
        if (landing != null) {
            landing.close();
        }
        vault.close();
        producer.close();
        warehouse.close();
    }
}
