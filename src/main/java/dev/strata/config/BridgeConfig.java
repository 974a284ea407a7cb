package dev.strata.config;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * A bridge table: a path hub → link → hub → ... flattened, one row per chain of link rows in
 * effect at each snapshot (the end of each interval of its schedule), with the hash key of every
 * hub and link on the path.
 *
 * @param hubs  the hubs of the path, in order (one more than {@code links})
 * @param links the links between them, each with the role it enters from and the role it leaves by
 * @param keep  when present, snapshots older than this before the newest one built are deleted
 */
public record BridgeConfig(String name, List<String> hubs, List<Step> links, Optional<Duration> keep, Position position) {
    /** One link of the path: entered through the role of the hub before it, left through the role of the hub after it. */
    public record Step(String link, String fromRole, String toRole) {
    }

    public BridgeConfig {
        hubs = List.copyOf(hubs);
        links = List.copyOf(links);
    }
}
