package dev.strata.ingest;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Starts {@link LanderProcess} JVMs with this JVM's class path and kills them. Each child's output
 * goes to {@code target/lander-logs/<name>.log}; the number of batches it committed is counted
 * from its {@code landed} lines.
 */
final class LanderProcesses implements AutoCloseable {
    private final String jdbcUrl;
    private final String user;
    private final String password;
    private final Path yaml;
    private final Path logDir;
    private final List<Lander> all = new ArrayList<>();

    /** A running child. */
    static final class Lander {
        final String name;
        final Process process;
        final AtomicInteger batches = new AtomicInteger();
        /** Batches read from a source and about to be landed (a {@code jdbc} lander's debug line). */
        final AtomicInteger read = new AtomicInteger();
        volatile boolean started;

        Lander(String name, Process process) {
            this.name = name;
            this.process = process;
        }

        /** SIGKILL: no shutdown hook, no rollback, no leave-group. */
        void kill() throws InterruptedException {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }

        /** SIGTERM: the graceful close path. */
        void stop() throws InterruptedException {
            process.destroy();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }

    private final Class<?> main;
    private final List<String> jvmArgs;

    LanderProcesses(String jdbcUrl, Path yaml, String testName) throws IOException {
        this(jdbcUrl, dev.strata.testing.WarehouseUnderTest.postgres(), yaml, testName);
    }

    /** Children connecting to {@code jdbcUrl} as {@code under}'s user (the password in their environment, not on a command line). */
    LanderProcesses(String jdbcUrl, dev.strata.testing.WarehouseUnderTest under, Path yaml, String testName) throws IOException {
        this(jdbcUrl, under, yaml, testName, LanderProcess.class, List.of());
    }

    /** Children running {@code main} (same arguments as {@link LanderProcess}) with extra JVM arguments. */
    LanderProcesses(String jdbcUrl, Path yaml, String testName, Class<?> main, List<String> jvmArgs) throws IOException {
        this(jdbcUrl, dev.strata.testing.WarehouseUnderTest.postgres(), yaml, testName, main, jvmArgs);
    }

    LanderProcesses(String jdbcUrl, dev.strata.testing.WarehouseUnderTest under, Path yaml, String testName,
                    Class<?> main, List<String> jvmArgs) throws IOException {
        this.jdbcUrl = jdbcUrl;
        this.user = under.user();
        this.password = under.password().reveal();
        this.yaml = yaml;
        this.logDir = Path.of("target", "lander-logs", testName);
        this.main = main;
        this.jvmArgs = List.copyOf(jvmArgs);
        Files.createDirectories(logDir);
    }

    Lander start(String name, String workerId) throws IOException {
        Path log = logDir.resolve(name + ".log");
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=info",
                // CdcLander reports each committed unit at debug: the kill tests count them
                "-Dorg.slf4j.simpleLogger.log.dev.strata.ingest.CdcLander=debug"));
        command.addAll(jvmArgs);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), main.getName(), jdbcUrl, yaml.toString(),
                workerId, user));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().put("STRATA_TEST_WAREHOUSE_PASSWORD", password);
        Lander l = new Lander(name, pb.start());
        all.add(l);
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(l.process.getInputStream(), StandardCharsets.UTF_8));
                 PrintWriter w = new PrintWriter(Files.newBufferedWriter(log, StandardCharsets.UTF_8,
                         StandardOpenOption.CREATE, StandardOpenOption.APPEND))) {
                String line;
                while ((line = r.readLine()) != null) {
                    if (line.startsWith("landed ")) {
                        l.batches.incrementAndGet();
                    } else if (line.contains("landing a batch of")) {
                        l.read.incrementAndGet();
                    } else if (line.equals("started")) {
                        l.started = true;
                    }
                    w.println(line);
                }
            } catch (IOException e) {
                // the child died: its output ends here
            }
        }, "lander-output-" + name);
        reader.setDaemon(true);
        reader.start();
        return l;
    }

    /** Lines of all children's logs containing {@code text}. */
    long countInLogs(String text) throws IOException {
        long n = 0;
        try (var files = Files.list(logDir)) {
            for (Path p : files.toList()) {
                n += Files.readAllLines(p, StandardCharsets.UTF_8).stream().filter(s -> s.contains(text)).count();
            }
        }
        return n;
    }

    @Override
    public void close() throws InterruptedException {
        for (Lander l : all) {
            if (l.process.isAlive()) {
                l.kill();
            }
        }
    }
}
