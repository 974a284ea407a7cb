package dev.strata.graph;

import dev.strata.warehouse.Dialect;

/** A table or view in the warehouse, by schema and name; quoted only by a {@link Dialect}. */
public record Relation(String schema, String name) {
    public String qualified(Dialect dialect) {
        return dialect.qualified(schema, name);
    }

    @Override
    public String toString() {
        return schema + "." + name;
    }
}
