package dev.strata.warehouse;

/**
 * The service-provider interface of a warehouse vendor (Flyway's {@code DatabaseType} idea): it
 * recognises its JDBC URLs and its {@code embedded:<name>} and creates the {@link WarehouseAdapter}.
 * Implementations live in {@code dev.strata.warehouse.<vendor>} and are listed in
 * {@code META-INF/services/dev.strata.warehouse.WarehouseType}; {@link Warehouses} finds them, so
 * nothing in the neutral package names a vendor. Adding a warehouse: an adapter package, one line
 * in that file, and a subclass of the warehouse contract suite (docs/warehouses.md).
 */
public interface WarehouseType {
    /** A short name for messages and {@code embedded:<name>}: {@code postgresql}. */
    String name();

    /** True when this type serves the JDBC URL. */
    boolean handles(String jdbcUrl);

    /** True when this type serves {@code embedded:<embeddedName>} (e.g. {@code postgres}). */
    boolean handlesEmbedded(String embeddedName);

    /** An example URL for the "supported:" list of an error: {@code jdbc:postgresql://...}. */
    String urlExample();

    /** Creates the adapter; cheap and connection-free (used by {@code strata plan}). */
    WarehouseAdapter createAdapter();
}
