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

    /** The type for a JDBC URL or {@code embedded:<name>}, or empty when no adapter claims it. */
    public static java.util.Optional<WarehouseType> find(String url) {
        boolean embedded = url.startsWith("embedded:");
        String name = embedded ? url.substring("embedded:".length()) : null;
        return TYPES.stream().filter(t -> embedded ? t.handlesEmbedded(name) : t.handles(url)).findFirst();
    }

    /**
     * How to read the database at {@code jdbcUrl} as a source: its adapter's {@link SourceReads}
     * when Strata has an adapter for it, else {@link SourceReads#GENERIC} (any JDBC driver on the
     * class path can be a source without being a warehouse).
     */
    public static SourceReads sourceReads(String jdbcUrl) {
        return find(jdbcUrl).map(t -> t.createAdapter().sourceReads()).orElse(SourceReads.GENERIC);
    }

    /** The SQL dialect of the database at {@code jdbcUrl}, when Strata has an adapter for it ({@code strata plan} quotes source names with it). */
    public static java.util.Optional<SqlDialect> dialectOf(String jdbcUrl) {
        return find(jdbcUrl).map(t -> t.createAdapter().sql());
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
