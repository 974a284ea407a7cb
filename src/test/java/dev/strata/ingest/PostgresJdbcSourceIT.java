package dev.strata.ingest;

import dev.strata.testing.WarehouseUnderTest;

/** The {@code jdbc} source contract on the PostgreSQL warehouse, from PostgreSQL and MariaDB sources. */
class PostgresJdbcSourceIT extends JdbcSourceContract {
    @Override
    protected WarehouseUnderTest warehouse() {
        return WarehouseUnderTest.postgres();
    }
}
