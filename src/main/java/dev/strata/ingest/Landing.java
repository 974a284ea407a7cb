package dev.strata.ingest;

import dev.strata.config.KafkaSourceSpec;
import dev.strata.config.SourceConfig;
import dev.strata.runtime.Environment;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the landing of a project: one lander per source (Kafka topics, Redis dictionaries, CDC captures), each landing its topic into
 * {@code stg.<source>} exactly once (the protocol is described at {@link StgWriter} and in
 * docs/landing.md). This is the whole public surface {@code strata run} needs:
 *
 * <pre>{@code
 * try (Landing landing = Landing.start(env, batch -> vault.runContinuous(batch.source()))) {
 *     ... // until shutdown
 * }
 * }</pre>
 *
 * <p>{@link #start} returns at once; the landers create their STG tables and read their positions
 * in the background, retrying with capped backoff while the warehouse or the broker is
 * unavailable. The metadata schema must exist ({@code Warehouse.migrate()}). Several processes may
 * run the same project: the consumer group splits the partitions between them and the positions'
 * compare-and-set keeps a process that lost a partition from landing it twice.
 *
 * <p>{@link #close} is graceful: it lets each lander finish the transaction it has in flight (up to
 * {@link #CLOSE_TIMEOUT}), abandons records not yet committed (the next start lands them, as
 * positions were not advanced), commits the landed offsets to Kafka and leaves the group.
 */
public final class Landing implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Landing.class);
    /** How long {@link #close} waits for an in-flight batch before abandoning it. */
    public static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);

    private final List<SourceLander> landers;

    private Landing(List<SourceLander> landers) {
        this.landers = landers;
    }

    /** Starts landing every Kafka source of the project, without notifications. */
    public static Landing start(Environment env) {
        return start(env, LandingListener.NONE);
    }

    /** Starts landing every Kafka source of the project; {@code listener} hears of each committed batch. */
    public static Landing start(Environment env, LandingListener listener) {
        Objects.requireNonNull(env);
        Objects.requireNonNull(listener);
        List<SourceLander> started = new ArrayList<>();
        try {
            java.util.Map<dev.strata.config.CdcSourceSpec, List<SourceConfig>> captures = new java.util.LinkedHashMap<>();
            for (SourceConfig source : env.project().sourcesInOrder()) {
                if (source.spec() instanceof dev.strata.config.CdcTableSpec t) {
                    captures.computeIfAbsent(t.capture(), k -> new ArrayList<>()).add(source);   // one lander per capture
                    continue;
                }
                if (source.spec().isScheduled()) {
                    continue;   // a jdbc source lands in its own task runs (JdbcLanding)
                }
                SourceLander lander = source.spec() instanceof KafkaSourceSpec
                        ? new KafkaLander(env, source, listener)
                        : new RedisLander(env, source, listener);
                lander.start();
                started.add(lander);
            }
            for (java.util.Map.Entry<dev.strata.config.CdcSourceSpec, List<SourceConfig>> c : captures.entrySet()) {
                SourceLander lander = new CdcLander(env, c.getKey(), c.getValue(), listener);
                lander.start();
                started.add(lander);
            }
        } catch (RuntimeException e) {
            started.forEach(SourceLander::requestStop);
            started.forEach(l -> l.awaitStopped(CLOSE_TIMEOUT));
            throw e;
        }
        if (!started.isEmpty()) {
            LOG.info("landing {} source(s) of pipeline '{}' as worker {}", started.size(), env.pipeline(), env.workerId());
        }
        return new Landing(List.copyOf(started));
    }

    /**
     * Creates the STG table of every source now, before anything else of the pipeline starts, so
     * that tasks and vault loads reading {@code stg.<source>} find it even before the first message
     * (a lander otherwise creates it on its own thread, racing the scheduler's first claim). Best
     * effort: a table this cannot prepare (the warehouse refuses, or it exists with another key) is
     * left to its lander, which retries and says why. A {@code jdbc} source's table is made from the
     * source's columns, so only when the source database can be reached now.
     */
    public static void prepareTables(Environment env) {
        prepareTables(env.project(), env.warehouse(), env.workerId());
    }

    /**
     * The same for a command that runs tasks without landing ({@code strata backfill}, {@code strata
     * vault load}): the tasks and loads that read {@code stg.<source>} find an empty table, not a
     * missing one, before anything has landed.
     */
    public static void prepareTables(dev.strata.config.ProjectConfig project, dev.strata.warehouse.Warehouse warehouse,
                                     String workerId) {
        for (SourceConfig source : project.sourcesInOrder()) {
            try {
                if (source.spec().isScheduled()) {
                    JdbcLanding.of(project.name(), source).prepareTable(warehouse);
                    continue;
                }
                new StgWriter(warehouse, project.name(), source, workerId).ensureTables();
            } catch (SQLException | RuntimeException e) {
                LOG.debug("source '{}': stg table not prepared up front ({}); its lander will", source.name(), e.getMessage());
            }
        }
    }

    /** The names of the sources being landed. */
    public List<String> sources() {
        return landers.stream().map(SourceLander::source).toList();
    }

    @Override
    public void close() {
        landers.forEach(SourceLander::requestStop);
        landers.forEach(l -> l.awaitStopped(CLOSE_TIMEOUT));
    }
}
