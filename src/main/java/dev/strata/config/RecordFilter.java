package dev.strata.config;

import java.util.List;
import java.util.Objects;

/**
 * Which records of a source's stream are its own ({@code filter:} of a source): those whose value
 * at {@code path} is a string, number or boolean whose text is one of {@code values}. Several
 * sources may read one topic, each keeping its kind of record — a stream that carries two object
 * types lands into two STG tables. A record the filter does not select is skipped: it is not
 * landed and is no dead letter, and the source's position moves past it.
 */
public record RecordFilter(JsonPath path, List<String> values) {
    public RecordFilter {
        Objects.requireNonNull(path);
        values = List.copyOf(values);
        if (values.isEmpty()) {
            throw new IllegalArgumentException("a filter needs at least one value");
        }
    }

    /** Whether a record whose value at {@link #path} has this text (null when absent, null or not a scalar) is selected. */
    public boolean selects(String text) {
        return text != null && values.contains(text);
    }

    @Override
    public String toString() {
        return path + (values.size() == 1 ? " equals " + values.get(0) : " in " + values);
    }
}
