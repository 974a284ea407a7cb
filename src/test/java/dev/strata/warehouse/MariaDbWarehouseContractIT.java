package dev.strata.warehouse;

import dev.strata.testing.WarehouseUnderTest;

/** The warehouse contract on the embedded MariaDB. */
class MariaDbWarehouseContractIT extends WarehouseContract {
    @Override
    protected WarehouseUnderTest target() {
        return WarehouseUnderTest.mariadb();
    }
}
