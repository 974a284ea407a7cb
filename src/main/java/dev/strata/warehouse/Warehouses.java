package dev.strata.warehouse;

import dev.strata.ErrorCode;
import dev.strata.StrataException;
import dev.strata.config.WarehouseConfig;
import java.util.List;
import java.util.ServiceLoader;
import java.util.stream.Collectors;

/**
 * The registry of warehouse types, found through {@link ServiceLoader} (Flyway's
 * {@code DatabaseTypeRegister}): picks the adapter for a JDBC URL or {@code embedded:<name>}, or
 * fails with "Unsupported database: X (supported: ...)".
 */
public final class Warehouses {
    private static final List<WarehouseType> TYPES = ServiceLoader.load(WarehouseType.class, Warehouses.class.getClassLoader())
            .stream().map(ServiceLoader.Provider::get).toList();

    private Warehouses() {
    }

    /** Every known warehouse type. */
    public static List<WarehouseType> types() {
        return TYPES;
    }

    /** The adapter of a configured warehouse, without connecting. */
    public static WarehouseAdapter forConfig(WarehouseConfig config) {
        return forUrl(config.url());
    }

    /** The adapter for a JDBC URL or {@code embedded:<name>}. */
    public static WarehouseAdapter forUrl(String url) {
        return typeOf(url).createAdapter();
    }

    /** The type for a JDBC URL or {@code embedded:<name>}. */
    public static WarehouseType typeOf(String url) {
        boolean embedded = url.startsWith("embedded:");
        String name = embedded ? url.substring("embedded:".length()) : null;
        for (WarehouseType t : TYPES) {
            if (embedded ? t.handlesEmbedded(name) : t.handles(url)) {
                return t;
            }
        }
        throw new StrataException(ErrorCode.CONFIG, "Unsupported database: " + WarehouseConfig.redact(url)
                + " (supported: " + TYPES.stream().map(WarehouseType::urlExample).collect(Collectors.joining(", "))
                + ")");
    }
}
