package dev.strata.console;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One node of the pipeline graph as the console shows it: a source, its STG table, a vault target
 * or a mart.
 *
 * @param name   the node's name, as written in {@code strata.task_runs.node}
 * @param kind   {@code source}, {@code stg}, {@code hub}, {@code link}, {@code satellite}, {@code mart}, ...
 * @param schema the schema of the table the node writes, or empty for nodes without a table (a Kafka topic)
 * @param table  the table the node writes (validated identifier), or empty
 * @param inputs names of the nodes this one reads
 * @param sql    the node's rendered SQL (DDL and load), or empty when it has none
 */
public record GraphNode(String name, String kind, Optional<String> schema, Optional<String> table,
                        List<String> inputs, Optional<String> sql) {
    public GraphNode {
        Objects.requireNonNull(name);
        Objects.requireNonNull(kind);
        inputs = List.copyOf(inputs);
    }

    /** A node that writes {@code schema.table}. */
    public static GraphNode withTable(String name, String kind, String schema, String table, List<String> inputs,
                                      String sql) {
        return new GraphNode(name, kind, Optional.of(schema), Optional.of(table), inputs, Optional.ofNullable(sql));
    }

    /** A node without a table of its own (a topic, an external system). */
    public static GraphNode external(String name, String kind, List<String> inputs) {
        return new GraphNode(name, kind, Optional.empty(), Optional.empty(), inputs, Optional.empty());
    }
}
