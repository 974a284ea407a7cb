package dev.strata.ingest;

/**
 * A position in a numbered stream: the next offset to land — a Kafka partition's offset, or a Redis
 * source's next snapshot number. The offset is its own compare-and-set token.
 */
public record StreamOffset(String stream, long offset) implements SourcePosition {
    /** Partition {@code partition} of a Kafka topic, at {@code offset} (the next record to land). */
    public static StreamOffset kafka(int partition, long offset) {
        return new StreamOffset(Integer.toString(partition), offset);
    }

    /** The stream as a Kafka partition number. */
    public int partition() {
        return Integer.parseInt(stream);
    }

    /** The same stream at {@code next}. */
    public StreamOffset at(long next) {
        return new StreamOffset(stream, next);
    }

    @Override
    public long token() {
        return offset;
    }

    @Override
    public String detailJson() {
        return null;
    }

    public static StreamOffset of(StoredPosition stored) {
        return new StreamOffset(stored.stream(), stored.token());
    }
}
