package dev.strata.config;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A hub of the vault: one row per distinct business key, fed by one or more sources.
 *
 * @param keyColumns the business key columns in order (one for most hubs), with their types
 * @param from       one mapping per source, in declaration order
 * @param missingKeys what a row without a business key does: the hub's own {@code missing_keys:}, else the vault's
 */
public record HubConfig(String name, Map<String, ColumnType> keyColumns, List<VaultMapping> from, MissingKeys missingKeys,
                        Position position) {
    public HubConfig {
        keyColumns = Collections.unmodifiableMap(new LinkedHashMap<>(keyColumns));
        from = List.copyOf(from);
    }
}
