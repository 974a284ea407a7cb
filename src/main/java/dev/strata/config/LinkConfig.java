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
 */
public record LinkConfig(String name, Map<String, String> roles, List<VaultMapping> from, Position position) {
    public LinkConfig {
        roles = Collections.unmodifiableMap(new LinkedHashMap<>(roles));
        from = List.copyOf(from);
    }
}
