package dev.strata.bench;

import dev.strata.warehouse.Warehouse;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The fintech backfill's work without Strata: the same three SQL files, rendered by plain string
 * substitution into tables of schema {@code base} (created beforehand, indexed like Strata's), run
 * day after day in date order on one connection, one transaction per task — delete the day, insert
 * it, and for {@code global_metrics} the USD-rate check before commit. It is what a hand-written
 * script (or an Airflow task's SQL) sends the warehouse, so Strata's backfill over it is the cost
 * of scheduling, claims, run log and materialization checks.
 */
final class FintechBaseline {
    private static final Pattern REF = Pattern.compile("\\{\\{\\s*ref\\('([a-z_]+)'\\)\\s*}}");
    private final Map<String, String> sql;

    /** @param sql the benchmark's resources by name: transactions.sql, currencies.sql, global_metrics.sql, checks/... */
    FintechBaseline(Map<String, String> sql) {
        this.sql = sql;
    }

    /** Runs October 1 … 31; returns the elapsed nanoseconds. */
    long run(Warehouse w) throws SQLException {
        long t0 = System.nanoTime();
        try (Connection c = w.connection(); Statement s = c.createStatement()) {
            c.setAutoCommit(false);
            for (LocalDate d = LocalDate.of(2022, 10, 1); !d.isAfter(LocalDate.of(2022, 10, 31)); d = d.plusDays(1)) {
                replaceDay(c, s, d, "transactions", "transaction_dt");
                replaceDay(c, s, d, "currencies", "date_update");
                s.executeUpdate("DELETE FROM base.global_metrics WHERE date_update >= " + start(d) + " AND date_update < " + end(d));
                s.executeUpdate("INSERT INTO base.global_metrics " + render(sql.get("global_metrics.sql"), d));
                try (ResultSet rs = s.executeQuery(render(sql.get("checks/usd_rate_present.sql"), d))) {
                    if (rs.next()) {
                        throw new IllegalStateException("baseline: " + d + " has a currency without a USD rate");
                    }
                }
                c.commit();
            }
            c.setAutoCommit(true);
        }
        return System.nanoTime() - t0;
    }

    private void replaceDay(Connection c, Statement s, LocalDate d, String table, String timeColumn) throws SQLException {
        s.executeUpdate("DELETE FROM base." + table + " WHERE " + timeColumn + " >= " + start(d) + " AND " + timeColumn
                + " < " + end(d));
        s.executeUpdate("INSERT INTO base." + table + " " + render(sql.get(table + ".sql"), d));
        c.commit();
    }

    private static String start(LocalDate d) {
        return "TIMESTAMP '" + d + " 00:00:00'";
    }

    private static String end(LocalDate d) {
        return start(d.plusDays(1));
    }

    static String render(String template, LocalDate d) {
        Matcher m = REF.matcher(template);
        String out = m.replaceAll(r -> "base." + r.group(1))
                .replaceAll("\\{\\{\\s*interval_start\\s*}}", start(d))
                .replaceAll("\\{\\{\\s*interval_end\\s*}}", end(d))
                .replaceAll("\\{\\{\\s*ds\\s*}}", d.toString());
        if (out.contains("{{") || out.contains("{%")) {
            throw new IllegalStateException("the baseline cannot render this template: " + template);
        }
        return out;
    }
}
