package dev.strata.app;

import dev.strata.config.KafkaSourceSpec;
import dev.strata.config.ProjectConfig;
import dev.strata.config.RedisSourceSpec;
import dev.strata.config.SourceConfig;
import dev.strata.embedded.EmbeddedKafka;
import dev.strata.embedded.EmbeddedPostgres;
import dev.strata.embedded.EmbeddedRedis;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * The embedded servers a project asks for: PostgreSQL for {@code warehouse.url: embedded:postgres},
 * a Kafka broker for sources with {@code bootstrap: embedded}, Redis for {@code url: embedded}.
 * With a data directory, PostgreSQL and Kafka keep their data there across runs ({@code postgres/},
 * {@code kafka/}); Redis holds nothing durable ({@code redis/} keeps its config, password and pid
 * file). PostgreSQL and Redis are supervised: restarted when they exit unexpectedly, and
 * {@link #failure()} completes when one cannot be brought back. Closed in reverse order of start.
 */
public final class EmbeddedServices implements AutoCloseable {
    private final EmbeddedPostgres postgres;
    private final EmbeddedKafka kafka;
    private final EmbeddedRedis redis;

    private EmbeddedServices(EmbeddedPostgres postgres, EmbeddedKafka kafka, EmbeddedRedis redis) {
        this.postgres = postgres;
        this.kafka = kafka;
        this.redis = redis;
    }

    /** Starts what {@code project} needs, PostgreSQL not durable (the demo's and tests' choice; see {@link EmbeddedPostgres}). */
    public static EmbeddedServices forProject(ProjectConfig project, Optional<Path> dataDir) {
        return forProject(project, dataDir, EmbeddedPostgres.Durability.FAST);
    }

    /** Starts what {@code project} needs; nothing when it names real servers everywhere. */
    public static EmbeddedServices forProject(ProjectConfig project, Optional<Path> dataDir,
                                              EmbeddedPostgres.Durability durability) {
        boolean pg = project.warehouse().isEmbedded();
        boolean kafka = false;
        boolean redis = false;
        for (SourceConfig s : project.sources().values()) {
            kafka |= s.spec() instanceof KafkaSourceSpec k && k.isEmbedded();
            redis |= s.spec() instanceof RedisSourceSpec r && r.isEmbedded();
        }
        return start(pg, kafka, redis, dataDir, durability);
    }

    /**
     * Starts the chosen servers side by side (PostgreSQL and Redis are child processes, Kafka runs
     * in this JVM; starting them together saves seconds); if one fails, the others are stopped.
     */
    public static EmbeddedServices start(boolean postgres, boolean kafka, boolean redis, Optional<Path> dataDir) {
        return start(postgres, kafka, redis, dataDir, EmbeddedPostgres.Durability.FAST);
    }

    /** Same, with PostgreSQL's durability chosen. */
    public static EmbeddedServices start(boolean postgres, boolean kafka, boolean redis, Optional<Path> dataDir,
                                         EmbeddedPostgres.Durability durability) {
        CompletableFuture<EmbeddedPostgres> pg = postgres
                ? CompletableFuture.supplyAsync(() -> EmbeddedPostgres.start(dataDir.map(d -> d.resolve("postgres")), 0, durability))
                : CompletableFuture.completedFuture(null);
        CompletableFuture<EmbeddedKafka> k = kafka
                ? CompletableFuture.supplyAsync(() -> EmbeddedKafka.start(dataDir.map(d -> d.resolve("kafka"))))
                : CompletableFuture.completedFuture(null);
        CompletableFuture<EmbeddedRedis> r = redis
                ? CompletableFuture.supplyAsync(() -> EmbeddedRedis.start(dataDir.map(d -> d.resolve("redis"))))
                : CompletableFuture.completedFuture(null);
        try {
            CompletableFuture.allOf(pg, k, r).join();
            return new EmbeddedServices(pg.join(), k.join(), r.join());
        } catch (CompletionException e) {
            new EmbeddedServices(pg.exceptionally(x -> null).join(), k.exceptionally(x -> null).join(),
                    r.exceptionally(x -> null).join()).close();
            throw e.getCause() instanceof RuntimeException re ? re : e;
        }
    }

    public Optional<EmbeddedPostgres> postgres() {
        return Optional.ofNullable(postgres);
    }

    public Optional<EmbeddedKafka> kafka() {
        return Optional.ofNullable(kafka);
    }

    public Optional<EmbeddedRedis> redis() {
        return Optional.ofNullable(redis);
    }

    /** Completes with the error when a supervised server exited and could not be restarted. */
    public java.util.concurrent.CompletableFuture<dev.strata.StrataException> failure() {
        java.util.concurrent.CompletableFuture<dev.strata.StrataException> any = new java.util.concurrent.CompletableFuture<>();
        if (postgres != null) {
            postgres.failure().thenAccept(any::complete);
        }
        if (redis != null) {
            redis.failure().thenAccept(any::complete);
        }
        return any;
    }

    @Override
    public void close() {
        if (redis != null) {
            redis.close();
        }
        if (kafka != null) {
            kafka.close();
        }
        if (postgres != null) {
            postgres.close();
        }
    }
}
