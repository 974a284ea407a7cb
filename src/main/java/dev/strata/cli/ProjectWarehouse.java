package dev.strata.cli;

import dev.strata.config.ProjectConfig;
import dev.strata.config.WarehouseConfig;
import dev.strata.embedded.EmbeddedPostgres;
import dev.strata.warehouse.Warehouse;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The warehouse of a project for a command: a pool to the configured database, or, for
 * {@code embedded:postgres}, a PostgreSQL server of Strata's own whose data is kept in
 * {@code <project>/.strata/postgres} (so one command at a time may use it). The metadata schema is
 * migrated on open.
 */
final class ProjectWarehouse implements AutoCloseable {
    static final String EMBEDDED_DATA = ".strata/postgres";
    private final EmbeddedPostgres embedded;
    private final Warehouse warehouse;

    private ProjectWarehouse(EmbeddedPostgres embedded, Warehouse warehouse) {
        this.embedded = embedded;
        this.warehouse = warehouse;
    }

    static ProjectWarehouse open(ProjectConfig project, int minPoolSize) {
        WarehouseConfig cfg = project.warehouse();
        int pool = Math.max(cfg.poolSize(), minPoolSize);
        EmbeddedPostgres pg = null;
        Warehouse w;
        if (cfg.isEmbedded()) {
            Path dir = project.directory().resolve(EMBEDDED_DATA);
            // the project's own warehouse, shared with `strata run`: durable like it
            pg = EmbeddedPostgres.open(dir, EmbeddedPostgres.Durability.DURABLE);
            w = Warehouse.connect(pg.jdbcUrl(), pg.user(), pg.password(), pool);
        } else {
            w = Warehouse.connect(cfg.url(), cfg.user(), cfg.password(), pool);
        }
        try {
            w.migrate();
        } catch (RuntimeException e) {
            w.close();
            if (pg != null) {
                pg.close();
            }
            throw e;
        }
        return new ProjectWarehouse(pg, w);
    }

    Warehouse warehouse() {
        return warehouse;
    }

    @Override
    public void close() {
        warehouse.close();
        if (embedded != null) {
            embedded.close();
        }
    }
}
