package dev.strata.graph;

/** What a node is; decides its default schema, its schedule layer and what runs it. */
public enum NodeKind {
    /** A source landing into {@code stg.<name>}; continuous. */
    SOURCE,
    /** A Data Vault hub, link or satellite in {@code dds}; continuous or scheduled. */
    VAULT,
    /** A point-in-time table in {@code dds}, built per interval (snapshot: the interval's end). */
    PIT,
    /** A bridge table in {@code dds}, built per interval (snapshot: the interval's end). */
    BRIDGE,
    /** A mart: one select materialized as a view or table in {@code cdm} (by default). */
    MART,
    /** An SQL task: statements run per interval, creating nothing of their own. */
    TASK;

    public String word() {
        return name().toLowerCase();
    }
}
