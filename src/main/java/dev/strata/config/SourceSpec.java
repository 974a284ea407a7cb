package dev.strata.config;

/** The kind-specific part of a source: where its records come from. */
public sealed interface SourceSpec permits KafkaSourceSpec, RedisSourceSpec, JdbcSourceSpec, CdcTableSpec {
    /** The config key that selects this kind ({@code kafka}, {@code redis}, ...). */
    String kind();

    /** True when the kind gives every landed row its own dedup key (a Redis entry: key and value hash). */
    default boolean keysItsRows() {
        return false;
    }

    /** True when the kind runs on a schedule, as a task of its own, rather than landing continuously ({@code jdbc}). */
    default boolean isScheduled() {
        return false;
    }
}
