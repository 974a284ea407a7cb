/**
 * The PostgreSQL adapter: everything Strata does differently on PostgreSQL, behind the
 * capabilities of {@link dev.strata.warehouse.WarehouseAdapter}. Nothing outside this package
 * names PostgreSQL; {@link dev.strata.warehouse.postgres.PostgresType} is found through
 * {@code META-INF/services}.
 */
package dev.strata.warehouse.postgres;
