package dev.strata.app;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** {@code strata demo} in a JVM of its own (so a test can kill or signal it), its output into a file. */
final class DemoProcess {
    private DemoProcess() {
    }

    static Process start(Path output, String... demoArgs) throws IOException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m",
                "-cp", System.getProperty("java.class.path"), "dev.strata.cli.Main", "demo", "--no-console"));
        command.addAll(List.of(demoArgs));
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile()).start();
    }
}
