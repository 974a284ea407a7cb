package dev.strata.config;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The marts of a project: those declared under {@code marts:} in {@code strata.yaml} plus every
 * {@code marts/*.sql} file without a declaration, in declaration then file-name order.
 */
public record MartsSection(Map<String, MartConfig> marts) {
    public MartsSection {
        marts = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(marts));
    }

    public static MartsSection none() {
        return new MartsSection(Map.of());
    }

    public boolean declared() {
        return !marts.isEmpty();
    }

    public Collection<MartConfig> all() {
        return marts.values();
    }

    public Optional<MartConfig> get(String name) {
        return Optional.ofNullable(marts.get(name));
    }
}
