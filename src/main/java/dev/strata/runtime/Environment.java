package dev.strata.runtime;

import dev.strata.config.KafkaSourceSpec;
import dev.strata.config.ProjectConfig;
import dev.strata.warehouse.Warehouse;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.Objects;

/**
 * What the parts of a running pipeline share: the project, the warehouse pool, where the embedded
 * broker is (if any), one metrics registry, a clock and this process's worker id. Built once by a
 * command ({@code run}, {@code demo}, tests) and passed down; no static state.
 *
 * @param embeddedKafkaBootstrap the bootstrap address used for sources that say {@code bootstrap: embedded},
 *                               or null when no broker was started
 * @param workerId               identifies this process in task runs, leases and positions
 * @param embeddedRedisUrl       the URL used for Redis sources that say {@code url: embedded}, or null
 * @param embeddedRedisPassword  the password of that embedded Redis server
 */
public record Environment(ProjectConfig project, Warehouse warehouse, String embeddedKafkaBootstrap,
                          MeterRegistry metrics, Clock clock, String workerId, String embeddedRedisUrl,
                          dev.strata.config.Secret embeddedRedisPassword) {
    /** With an embedded Redis server that needs no password. */
    public Environment(ProjectConfig project, Warehouse warehouse, String embeddedKafkaBootstrap,
                       MeterRegistry metrics, Clock clock, String workerId, String embeddedRedisUrl) {
        this(project, warehouse, embeddedKafkaBootstrap, metrics, clock, workerId, embeddedRedisUrl,
                dev.strata.config.Secret.empty());
    }

    /** Without an embedded Redis server. */
    public Environment(ProjectConfig project, Warehouse warehouse, String embeddedKafkaBootstrap,
                       MeterRegistry metrics, Clock clock, String workerId) {
        this(project, warehouse, embeddedKafkaBootstrap, metrics, clock, workerId, null);
    }

    public Environment {
        Objects.requireNonNull(project);
        Objects.requireNonNull(warehouse);
        Objects.requireNonNull(metrics);
        Objects.requireNonNull(clock);
        Objects.requireNonNull(workerId);
        embeddedRedisPassword = embeddedRedisPassword == null ? dev.strata.config.Secret.empty() : embeddedRedisPassword;
    }

    /** The password for a Redis source: the embedded server's for {@code url: embedded}, else the source's own. */
    public dev.strata.config.Secret redisPassword(dev.strata.config.RedisSourceSpec spec) {
        return spec.isEmbedded() ? embeddedRedisPassword : spec.password();
    }

    /** The bootstrap servers for a Kafka source, resolving {@code embedded}. */
    public String kafkaBootstrap(KafkaSourceSpec spec) {
        if (spec.isEmbedded()) {
            if (embeddedKafkaBootstrap == null) {
                throw new IllegalStateException("source uses 'bootstrap: embedded' but no embedded broker is running; "
                        + "use `strata demo`, or set kafka.bootstrap to your brokers (e.g. ${KAFKA_BOOTSTRAP})");
            }
            return embeddedKafkaBootstrap;
        }
        return spec.bootstrap();
    }

    /** The Redis URL for a Redis source, resolving {@code embedded}. */
    public String redisUrl(dev.strata.config.RedisSourceSpec spec) {
        if (spec.isEmbedded()) {
            if (embeddedRedisUrl == null) {
                throw new IllegalStateException("source uses 'url: embedded' but no embedded Redis is running; "
                        + "use `strata demo`, or set redis.url (e.g. ${REDIS_URL})");
            }
            return embeddedRedisUrl;
        }
        return spec.url();
    }

    /** The pipeline name: the project's name. */
    public String pipeline() {
        return project.name();
    }

    /** A default worker id: host name and process id, unique enough across a cluster. */
    public static String defaultWorkerId() {
        String host;
        try {
            host = java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.net.UnknownHostException e) {
            host = "localhost";
        }
        return host + ":" + ProcessHandle.current().pid();
    }
}
