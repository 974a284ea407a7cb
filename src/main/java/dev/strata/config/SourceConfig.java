package dev.strata.config;

import java.time.Duration;
import java.util.Optional;

/**
 * A source that lands into {@code stg.<name>}.
 *
 * @param key              JSON path of the dedup key; without it a record's position is its identity
 * @param eventTime        JSON path of the event time, stored in {@code _event_time}
 * @param dedupWindow      when set, a key is deduplicated only against rows landed within this window
 * @param maxMessageBytes  larger records go to dead letters instead of STG
 */
public record SourceConfig(String name, SourceSpec spec, Optional<JsonPath> key, Optional<JsonPath> eventTime,
                           Optional<Duration> dedupWindow, BatchConfig batch, long maxMessageBytes,
                           Position position) {
    public static final long DEFAULT_MAX_MESSAGE_BYTES = 1024L * 1024;

    /** True when each STG row has a dedup key: a {@code key:} path, or a source kind that keys its own rows (Redis). */
    public boolean keyed() {
        return key.isPresent() || spec.keysItsRows();
    }
}
