package dev.strata.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The {@code strata} command in a JVM of its own, as a user runs it: its own environment, its own
 * temporary directory, standard input from a file or nothing, output kept in files (so a long
 * running command cannot block on a full pipe). For tests of what a user sees and of what a
 * process leaves behind.
 */
public final class StrataProcess {
    private final Path workDir;
    private final Map<String, String> env = new HashMap<>();
    private Path tmpDir;
    private int counter;

    /** Commands run in {@code workDir}; their output files go to {@code workDir/.out}. */
    public StrataProcess(Path workDir) {
        this.workDir = workDir;
    }

    public StrataProcess env(String name, String value) {
        env.put(name, value);
        return this;
    }

    /** The JVM's {@code java.io.tmpdir}. */
    public StrataProcess tmpDir(Path dir) {
        this.tmpDir = dir;
        return this;
    }

    /** What a finished command did. */
    public record Result(int exitCode, String out, String err) {
        public String all() {
            return out + err;
        }

        @Override
        public String toString() {
            return "exit code " + exitCode + "\n--- stdout\n" + out + "\n--- stderr\n" + err;
        }
    }

    /** A command that is still running. */
    public final class Running {
        private final Process process;
        private final Path out;
        private final Path err;

        Running(Process process, Path out, Path err) {
            this.process = process;
            this.out = out;
            this.err = err;
        }

        public String out() throws IOException {
            return Files.readString(out, StandardCharsets.UTF_8);
        }

        public String err() throws IOException {
            return Files.readString(err, StandardCharsets.UTF_8);
        }

        public boolean isAlive() {
            return process.isAlive();
        }

        /** Sends SIGTERM (what Ctrl-C's shutdown path also runs) and waits for the exit. */
        public Result stop(Duration timeout) throws Exception {
            process.destroy();
            return await(timeout);
        }

        public Result await(Duration timeout) throws Exception {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor();
                throw new AssertionError("strata did not end within " + timeout + "\n--- stdout\n" + out()
                        + "\n--- stderr\n" + err());
            }
            return new Result(process.exitValue(), out(), err());
        }

        /** Kills it if it still runs (for clean-up). */
        public void kill() throws InterruptedException {
            if (process.isAlive()) {
                process.destroyForcibly().waitFor();
            }
        }
    }

    public Running start(Path stdin, String... args) throws IOException {
        Path outDir = Files.createDirectories(workDir.resolve(".out"));
        int n = ++counter;
        Path out = outDir.resolve(n + "-" + args[0] + ".out");
        Path err = outDir.resolve(n + "-" + args[0] + ".err");
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m", "-XX:+UseSerialGC"));
        if (tmpDir != null) {
            command.add("-Djava.io.tmpdir=" + tmpDir);
        }
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), "dev.strata.cli.Main"));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).directory(workDir.toFile())
                .redirectOutput(out.toFile()).redirectError(err.toFile());
        pb.environment().putAll(env);
        if (stdin != null) {
            pb.redirectInput(stdin.toFile());
        } else {
            pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        }
        return new Running(pb.start(), out, err);
    }

    /** Runs a command to its end (at most {@code timeout}). */
    public Result run(Duration timeout, String... args) throws Exception {
        return start(null, args).await(timeout);
    }

    /** Runs a command with {@code stdin} as its standard input. */
    public Result run(Duration timeout, Path stdin, String... args) throws Exception {
        return start(stdin, args).await(timeout);
    }
}
