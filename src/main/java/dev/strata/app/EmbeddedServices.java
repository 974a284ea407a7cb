package dev.strata.app;

import dev.strata.config.KafkaSourceSpec;
import dev.strata.config.ProjectConfig;
import dev.strata.config.RedisSourceSpec;
import dev.strata.config.SourceConfig;
import dev.strata.config.Secret;
import dev.strata.embedded.EmbeddedKafka;
import dev.strata.embedded.EmbeddedMariaDb;
import dev.strata.embedded.EmbeddedPostgres;
import dev.strata.embedded.EmbeddedRedis;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * The embedded servers a project asks for: PostgreSQL for {@code warehouse.url: embedded:postgres}
 * (MariaDB for {@code embedded:mariadb}), a Kafka broker for sources with {@code bootstrap: embedded},
 * Redis for {@code url: embedded}. With a data directory, the warehouse and Kafka keep their data there
 * across runs ({@code postgres/} or {@code mariadb/}, {@code kafka/}); Redis holds nothing durable.
 * Closed in reverse order of start.
 */
public final class EmbeddedServices implements AutoCloseable {
    private final EmbeddedPostgres postgres;
    private final EmbeddedMariaDb mariadb;
    private final EmbeddedKafka kafka;
    private final EmbeddedRedis redis;

    /** How to log in to the embedded warehouse. */
    public record WarehouseLogin(String jdbcUrl, String user, Secret password) {
    }

    private EmbeddedServices(EmbeddedPostgres postgres, EmbeddedMariaDb mariadb, EmbeddedKafka kafka, EmbeddedRedis redis) {
        this.postgres = postgres;
        this.mariadb = mariadb;
        this.kafka = kafka;
        this.redis = redis;
    }

    /** Starts what {@code project} needs; nothing when it names real servers everywhere. */
    public static EmbeddedServices forProject(ProjectConfig project, Optional<Path> dataDir) {
        boolean mariadb = project.warehouse().isEmbeddedMariaDb();
        boolean pg = project.warehouse().isEmbedded() && !mariadb;
        boolean kafka = false;
        boolean redis = false;
        for (SourceConfig s : project.sources().values()) {
            kafka |= s.spec() instanceof KafkaSourceSpec k && k.isEmbedded();
            redis |= s.spec() instanceof RedisSourceSpec r && r.isEmbedded();
        }
        return start(pg, mariadb, kafka, redis, dataDir);
    }

    /** Starts the chosen servers; see {@link #start(boolean, boolean, boolean, boolean, Optional)}. */
    public static EmbeddedServices start(boolean postgres, boolean kafka, boolean redis, Optional<Path> dataDir) {
        return start(postgres, false, kafka, redis, dataDir);
    }

    /**
     * Starts the chosen servers side by side (PostgreSQL and Redis are child processes, Kafka runs
     * in this JVM; starting them together saves seconds); if one fails, the others are stopped.
     */
    public static EmbeddedServices start(boolean postgres, boolean mariadb, boolean kafka, boolean redis,
                                         Optional<Path> dataDir) {
        CompletableFuture<EmbeddedPostgres> pg = postgres
                ? CompletableFuture.supplyAsync(() -> EmbeddedPostgres.start(dataDir.map(d -> d.resolve("postgres"))))
                : CompletableFuture.completedFuture(null);
        CompletableFuture<EmbeddedMariaDb> mdb = mariadb
                ? CompletableFuture.supplyAsync(() -> EmbeddedMariaDb.start(dataDir.map(d -> d.resolve("mariadb"))))
                : CompletableFuture.completedFuture(null);
        CompletableFuture<EmbeddedKafka> k = kafka
                ? CompletableFuture.supplyAsync(() -> EmbeddedKafka.start(dataDir.map(d -> d.resolve("kafka"))))
                : CompletableFuture.completedFuture(null);
        CompletableFuture<EmbeddedRedis> r = redis
                ? CompletableFuture.supplyAsync(EmbeddedRedis::start)
                : CompletableFuture.completedFuture(null);
        try {
            CompletableFuture.allOf(pg, mdb, k, r).join();
            return new EmbeddedServices(pg.join(), mdb.join(), k.join(), r.join());
        } catch (CompletionException e) {
            new EmbeddedServices(pg.exceptionally(x -> null).join(), mdb.exceptionally(x -> null).join(),
                    k.exceptionally(x -> null).join(), r.exceptionally(x -> null).join()).close();
            throw e.getCause() instanceof RuntimeException re ? re : e;
        }
    }

    public Optional<EmbeddedPostgres> postgres() {
        return Optional.ofNullable(postgres);
    }

    public Optional<EmbeddedMariaDb> mariadb() {
        return Optional.ofNullable(mariadb);
    }

    /** URL, user and password of the embedded warehouse, PostgreSQL or MariaDB; empty when the project names its own. */
    public Optional<WarehouseLogin> warehouseLogin() {
        if (mariadb != null) {
            return Optional.of(new WarehouseLogin(mariadb.jdbcUrl(), mariadb.user(), mariadb.password()));
        }
        return postgres().map(pg -> new WarehouseLogin(pg.jdbcUrl(), EmbeddedPostgres.USER, Secret.empty()));
    }

    public Optional<EmbeddedKafka> kafka() {
        return Optional.ofNullable(kafka);
    }

    public Optional<EmbeddedRedis> redis() {
        return Optional.ofNullable(redis);
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
        if (mariadb != null) {
            mariadb.close();
        }
    }
}
