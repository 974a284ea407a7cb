package dev.strata.config;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A satellite of the vault: the history of descriptive attributes of one hub or link. Two special
 * kinds: an effectivity satellite ({@link #effectivity}) tracks which relationship of a link is in
 * effect for each key of its driving hub, and has no attributes; a multi-active satellite
 * ({@link #multiActive}) keeps a set of rows per parent at a time (a customer's phone numbers),
 * versioned as a whole.
 *
 * @param parent      the hub or link it describes (a link for an effectivity satellite)
 * @param attributes  attribute → type, in column order; the hashdiff covers them in this order
 * @param effectivity for an effectivity satellite, its driving key
 * @param multiActive for a multi-active satellite, the attributes that tell a set's rows apart
 */
public record SatelliteConfig(String name, String parent, Map<String, ColumnType> attributes,
                              List<VaultMapping> from, Optional<Effectivity> effectivity,
                              Optional<MultiActive> multiActive, Position position) {
    public SatelliteConfig {
        attributes = Collections.unmodifiableMap(new LinkedHashMap<>(attributes));
        from = List.copyOf(from);
    }

    /**
     * {@code effectivity: { driving_key: <role> }}: for each key of the driving role, at most one
     * relationship of the link is in effect at a time; a row with another partner ends the
     * current one and opens the new one.
     */
    public record Effectivity(String drivingRole) {
    }

    /** {@code multi_active: { key: [attribute, ...] }}: the attributes that tell a parent's active rows apart. */
    public record MultiActive(List<String> key) {
        public MultiActive {
            key = List.copyOf(key);
        }
    }

    /** The column a standard satellite with {@link #tracksDeletes() deletions} has: true on a deletion's row. */
    public static final String IS_DELETED = "is_deleted";

    /**
     * Whether this is a standard satellite one of whose mappings says {@code deleted:}: its table
     * has {@link #IS_DELETED}, and a row matching the filter is a version that says its parent was
     * deleted (the attributes as mapped).
     */
    public boolean tracksDeletes() {
        return standard() && from.stream().anyMatch(m -> !m.deleted().isEmpty());
    }

    /** A standard satellite: neither effectivity nor multi-active. */
    public boolean standard() {
        return effectivity.isEmpty() && multiActive.isEmpty();
    }
}
