package dev.strata.config;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A link of the vault: one row per distinct combination of two or more hub keys.
 *
 * @param roles role → hub, in column order. With {@code hubs: [h_order, h_user]} each role is the
 *              hub's own name; {@code hubs: {from_account: h_account, to_account: h_account}} names
 *              roles explicitly, which lets a link refer to the same hub twice
 * @param missingKeys what a row with a missing hub key does: the link's own {@code missing_keys:}, else the vault's
 * @param payload    for a non-historized link, its payload columns (name → type) in order; empty otherwise
 * @param eventKey   payload columns that, with the hubs' keys, identify one event (part of the link's hash key)
 */
public record LinkConfig(String name, Map<String, String> roles, List<VaultMapping> from, MissingKeys missingKeys,
                         Map<String, ColumnType> payload, List<String> eventKey, Position position) {
    public LinkConfig {
        roles = Collections.unmodifiableMap(new LinkedHashMap<>(roles));
        from = List.copyOf(from);
        payload = Collections.unmodifiableMap(new LinkedHashMap<>(payload));
        eventKey = List.copyOf(eventKey);
    }

    /**
     * A non-historized (transactional) link: one row per immutable event, with its payload on the
     * link and, with {@code event_key:}, payload columns that identify the event with the hubs' keys.
     */
    public boolean transactional() {
        return !payload.isEmpty();
    }
}
