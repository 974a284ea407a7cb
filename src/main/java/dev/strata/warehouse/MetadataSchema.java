package dev.strata.warehouse;

import dev.strata.ErrorCode;
import dev.strata.StrataException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Strata's own tables in schema {@code strata}: source positions, dead letters, layer watermarks,
 * task runs. Versioned migrations run by Flyway, under a session lock of Strata's so that two
 * processes starting together never race on creating the schema (Flyway's own lock only covers
 * its history table, which must exist first).
 */
public final class MetadataSchema {
    public static final String SCHEMA = "strata";
    private static final Logger LOG = LoggerFactory.getLogger(MetadataSchema.class);
    private final Warehouse warehouse;

    MetadataSchema(Warehouse warehouse) {
        this.warehouse = warehouse;
    }

    void migrate() {
        WarehouseAdapter adapter = warehouse.adapter();
        try (Connection c = warehouse.unpooledConnection()) {
            adapter.catalog().requireSupportedServer(c);
            adapter.locks().lockSession(c, LockKeys.migration());
            try {
                try (Statement s = c.createStatement()) {
                    s.execute(adapter.sql().createSchemaIfNotExists(SCHEMA));
                }
                MigrateResult result = Flyway.configure(MetadataSchema.class.getClassLoader())
                        .dataSource(warehouse.dataSource())
                        .schemas(SCHEMA)
                        .createSchemas(false)
                        .table("schema_history")
                        .locations(adapter.migrationsLocation())
                        .loggers("slf4j")
                        .load()
                        .migrate();
                if (result.migrationsExecuted > 0) {
                    LOG.info("metadata schema '{}' migrated to version {}", SCHEMA, result.targetSchemaVersion);
                }
            } finally {
                adapter.locks().unlockSession(c, LockKeys.migration());
            }
        } catch (SQLException e) {
            throw new StrataException(adapter.errors().isTransient(e) ? ErrorCode.WAREHOUSE_UNAVAILABLE : ErrorCode.WAREHOUSE,
                    "cannot create the metadata schema '" + SCHEMA + "' in " + warehouse.url() + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            if (e instanceof StrataException) {
                throw e;
            }
            throw new StrataException(ErrorCode.WAREHOUSE,
                    "migrating the metadata schema '" + SCHEMA + "' failed: " + e.getMessage(), e);
        }
    }
}
