package dev.strata.app;

import dev.strata.ErrorCode;
import dev.strata.StrataException;
import dev.strata.config.KafkaSourceSpec;
import dev.strata.config.ProjectConfig;
import dev.strata.config.RedisSourceSpec;
import dev.strata.config.Secret;
import dev.strata.config.SourceConfig;
import java.net.URI;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.List;
import java.util.ArrayList;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import dev.strata.embedded.ServerPassword;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisException;

/**
 * Sends records to where a source reads them ({@code strata produce}): a Kafka source's topic, or a
 * Redis source's dictionary. For {@code bootstrap: embedded} / {@code url: embedded} it finds the
 * servers the running {@code strata run} (or demo) of the project started ({@link RunningServers});
 * without one it fails with the command to start. Every record is acknowledged (Kafka
 * {@code acks=all}, idempotent; Redis {@code SET}) before {@link #close} returns.
 */
public abstract class SourceFeeder implements AutoCloseable {
    /** Where the records go, for messages: {@code topic orders on localhost:9092}. */
    public abstract String target();

    /** Sends one record; {@code key} may be null for Kafka, never for Redis. */
    public abstract void send(byte[] key, byte[] value);

    /** Waits until everything sent is acknowledged; fails with what did not arrive. */
    @Override
    public abstract void close();

    /** A feeder for {@code source} of {@code project}, whose embedded servers run with data in {@code dataDir}. */
    public static SourceFeeder open(ProjectConfig project, SourceConfig source, Path dataDir) {
        if (source.spec() instanceof KafkaSourceSpec k) {
            String bootstrap = k.isEmbedded() ? running(project, source, dataDir).kafka() : k.bootstrap();
            if (bootstrap == null) {
                throw notRunning(project, source, "broker", dataDir);
            }
            return new Kafka(k, bootstrap);
        }
        RedisSourceSpec r = (RedisSourceSpec) source.spec();
        String url = r.isEmbedded() ? running(project, source, dataDir).redis() : r.url();
        if (url == null) {
            throw notRunning(project, source, "Redis server", dataDir);
        }
        return new Redis(r, url, r.isEmbedded() ? embeddedRedisPassword(dataDir) : r.password());
    }

    /** The embedded Redis has {@code requirepass}: its password is in the server's directory under the data dir. */
    private static Secret embeddedRedisPassword(Path dataDir) {
        Path dir = dataDir.resolve(EmbeddedServices.REDIS_DIR);
        try {
            return ServerPassword.read(dir).orElse(Secret.empty());
        } catch (java.io.IOException e) {
            throw new StrataException(ErrorCode.SOURCE_UNAVAILABLE, "cannot read the embedded Redis server's password in "
                    + dir + ": " + e.getMessage(), e);
        }
    }

    private static RunningServers running(ProjectConfig project, SourceConfig source, Path dataDir) {
        return RunningServers.read(dataDir).orElseThrow(() -> notRunning(project, source,
                source.spec() instanceof KafkaSourceSpec ? "broker" : "Redis server", dataDir));
    }

    private static StrataException notRunning(ProjectConfig project, SourceConfig source, String what, Path dataDir) {
        return new StrataException(ErrorCode.SOURCE_UNAVAILABLE, "source '" + source.name() + "' reads from the embedded "
                + what + ", which runs inside `strata run`, and no `strata run` of project '" + project.name()
                + "' is running with data directory " + dataDir + ": start `strata run " + project.directory()
                + "` in another terminal first, or point the source at your own server");
    }

    /** A Kafka topic. */
    private static final class Kafka extends SourceFeeder {
        private final KafkaProducer<byte[], byte[]> producer;
        private final String topic;
        private final String bootstrap;
        private final List<Future<RecordMetadata>> pending = new ArrayList<>();

        Kafka(KafkaSourceSpec spec, String bootstrap) {
            this.topic = spec.topic();
            this.bootstrap = bootstrap;
            Properties p = new Properties();
            // the source's security settings apply to the producer too; its consumer settings do not
            spec.properties().forEach((k, v) -> {
                if (k.startsWith("security.") || k.startsWith("sasl.") || k.startsWith("ssl.")) {
                    p.put(k, v);
                }
            });
            p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
            p.put(ProducerConfig.ACKS_CONFIG, "all");
            p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
            p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
            p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "15000");
            p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "30000");
            p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "15000");
            p.put(ProducerConfig.CLIENT_ID_CONFIG, "strata-produce");
            this.producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
        }

        @Override
        public String target() {
            return "topic " + topic + " on " + bootstrap;
        }

        @Override
        public void send(byte[] key, byte[] value) {
            try {
                pending.add(producer.send(new ProducerRecord<>(topic, key, value)));
            } catch (org.apache.kafka.common.KafkaException e) {
                throw unavailable(e);
            }
        }

        @Override
        public void close() {
            try {
                producer.flush();
                for (Future<RecordMetadata> f : pending) {
                    f.get(30, TimeUnit.SECONDS);
                }
            } catch (ExecutionException e) {
                throw unavailable(e.getCause());
            } catch (TimeoutException e) {
                throw unavailable(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw unavailable(e);
            } finally {
                producer.close(java.time.Duration.ofSeconds(5));
            }
        }

        private StrataException unavailable(Throwable e) {
            return new StrataException(ErrorCode.SOURCE_UNAVAILABLE, "cannot send to " + target() + ": " + e.getMessage(), e);
        }
    }

    /** A Redis dictionary. */
    private static final class Redis extends SourceFeeder {
        private final Jedis jedis;
        private final String url;

        Redis(RedisSourceSpec spec, String url, Secret password) {
            this.url = url;
            URI uri = URI.create(url);
            DefaultJedisClientConfig.Builder cfg = DefaultJedisClientConfig.builder()
                    .ssl("rediss".equals(uri.getScheme()))
                    .connectionTimeoutMillis(5_000)
                    .socketTimeoutMillis(10_000)
                    .protocol(redis.clients.jedis.RedisProtocol.RESP2);
            if (!password.isEmpty()) {
                cfg.password(password.reveal());
            }
            String path = uri.getPath();
            if (path != null && path.length() > 1) {
                cfg.database(Integer.parseInt(path.substring(1)));
            }
            this.jedis = new Jedis(new HostAndPort(uri.getHost(), uri.getPort() > 0 ? uri.getPort() : 6379), cfg.build());
        }

        @Override
        public String target() {
            return "Redis " + url.replaceAll("//[^@/]*@", "//");
        }

        @Override
        public void send(byte[] key, byte[] value) {
            try {
                jedis.set(key, value);
            } catch (JedisException e) {
                throw new StrataException(ErrorCode.SOURCE_UNAVAILABLE, "cannot write to " + target() + ": " + e.getMessage(), e);
            }
        }

        @Override
        public void close() {
            jedis.close();
        }
    }

    /** Whether records of this source need a key ({@code --key}): a Redis dictionary is keyed by entry. */
    public static boolean needsKey(SourceConfig source) {
        return source.spec() instanceof RedisSourceSpec;
    }

    /** For a Redis source, the prefix of its keys: its {@code keys} glob without the trailing {@code *}. */
    public static Optional<String> keyPrefix(SourceConfig source) {
        if (!(source.spec() instanceof RedisSourceSpec r)) {
            return Optional.empty();
        }
        String glob = r.keys();
        String prefix = glob.endsWith("*") ? glob.substring(0, glob.length() - 1) : glob;
        return prefix.matches(".*[*?\\[\\]\\\\].*") || !glob.endsWith("*") ? Optional.empty() : Optional.of(prefix);
    }
}
