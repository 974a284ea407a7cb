package dev.strata.cli;

import dev.strata.config.ProjectConfig;
import dev.strata.config.Secret;
import dev.strata.config.WarehouseConfig;
import dev.strata.embedded.EmbeddedMariaDb;
import dev.strata.embedded.EmbeddedPostgres;
import dev.strata.warehouse.Warehouse;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The warehouse of a project for a command: a pool to the configured database, or, for
 * {@code embedded:postgres}, a PostgreSQL server of Strata's own whose data is kept in
 * {@code <project>/.strata/postgres} (for {@code embedded:mariadb}, a MariaDB server with its data
 * in {@code <project>/.strata/mariadb}); one command at a time may use it. The metadata schema is
 * migrated on open.
 */
final class ProjectWarehouse implements AutoCloseable {
    static final String EMBEDDED_DATA = ".strata/postgres";
    static final String EMBEDDED_MARIADB_DATA = ".strata/mariadb";
    private final Runnable stopEmbedded;
    private final Warehouse warehouse;

    private ProjectWarehouse(Runnable stopEmbedded, Warehouse warehouse) {
        this.stopEmbedded = stopEmbedded;
        this.warehouse = warehouse;
    }

    static ProjectWarehouse open(ProjectConfig project, int minPoolSize) {
        WarehouseConfig cfg = project.warehouse();
        int pool = Math.max(cfg.poolSize(), minPoolSize);
        Runnable stop = () -> { };
        Warehouse w = null;
        try {
            if (cfg.isEmbeddedMariaDb()) {
                EmbeddedMariaDb db = EmbeddedMariaDb.start(Optional.of(project.directory().resolve(EMBEDDED_MARIADB_DATA)));
                stop = db::close;
                // until the MariaDB adapter exists (issue 13, phase 2) this fails as an unsupported database
                w = Warehouse.connect(db.jdbcUrl(), db.user(), db.password(), pool);
            } else if (cfg.isEmbedded()) {
                Path dir = project.directory().resolve(EMBEDDED_DATA);
                EmbeddedPostgres pg = EmbeddedPostgres.start(Optional.of(dir));
                stop = pg::close;
                w = Warehouse.connect(pg.jdbcUrl(), EmbeddedPostgres.USER, Secret.empty(), pool);
            } else {
                w = Warehouse.connect(cfg.url(), cfg.user(), cfg.password(), pool);
            }
            w.migrate();
            return new ProjectWarehouse(stop, w);
        } catch (RuntimeException e) {
            if (w != null) {
                w.close();
            }
            stop.run();
            throw e;
        }
    }

    Warehouse warehouse() {
        return warehouse;
    }

    @Override
    public void close() {
        warehouse.close();
        stopEmbedded.run();
    }
}
