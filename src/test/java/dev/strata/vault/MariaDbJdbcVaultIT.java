package dev.strata.vault;

import dev.strata.testing.WarehouseUnderTest;

/** The vault over {@code jdbc} sources on the MariaDB warehouse (the source stays PostgreSQL). */
class MariaDbJdbcVaultIT extends JdbcVaultContract {
    @Override
    protected WarehouseUnderTest warehouse() {
        return WarehouseUnderTest.mariadb();
    }
}
