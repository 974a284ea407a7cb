package dev.strata.graph;

import dev.strata.warehouse.SqlDialect;

/** A table or view in the warehouse, by schema and name; quoted only by a {@link SqlDialect}. */
public record Relation(String schema, String name) {
    public String qualified(SqlDialect dialect) {
        return dialect.qualified(schema, name);
    }

    @Override
    public String toString() {
        return schema + "." + name;
    }
}
