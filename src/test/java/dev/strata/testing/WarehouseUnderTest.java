package dev.strata.testing;

import dev.strata.config.Secret;
import dev.strata.warehouse.Warehouse;

/**
 * A warehouse a contract test runs against: hands out fresh, empty databases on one embedded
 * server. One implementation per adapter ({@link #postgres()}; phase 2 adds MariaDB's).
 */
public interface WarehouseUnderTest {
    /** A JDBC URL of a new, empty database (metadata schema not yet created). */
    String newDatabaseUrl();

    String user();

    Secret password();

    /** A pool on a new, empty database. The caller closes it. */
    default Warehouse newDatabase() {
        return connect(newDatabaseUrl());
    }

    default Warehouse connect(String url) {
        return Warehouse.connect(url, user(), password(), 8);
    }

    /** The shared embedded PostgreSQL of {@link TestServers}. */
    static WarehouseUnderTest postgres() {
        return new WarehouseUnderTest() {
            @Override
            public String newDatabaseUrl() {
                return TestServers.newDatabaseUrl();
            }

            @Override
            public String user() {
                return dev.strata.embedded.EmbeddedPostgres.USER;
            }

            @Override
            public Secret password() {
                return TestServers.postgres().password();
            }
        };
    }
}
