package dev.strata.embedded;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** Test helper run in a child JVM: starts PostgreSQL on a data directory, prints its port, then waits to be killed. */
public final class PostgresChild {
    private PostgresChild() {
    }

    public static void main(String[] args) throws Exception {
        EmbeddedPostgres pg = EmbeddedPostgres.start(Optional.of(Path.of(args[0])));
        System.out.println("PORT " + pg.port());
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }

    /** Starts the child JVM on {@code data}, with extra {@code NAME=value} environment variables. */
    static Process start(Path data, List<String> env) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), PostgresChild.class.getName(), data.toString()))
                .redirectErrorStream(true);
        for (String e : env) {
            int eq = e.indexOf('=');
            pb.environment().put(e.substring(0, eq), e.substring(eq + 1));
        }
        return pb.start();
    }

    /** Waits for the child's PORT line and returns the port (its other output is skipped). */
    static int port(Process child) throws IOException {
        BufferedReader r = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
        String line;
        while ((line = r.readLine()) != null && !line.startsWith("PORT ")) {
            // skip log lines
        }
        if (line == null) {
            throw new IOException("the child JVM ended without printing its port");
        }
        Thread drain = new Thread(() -> {
            try {
                while (r.readLine() != null) {
                    // keep the pipe empty
                }
            } catch (IOException ignored) {
                // the child ended
            }
        });
        drain.setDaemon(true);
        drain.start();
        return Integer.parseInt(line.substring(5).trim());
    }
}
