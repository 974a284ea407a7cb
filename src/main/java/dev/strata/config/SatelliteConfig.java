package dev.strata.config;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A satellite of the vault: the history of descriptive attributes of one hub or link.
 *
 * @param parent     the hub or link it describes
 * @param attributes attribute → type, in column order; the hashdiff covers them in this order
 */
public record SatelliteConfig(String name, String parent, Map<String, ColumnType> attributes,
                              List<VaultMapping> from, Position position) {
    public SatelliteConfig {
        attributes = Collections.unmodifiableMap(new LinkedHashMap<>(attributes));
        from = List.copyOf(from);
    }
}
