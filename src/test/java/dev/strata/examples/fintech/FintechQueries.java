package dev.strata.examples.fintech;

import dev.strata.warehouse.Warehouse;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Test queries against a fintech warehouse: rows as text, counts, and per-partition checksums. */
final class FintechQueries {
    private final Warehouse warehouse;

    FintechQueries(Warehouse warehouse) {
        this.warehouse = warehouse;
    }

    long count(String sql) throws SQLException {
        return Long.parseLong(rows(sql).get(0).get(0));
    }

    List<List<String>> rows(String sql) throws SQLException {
        List<List<String>> out = new ArrayList<>();
        try (Connection c = warehouse.connection(); Statement s = c.createStatement()) {
            if (!s.execute(sql)) {
                return out;
            }
            try (ResultSet rs = s.getResultSet()) {
                int n = rs.getMetaData().getColumnCount();
                while (rs.next()) {
                    List<String> row = new ArrayList<>(n);
                    for (int i = 1; i <= n; i++) {
                        row.add(rs.getString(i));
                    }
                    out.add(row);
                }
            }
        }
        return out;
    }

    /**
     * MD5 of each business date's rows of a table (all columns, sorted), the checksum of spec §9
     * item 8: {@code date → md5}. Dates without rows are absent.
     */
    Map<LocalDate, String> partitionChecksums(String table, String dateColumn) throws SQLException {
        Map<LocalDate, String> out = new TreeMap<>();
        for (List<String> row : rows("select " + dateColumn + "::date, md5(string_agg(t::text, E'\\n' order by t::text)) "
                + "from " + table + " t group by 1")) {
            out.put(LocalDate.parse(row.get(0)), row.get(1));
        }
        return out;
    }
}
