package dev.strata.config;

/** The kind-specific part of a source: where its records come from. */
public sealed interface SourceSpec permits KafkaSourceSpec, RedisSourceSpec, CdcTableSpec {
    /** The config key that selects this kind ({@code kafka}, {@code redis}, ...). */
    String kind();

    /** True when the kind gives every landed row its own dedup key (a Redis entry: key and value hash). */
    default boolean keysItsRows() {
        return false;
    }
}
