package dev.strata.console;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Row counts of the graph's tables, refreshed at most every {@link #TTL} whatever the number of
 * open pages: the first request after expiry counts (one {@code count(*)} per existing table,
 * under the query timeout), the others reuse the result. A table that does not exist yet has no
 * count.
 */
final class RowCounts {
    static final Duration TTL = Duration.ofSeconds(2);

    private final Db db;
    private final Clock clock;
    private Map<String, Long> counts = Map.of();
    private Instant countedAt = Instant.EPOCH;

    RowCounts(Db db, Clock clock) {
        this.db = db;
        this.clock = clock;
    }

    record Counted(Map<String, Long> counts, Instant at) {
    }

    /** Counts keyed {@code schema.table} for the given nodes' tables. */
    synchronized Counted counts(List<GraphNode> nodes) {
        Instant now = clock.instant();
        if (countedAt.plus(TTL).isAfter(now) && !counts.isEmpty()) {
            return new Counted(counts, countedAt);
        }
        Map<String, Set<String>> existing = new HashMap<>();
        Map<String, Long> fresh = new HashMap<>();
        for (GraphNode n : nodes) {
            if (n.schema().isEmpty() || n.table().isEmpty()) {
                continue;
            }
            String schema = n.schema().get();
            String table = n.table().get();
            Set<String> tables = existing.computeIfAbsent(schema, s -> Set.copyOf(Tables.list(db, s)));
            if (tables.contains(table)) {
                String sql = "SELECT count(*) FROM " + db.warehouse().sql().qualified(schema, table);
                fresh.put(schema + "." + table, db.query(sql, rs -> rs.getLong(1)).get(0));
            }
        }
        counts = Map.copyOf(fresh);
        countedAt = now;
        return new Counted(counts, countedAt);
    }

    static String key(GraphNode n) {
        return n.schema().map(s -> s + "." + n.table().orElse("")).orElse(null);
    }
}
