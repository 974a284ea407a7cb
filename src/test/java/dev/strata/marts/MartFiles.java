package dev.strata.marts;

import dev.strata.config.EnvResolver;
import dev.strata.config.ProjectConfig;
import dev.strata.config.ProjectLoader;
import dev.strata.schedule.Pipeline;
import dev.strata.warehouse.Warehouses;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** Writes a small project with marts for a test and loads it. */
final class MartFiles {
    static final String SOURCES = """
            name: t
            sources:
              orders: { kafka: { topic: orders } }
            """;

    private MartFiles() {
    }

    static Path write(Path dir, String yaml, Map<String, String> files) {
        try {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("strata.yaml"), yaml);
            for (Map.Entry<String, String> f : files.entrySet()) {
                Path p = dir.resolve(f.getKey());
                Files.createDirectories(p.getParent());
                Files.writeString(p, f.getValue());
            }
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static ProjectConfig load(Path dir) {
        return new ProjectLoader(EnvResolver.of(Map.of())).load(dir);
    }

    static Pipeline pipeline(Path dir) {
        return Pipeline.load(load(dir), Warehouses.forUrl("jdbc:postgresql://localhost/x"));
    }
}
