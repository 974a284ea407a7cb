package dev.strata.cli;

import dev.strata.app.EmbeddedServices;
import dev.strata.app.ProjectDataDir;
import dev.strata.config.ProjectConfig;
import dev.strata.config.WarehouseConfig;
import dev.strata.warehouse.Warehouse;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The warehouse of a project for a command: a pool to the configured database, or, for
 * {@code embedded:postgres}, the PostgreSQL server in the project's data directory
 * ({@link ProjectDataDir}: {@code --data-dir}, the one recorded by {@code strata run}/{@code demo
 * --data-dir}, else {@code <project>/.strata}) — attached to when another command runs it, started
 * (and stopped on close) when none does. The metadata schema is migrated on open.
 */
final class ProjectWarehouse implements AutoCloseable {
    private final EmbeddedServices embedded;
    private final Warehouse warehouse;

    private ProjectWarehouse(EmbeddedServices embedded, Warehouse warehouse) {
        this.embedded = embedded;
        this.warehouse = warehouse;
    }

    static ProjectWarehouse open(ProjectConfig project, int minPoolSize) {
        return open(project, Optional.empty(), minPoolSize);
    }

    static ProjectWarehouse open(ProjectConfig project, Optional<Path> dataDir, int minPoolSize) {
        WarehouseConfig cfg = project.warehouse();
        int pool = Math.max(cfg.poolSize(), minPoolSize);
        EmbeddedServices services = null;
        Warehouse w;
        if (cfg.isEmbedded()) {
            Path data = ProjectDataDir.locate(project.directory(), dataDir);
            services = EmbeddedServices.start(true, false, false, Optional.of(data));
            w = services.warehouse(pool);
        } else {
            w = Warehouse.connect(cfg.url(), cfg.user(), cfg.password(), pool);
        }
        try {
            w.migrate();
        } catch (RuntimeException e) {
            w.close();
            if (services != null) {
                services.close();
            }
            throw e;
        }
        return new ProjectWarehouse(services, w);
    }

    Warehouse warehouse() {
        return warehouse;
    }

    /** Where the data is, for messages: the embedded server's data directory, or the configured URL. */
    String describe() {
        return embedded != null ? "embedded PostgreSQL in " + embedded.postgres().orElseThrow().dataDir()
                : warehouse.url();
    }

    @Override
    public void close() {
        warehouse.close();
        if (embedded != null) {
            embedded.close();
        }
    }
}
