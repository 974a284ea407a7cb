package dev.strata.cli;

import dev.strata.app.EmbeddedServices;
import dev.strata.app.ProjectDataDir;
import dev.strata.config.ProjectConfig;
import dev.strata.config.WarehouseConfig;
import dev.strata.embedded.Durability;
import dev.strata.warehouse.Warehouse;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The warehouse of a project for a command: a pool to the configured database, or, for
 * {@code embedded:postgres} ({@code embedded:mariadb}), the server in the project's data directory
 * ({@link ProjectDataDir}: {@code --data-dir}, the one recorded by {@code strata run}/{@code demo
 * --data-dir}, else {@code <project>/.strata}; the data in its {@code postgres/} or {@code mariadb/})
 * — attached to when another command runs it, started (and stopped on close) when none does. The
 * metadata schema is migrated on open.
 */
final class ProjectWarehouse implements AutoCloseable {
    private final EmbeddedServices embedded;
    private final Warehouse warehouse;

    private ProjectWarehouse(EmbeddedServices embedded, Warehouse warehouse) {
        this.embedded = embedded;
        this.warehouse = warehouse;
    }

    static ProjectWarehouse open(ProjectConfig project, Optional<Path> dataDir, int minPoolSize) {
        WarehouseConfig cfg = project.warehouse();
        int pool = Math.max(cfg.poolSize(), minPoolSize);
        EmbeddedServices services = null;
        Warehouse w = null;
        try {
            if (cfg.isEmbedded()) {
                Path data = ProjectDataDir.locate(project.directory(), dataDir);
                boolean mariadb = cfg.isEmbeddedMariaDb();
                // the project's own warehouse, shared with `strata run`: durable like it
                services = EmbeddedServices.start(!mariadb, mariadb, false, false, Optional.of(data), Durability.DURABLE);
                // for embedded:mariadb this fails as an unsupported database until the MariaDB adapter
                // exists (issue 13, phase 2)
                w = services.warehouse(pool);
            } else {
                w = Warehouse.connect(cfg.url(), cfg.user(), cfg.password(), pool);
            }
            w.migrate();
            return new ProjectWarehouse(services, w);
        } catch (RuntimeException e) {
            if (w != null) {
                w.close();
            }
            if (services != null) {
                services.close();
            }
            throw e;
        }
    }

    Warehouse warehouse() {
        return warehouse;
    }

    /** Where the data is, for messages: the embedded server's data directory, or the configured URL. */
    String describe() {
        if (embedded != null && embedded.postgres().isPresent()) {
            return "embedded PostgreSQL in " + embedded.postgres().get().dataDir();
        }
        if (embedded != null && embedded.mariadb().isPresent()) {
            return "embedded MariaDB " + embedded.mariadb().get().jdbcUrl();
        }
        return warehouse.url();
    }

    @Override
    public void close() {
        warehouse.close();
        if (embedded != null) {
            embedded.close();
        }
    }
}
