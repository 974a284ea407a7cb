package dev.strata.embedded;

import dev.strata.ErrorCode;
import dev.strata.StrataException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.MetadataVersion;

/**
 * A single-node Kafka broker in KRaft mode (broker and controller in one), running inside this JVM
 * with Kafka's own server classes: no ZooKeeper, no Docker. For {@code strata demo} and tests.
 * With a data directory the log survives restarts; without one a temporary directory is used.
 */
public final class EmbeddedKafka implements AutoCloseable {
    private final KafkaRaftServer server;
    private final int port;
    private final Path logDir;
    private final boolean temporary;

    private EmbeddedKafka(KafkaRaftServer server, int port, Path logDir, boolean temporary) {
        this.server = server;
        this.port = port;
        this.logDir = logDir;
        this.temporary = temporary;
    }

    public static EmbeddedKafka start(Optional<Path> dataDir) {
        int port = Ports.free();
        int controllerPort = Ports.free();
        while (controllerPort == port) {   // two calls can hand out the same just-freed port
            controllerPort = Ports.free();
        }
        return start(dataDir, port, controllerPort);
    }

    /**
     * On given ports: with the same data directory and ports a stopped broker comes back where
     * clients knew it (tests of broker outages).
     */
    public static EmbeddedKafka start(Optional<Path> dataDir, int port, int controllerPort) {
        try {
            Path dir = dataDir.isPresent() ? dataDir.get().toAbsolutePath() : Files.createTempDirectory("strata-kafka-");
            Files.createDirectories(dir);
            Map<String, Object> p = new HashMap<>();
            p.put("process.roles", "broker,controller");
            p.put("node.id", "1");
            p.put("controller.quorum.voters", "1@localhost:" + controllerPort);
            p.put("listeners", "PLAINTEXT://localhost:" + port + ",CONTROLLER://localhost:" + controllerPort);
            p.put("advertised.listeners", "PLAINTEXT://localhost:" + port);
            p.put("controller.listener.names", "CONTROLLER");
            p.put("inter.broker.listener.name", "PLAINTEXT");
            p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
            p.put("log.dirs", dir.toString());
            p.put("num.partitions", "1");
            p.put("offsets.topic.replication.factor", "1");
            p.put("offsets.topic.num.partitions", "4");
            p.put("transaction.state.log.replication.factor", "1");
            p.put("transaction.state.log.min.isr", "1");
            p.put("share.coordinator.state.topic.replication.factor", "1");
            p.put("share.coordinator.state.topic.min.isr", "1");
            p.put("group.initial.rebalance.delay.ms", "0");
            p.put("log.flush.interval.messages", String.valueOf(Long.MAX_VALUE));
            p.put("auto.create.topics.enable", "true");
            KafkaConfig config = new KafkaConfig(p, false);
            if (!Files.exists(dir.resolve("meta.properties"))) {
                new Formatter()
                        .setClusterId(Uuid.randomUuid().toString())
                        .setNodeId(1)
                        .setControllerListenerName("CONTROLLER")
                        .setMetadataLogDirectory(dir.toString())
                        .setDirectories(List.of(dir.toString()))
                        .setReleaseVersion(MetadataVersion.LATEST_PRODUCTION)
                        .setPrintStream(new java.io.PrintStream(java.io.OutputStream.nullOutputStream()))
                        .run();
            }
            KafkaRaftServer server = new KafkaRaftServer(config, Time.SYSTEM);
            server.startup();
            EmbeddedKafka kafka = new EmbeddedKafka(server, port, dir, dataDir.isEmpty());
            kafka.awaitReady();
            return kafka;
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            throw new StrataException(ErrorCode.EMBEDDED, "cannot start the embedded Kafka broker: " + e.getMessage(), e);
        }
    }

    /** The broker answers metadata requests once it has joined its own quorum. */
    private void awaitReady() throws InterruptedException, ExecutionException, TimeoutException {
        try (Admin admin = admin()) {
            admin.describeCluster().nodes().get(30, TimeUnit.SECONDS);
        }
    }

    public String bootstrap() {
        return "localhost:" + port;
    }

    public int port() {
        return port;
    }

    public Admin admin() {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap());
        return Admin.create(props);
    }

    /** Creates a topic unless it exists. */
    public void createTopic(String name, int partitions) {
        try (Admin admin = admin()) {
            admin.createTopics(List.of(new NewTopic(name, partitions, (short) 1))).all().get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new StrataException(ErrorCode.EMBEDDED, "cannot create topic " + name + ": " + e.getCause().getMessage(), e);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StrataException(ErrorCode.EMBEDDED, "interrupted while creating topic " + name, e);
        } catch (TimeoutException e) {
            throw new StrataException(ErrorCode.EMBEDDED, "timed out creating topic " + name, e);
        }
    }

    @Override
    public void close() {
        server.shutdown();
        server.awaitShutdown();
        if (temporary) {
            deleteRecursively(logDir);
        }
    }

    static void deleteRecursively(Path dir) {
        try (var paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // best effort: a temp directory
        }
    }
}
