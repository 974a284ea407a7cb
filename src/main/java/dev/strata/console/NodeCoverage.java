package dev.strata.console;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * How far each continuous node of the pipeline has its output complete ({@code strata.node_coverage}),
 * for the graph and the runs grid. A node registered but not loaded yet is covered until
 * {@link #NOTHING}.
 */
final class NodeCoverage {
    /** The coverage of a continuous node that has not loaded anything yet. */
    static final Instant NOTHING = Instant.EPOCH;

    private NodeCoverage() {
    }

    static Map<String, Instant> read(Db db, String pipeline) {
        Map<String, Instant> out = new HashMap<>();
        db.query("SELECT node, covered_until FROM " + db.meta("node_coverage") + " WHERE pipeline = ?",
                rs -> out.put(rs.getString("node"), Db.instant(rs, "covered_until")), pipeline);
        return out;
    }
}
