/**
 * The MariaDB adapter (MariaDB 10.6 and later; {@code jdbc:mariadb:}, {@code jdbc:mysql:},
 * {@code embedded:mariadb}): everything Strata does differently on MariaDB, behind the capabilities
 * of {@link dev.strata.warehouse.WarehouseAdapter}. Strata's schemas are MariaDB databases; DDL
 * commits on its own, so marts are published outside the task transaction and DDL runs under
 * locks held by a second session. The behaviours it relies on are measured by the ITs in
 * {@code src/test/java/dev/strata/warehouse/mariadb} (docs/warehouses.md).
 * {@link dev.strata.warehouse.mariadb.MariaDbType} is found through {@code META-INF/services}.
 */
package dev.strata.warehouse.mariadb;
