package dev.strata.ingest;

/**
 * Where a source stands in one of its streams: the next thing to land. A typed value with one
 * stored form — a row of {@code strata.source_positions}: {@code partition_id} = {@link #stream()},
 * {@code position} = {@link #token()}, {@code detail} = {@link #detailJson()} — and one exactly-once
 * protocol for every kind of source ({@link SourcePositions}): read the position, land the rows and
 * move the position from the one read to the new one by compare-and-set on the token, in one
 * warehouse transaction, then acknowledge the source.
 *
 * <p>The token is what the compare-and-set compares, so it must change with every move: for a
 * numbered stream it is the offset itself ({@link StreamOffset}: a Kafka partition's offset, a
 * Redis snapshot number); for positions that are not numbers (a JDBC cursor value, a CDC offset such
 * as a PostgreSQL LSN or a MySQL binlog file and position) it is a version counter that every move
 * increments, and the value itself travels in {@code detail} as JSON ({@link CursorPosition},
 * {@link CdcOffset}). So a warehouse needs only "{@code UPDATE … WHERE position = ?}" — no JSON
 * comparison — and an engine without multi-statement transactions can carry the same row in the
 * atomic table commit that lands the rows.
 */
public sealed interface SourcePosition permits StreamOffset, CursorPosition, CdcOffset {
    /** The stream within the source: a Kafka partition number, {@code cursor}, a CDC slot or server id. */
    String stream();

    /** The compare-and-set token (the {@code position} column). */
    long token();

    /** The position's value as a JSON object when it is not the token itself (the {@code detail} column), else null. */
    String detailJson();
}
