package dev.strata.config;

import java.time.Duration;

/**
 * A Redis dictionary as a source: every key matching {@code keys} (a Redis glob such as
 * {@code user:*}) is read as a JSON string value and landed as a snapshot every {@code refresh}.
 * {@code url} is {@code redis://host:port[/db]} or {@code embedded}.
 */
public record RedisSourceSpec(String url, String keys, Duration refresh, Secret password) implements SourceSpec {
    public static final String EMBEDDED = "embedded";
    public static final Duration DEFAULT_REFRESH = Duration.ofMinutes(1);

    @Override
    public String kind() {
        return "redis";
    }

    @Override
    public boolean keysItsRows() {
        return true;
    }

    public boolean isEmbedded() {
        return EMBEDDED.equals(url);
    }
}
