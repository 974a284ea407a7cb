package dev.strata.config;

/** The kind-specific part of a source: where its records come from. */
public sealed interface SourceSpec permits KafkaSourceSpec, RedisSourceSpec {
    /** The config key that selects this kind ({@code kafka}, {@code redis}, ...). */
    String kind();
}
