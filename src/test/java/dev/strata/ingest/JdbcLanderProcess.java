package dev.strata.ingest;

import dev.strata.config.EnvResolver;
import dev.strata.config.ProjectConfig;
import dev.strata.config.ProjectLoader;
import dev.strata.config.Secret;
import dev.strata.config.SourceConfig;
import dev.strata.warehouse.Warehouse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * A {@code jdbc} incremental lander in its own JVM, for the kill -9 test:
 * {@code JdbcLanderProcess <warehouse-url> <strata.yaml> <worker-id>}. Runs the project's first
 * source again and again (as its schedule would), printing {@code started}, then
 * {@code landed <rows>} after each committed batch and {@code run <rows>} after each run.
 */
public final class JdbcLanderProcess {
    private JdbcLanderProcess() {
    }

    public static void main(String[] args) throws Exception {
        Path yaml = Path.of(args[1]);
        ProjectConfig project = new ProjectLoader(EnvResolver.of(Map.of()))
                .parse(yaml.getParent(), Files.readString(yaml), yaml.toString());
        SourceConfig source = project.sourcesInOrder().get(0);
        try (Warehouse warehouse = Warehouse.connect(args[0], "postgres", Secret.empty(), 4)) {
            JdbcLanding landing = JdbcLanding.of(project.name(), source);
            System.out.println("started");
            while (true) {
                long rows = landing.increment(warehouse, args[2], batch -> System.out.println("landed " + batch.rowsLanded()));
                System.out.println("run " + rows);
            }
        }
    }
}
