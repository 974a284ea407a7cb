package dev.strata.bench.peers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.strata.bench.LandingBenchmark;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;

/**
 * What a landed table must hold, checked after the clock stopped: exactly {@code n} rows, {@code n}
 * distinct keys (nothing lost, nothing twice), and for a spread sample of keys the very message
 * that was produced under it (compared as JSON, so key order and spacing do not matter).
 */
final class Content {
    private static final int SAMPLE = 200;
    private static final ObjectMapper JSON = new ObjectMapper();

    private Content() {
    }

    /**
     * @param document SQL giving a row's whole message as JSON from its columns (e.g. {@code _payload})
     * @return a one-line summary; throws when anything is missing, doubled or different
     */
    static String check(Visible.Pg pg, String table, String keyColumn, String document, int n) throws Exception {
        try (Connection c = pg.connect()) {
            long rows;
            long keys;
            String size;
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT count(*), count(DISTINCT " + keyColumn
                    + "), pg_size_pretty(pg_total_relation_size('" + table + "')) FROM " + table)) {
                rs.next();
                rows = rs.getLong(1);
                keys = rs.getLong(2);
                size = rs.getString(3);
            }
            if (rows != n || keys != n) {
                throw new IllegalStateException(table + " holds " + rows + " rows with " + keys + " distinct keys, expected " + n);
            }
            Map<String, Integer> sample = new HashMap<>();
            for (int k = 0; k < Math.min(SAMPLE, n); k++) {
                int i = (int) ((long) k * n / Math.min(SAMPLE, n) + k % 7) % n;
                sample.put(LandingBenchmark.key(i), i);
            }
            int same = 0;
            try (PreparedStatement ps = c.prepareStatement("SELECT " + keyColumn + ", (" + document + ")::text FROM " + table
                    + " WHERE " + keyColumn + " = ANY (?)")) {
                Array keysArray = c.createArrayOf("text", sample.keySet().toArray());
                ps.setArray(1, keysArray);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        int i = sample.get(rs.getString(1));
                        JsonNode expected = JSON.readTree(LandingBenchmark.message(i));
                        if (!expected.equals(JSON.readTree(rs.getString(2)))) {
                            throw new IllegalStateException(table + ": the row of " + rs.getString(1) + " is " + rs.getString(2)
                                    + ", but message " + i + " was " + expected);
                        }
                        same++;
                    }
                }
            }
            if (same != sample.size()) {
                throw new IllegalStateException(table + ": " + same + " of " + sample.size() + " sampled keys found");
            }
            return String.format("rows=%d distinct_keys=%d sample=%d/%d equal to the produced messages, size %s",
                    rows, keys, same, sample.size(), size);
        }
    }
}
