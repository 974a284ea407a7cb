package dev.strata.app;

import dev.strata.StrataException;
import dev.strata.config.KafkaSourceSpec;
import dev.strata.config.ProjectConfig;
import dev.strata.config.RedisSourceSpec;
import dev.strata.config.Secret;
import dev.strata.config.SourceConfig;
import dev.strata.embedded.Durability;
import dev.strata.embedded.EmbeddedKafka;
import dev.strata.embedded.EmbeddedMariaDb;
import dev.strata.embedded.EmbeddedPostgres;
import dev.strata.embedded.EmbeddedRedis;
import dev.strata.warehouse.Warehouse;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * The embedded servers a project asks for: PostgreSQL for {@code warehouse.url: embedded:postgres}
 * (MariaDB for {@code embedded:mariadb}), a Kafka broker for sources with {@code bootstrap: embedded},
 * Redis for {@code url: embedded}. With a data directory, the warehouse and Kafka keep their data there
 * across runs ({@code postgres/} or {@code mariadb/}, {@code kafka/}); Redis holds nothing durable
 * ({@code redis/} keeps its config, password and pid file). The warehouse and Redis are supervised:
 * restarted when they exit unexpectedly, and {@link #failure()} completes when one cannot be
 * brought back. Closed in reverse order of start.
 */
public final class EmbeddedServices implements AutoCloseable {
    private final EmbeddedPostgres postgres;
    private final EmbeddedMariaDb mariadb;
    private final EmbeddedKafka kafka;
    private final EmbeddedRedis redis;

    /** How to log in to the embedded warehouse. */
    public record WarehouseLogin(String jdbcUrl, String user, Secret password) {
    }

    /** The embedded Redis server's directory (config, password, pid file) under a data directory. */
    public static final String REDIS_DIR = "redis";

    private EmbeddedServices(EmbeddedPostgres postgres, EmbeddedMariaDb mariadb, EmbeddedKafka kafka, EmbeddedRedis redis) {
        this.postgres = postgres;
        this.mariadb = mariadb;
        this.kafka = kafka;
        this.redis = redis;
    }

    /** Starts what {@code project} needs, the warehouse not durable (the demo's and tests' choice; see {@link Durability}). */
    public static EmbeddedServices forProject(ProjectConfig project, Optional<Path> dataDir) {
        return forProject(project, dataDir, Durability.FAST);
    }

    /**
     * Starts what {@code project} needs; nothing when it names real servers everywhere. With a data
     * directory, records it for the project's later commands ({@link ProjectDataDir}).
     */
    public static EmbeddedServices forProject(ProjectConfig project, Optional<Path> dataDir, Durability durability) {
        dataDir.ifPresent(d -> ProjectDataDir.record(project.directory(), d));
        boolean mariadb = project.warehouse().isEmbeddedMariaDb();
        boolean pg = project.warehouse().isEmbedded() && !mariadb;
        boolean kafka = false;
        boolean redis = false;
        for (SourceConfig s : project.sources().values()) {
            kafka |= s.spec() instanceof KafkaSourceSpec k && k.isEmbedded();
            redis |= s.spec() instanceof RedisSourceSpec r && r.isEmbedded();
        }
        return start(pg, mariadb, kafka, redis, dataDir, durability);
    }

    /** Starts the chosen servers, PostgreSQL not durable; see {@link #start(boolean, boolean, boolean, boolean, Optional, Durability)}. */
    public static EmbeddedServices start(boolean postgres, boolean kafka, boolean redis, Optional<Path> dataDir) {
        return start(postgres, false, kafka, redis, dataDir, Durability.FAST);
    }

    /**
     * Starts the chosen servers side by side (PostgreSQL, MariaDB and Redis are child processes,
     * Kafka runs in this JVM; starting them together saves seconds), the warehouse with the given
     * durability; if one fails, the others are stopped.
     */
    public static EmbeddedServices start(boolean postgres, boolean mariadb, boolean kafka, boolean redis,
                                         Optional<Path> dataDir, Durability durability) {
        CompletableFuture<EmbeddedPostgres> pg = postgres
                ? CompletableFuture.supplyAsync(() -> EmbeddedPostgres.start(dataDir.map(d -> d.resolve("postgres")), 0, durability))
                : CompletableFuture.completedFuture(null);
        CompletableFuture<EmbeddedMariaDb> mdb = mariadb
                ? CompletableFuture.supplyAsync(() -> EmbeddedMariaDb.start(dataDir.map(d -> d.resolve("mariadb")),
                        durability == Durability.DURABLE ? EmbeddedMariaDb.Options.durable() : EmbeddedMariaDb.Options.fast()))
                : CompletableFuture.completedFuture(null);
        CompletableFuture<EmbeddedKafka> k = kafka
                ? CompletableFuture.supplyAsync(() -> EmbeddedKafka.start(dataDir.map(d -> d.resolve("kafka"))))
                : CompletableFuture.completedFuture(null);
        CompletableFuture<EmbeddedRedis> r = redis
                ? CompletableFuture.supplyAsync(() -> EmbeddedRedis.start(dataDir.map(d -> d.resolve(REDIS_DIR))))
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

    /**
     * A pool on the embedded warehouse (PostgreSQL or MariaDB). Every connection Strata makes to an
     * embedded warehouse goes through {@link #warehouseLogin()}, so that its credentials are read in
     * one place.
     */
    public Warehouse warehouse(int poolSize) {
        WarehouseLogin login = warehouseLogin()
                .orElseThrow(() -> new IllegalStateException("no embedded warehouse was started"));
        return Warehouse.connect(login.jdbcUrl(), login.user(), login.password(), poolSize);
    }

    /**
     * Creates, on the embedded broker, the topic of every source that reads from it (one partition,
     * unless it exists), so that landing and the console find it before the first message; returns
     * the topics, in source order. Nothing without an embedded broker.
     */
    public java.util.List<String> createTopics(ProjectConfig project) {
        java.util.Set<String> topics = new java.util.LinkedHashSet<>();
        if (kafka == null) {
            return java.util.List.of();
        }
        for (SourceConfig s : project.sourcesInOrder()) {
            if (s.spec() instanceof KafkaSourceSpec k && k.isEmbedded() && topics.add(k.topic())) {
                kafka.createTopic(k.topic(), 1);
            }
        }
        return java.util.List.copyOf(topics);
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
        return postgres().map(pg -> new WarehouseLogin(pg.jdbcUrl(), pg.user(), pg.password()));
    }

    public Optional<EmbeddedKafka> kafka() {
        return Optional.ofNullable(kafka);
    }

    public Optional<EmbeddedRedis> redis() {
        return Optional.ofNullable(redis);
    }

    /** Completes with the error when a supervised server exited and could not be restarted. */
    public CompletableFuture<StrataException> failure() {
        CompletableFuture<StrataException> any = new CompletableFuture<>();
        if (postgres != null) {
            postgres.failure().thenAccept(any::complete);
        }
        if (mariadb != null) {
            mariadb.failure().thenAccept(any::complete);
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
        if (mariadb != null) {
            mariadb.close();
        }
    }
}
