package dev.strata.config;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The {@code vault:} section of {@code strata.yaml}: the Data Vault declaration, validated (every
 * reference resolves, every expression parses). Read by {@link VaultConfigReader}; the
 * {@code dev.strata.vault} package turns it into DDL and load SQL. See {@code docs/vault.md}.
 *
 * @param schema       the schema of the vault tables ({@code dds} by default)
 * @param sortMemory   bytes each sort or hash of a load may use before spilling to disk
 * @param missingKeys  the vault's {@code missing_keys:} policy, which hubs and links without their own inherit
 * @param ghostRecords whether every hub and satellite holds one ghost row (the ghost key), so that
 *                     equi-joins from point-in-time tables never lose a parent
 * @param pits         point-in-time tables, built per interval of their schedule
 * @param bridges      bridge tables (a path of links flattened), built per interval of their schedule
 */
public record VaultSection(String schema, Map<String, HubConfig> hubs, Map<String, LinkConfig> links,
                           Map<String, SatelliteConfig> satellites, long sortMemory, MissingKeys missingKeys,
                           boolean ghostRecords, Map<String, PitConfig> pits, Map<String, BridgeConfig> bridges) {
    public static final String DEFAULT_SCHEMA = "dds";
    /** Enough to sort a million-row load in memory; PostgreSQL's own default is 4MB. */
    public static final long DEFAULT_SORT_MEMORY = 256L * 1024 * 1024;

    public VaultSection {
        hubs = Collections.unmodifiableMap(new LinkedHashMap<>(hubs));
        links = Collections.unmodifiableMap(new LinkedHashMap<>(links));
        satellites = Collections.unmodifiableMap(new LinkedHashMap<>(satellites));
        pits = Collections.unmodifiableMap(new LinkedHashMap<>(pits));
        bridges = Collections.unmodifiableMap(new LinkedHashMap<>(bridges));
    }

    /** No vault declared. */
    public static VaultSection none() {
        return new VaultSection(DEFAULT_SCHEMA, Map.of(), Map.of(), Map.of(), DEFAULT_SORT_MEMORY, MissingKeys.UNKNOWN,
                false, Map.of(), Map.of());
    }

    /** True when the project declares at least one vault table. */
    public boolean declared() {
        return !hubs.isEmpty() || !links.isEmpty() || !satellites.isEmpty() || !pits.isEmpty() || !bridges.isEmpty();
    }
}
