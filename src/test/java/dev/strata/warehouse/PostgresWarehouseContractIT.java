package dev.strata.warehouse;

import dev.strata.testing.WarehouseUnderTest;

/** The warehouse contract on the embedded PostgreSQL. */
class PostgresWarehouseContractIT extends WarehouseContract {
    @Override
    protected WarehouseUnderTest target() {
        return WarehouseUnderTest.postgres();
    }
}
