package dev.strata.ingest;

/** A row of {@code strata.source_positions} as read, before its source decodes it into its {@link SourcePosition}. */
public record StoredPosition(String stream, long token, String detailJson) {
}
