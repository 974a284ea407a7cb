/**
 * The warehouse layer's vendor-neutral contracts and shared code: {@link dev.strata.warehouse.Warehouse}
 * (a pool plus an adapter), the {@link dev.strata.warehouse.WarehouseType} SPI and its registry
 * {@link dev.strata.warehouse.Warehouses}, the capability interfaces an adapter implements
 * ({@link dev.strata.warehouse.WarehouseAdapter} lists them), shared standard-SQL defaults
 * ({@link dev.strata.warehouse.StandardSql}, {@link dev.strata.warehouse.TransactionalDdlMaterializer}),
 * {@link dev.strata.warehouse.LockKeys} and the metadata schema. Vendor code lives in sub-packages
 * ({@code postgres}); nothing here depends on them (docs/warehouses.md).
 */
package dev.strata.warehouse;
