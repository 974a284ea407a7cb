package dev.strata.config;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * A source that lands into {@code stg.<name>}.
 *
 * @param key              JSON paths of the dedup key, one or several (the key is their values
 *                         together); empty: a record's position is its identity
 * @param filter           which records of the stream are this source's; empty: all of them
 * @param eventTime        JSON path of the event time, stored in {@code _event_time}
 * @param dedupWindow      when set, a key is deduplicated only against rows landed within this window
 * @param maxMessageBytes  larger records go to dead letters instead of STG
 */
public record SourceConfig(String name, SourceSpec spec, List<JsonPath> key, Optional<RecordFilter> filter,
                           Optional<JsonPath> eventTime, Optional<Duration> dedupWindow, BatchConfig batch,
                           long maxMessageBytes, Position position) {
    public static final long DEFAULT_MAX_MESSAGE_BYTES = 1024L * 1024;

    public SourceConfig {
        key = List.copyOf(key);
    }

    /** True when each STG row has a dedup key: {@code key:} paths, or a source kind that keys its own rows (Redis). */
    public boolean keyed() {
        return !key.isEmpty() || spec.keysItsRows();
    }
}
