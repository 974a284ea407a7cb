package dev.strata.config;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The {@code vault:} section of {@code strata.yaml}: the Data Vault declaration, validated (every
 * reference resolves, every expression parses). Read by {@link VaultConfigReader}; the
 * {@code dev.strata.vault} package turns it into DDL and load SQL. See {@code docs/vault.md}.
 *
 * @param schema     the schema of the vault tables ({@code dds} by default)
 * @param sortMemory bytes each sort or hash of a load may use before spilling to disk
 */
public record VaultSection(String schema, Map<String, HubConfig> hubs, Map<String, LinkConfig> links,
                           Map<String, SatelliteConfig> satellites, long sortMemory) {
    public static final String DEFAULT_SCHEMA = "dds";
    /** Enough to sort a million-row load in memory; PostgreSQL's own default is 4MB. */
    public static final long DEFAULT_SORT_MEMORY = 256L * 1024 * 1024;

    public VaultSection {
        hubs = Collections.unmodifiableMap(new LinkedHashMap<>(hubs));
        links = Collections.unmodifiableMap(new LinkedHashMap<>(links));
        satellites = Collections.unmodifiableMap(new LinkedHashMap<>(satellites));
    }

    /** No vault declared. */
    public static VaultSection none() {
        return new VaultSection(DEFAULT_SCHEMA, Map.of(), Map.of(), Map.of(), DEFAULT_SORT_MEMORY);
    }

    /** True when the project declares at least one vault table. */
    public boolean declared() {
        return !hubs.isEmpty() || !links.isEmpty() || !satellites.isEmpty();
    }
}
