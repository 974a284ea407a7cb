package dev.strata.config;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * A point-in-time table: per key of {@code hub} and snapshot (the end of each interval of its
 * schedule), the hash key and {@code load_dt} of the version of each satellite in effect then.
 *
 * @param satellites satellites of the hub (standard or multi-active), in column order
 * @param keep       when present, snapshots older than this before the newest one built are deleted
 */
public record PitConfig(String name, String hub, List<String> satellites, Optional<Duration> keep, Position position) {
    public PitConfig {
        satellites = List.copyOf(satellites);
    }
}
