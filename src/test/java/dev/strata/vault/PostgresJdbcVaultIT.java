package dev.strata.vault;

import dev.strata.testing.WarehouseUnderTest;

/** The vault over {@code jdbc} sources on the PostgreSQL warehouse. */
class PostgresJdbcVaultIT extends JdbcVaultContract {
    @Override
    protected WarehouseUnderTest warehouse() {
        return WarehouseUnderTest.postgres();
    }
}
