package dev.strata.console;

import dev.strata.config.DashboardsSection.Aggregate;
import dev.strata.config.DashboardsSection.Dashboard;
import dev.strata.warehouse.SqlDialect;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The SQL a dashboard runs against its mart. Every name in it is a config identifier quoted by the
 * dialect; there are no values. The result's columns are x, then series, then the y columns (or
 * {@code count}), or the listed columns of a raw table.
 */
final class DashboardQuery {
    private DashboardQuery() {
    }

    /** The columns the query reads from the mart (to check they exist before running it). */
    static Set<String> columnsRead(Dashboard d) {
        Set<String> out = new LinkedHashSet<>();
        d.x().ifPresent(out::add);
        d.series().ifPresent(out::add);
        out.addAll(d.y());
        out.addAll(d.columns());
        return out;
    }

    static String sql(Dashboard d, SqlDialect dialect, String schema) {
        String from = " FROM " + dialect.qualified(schema, d.mart());
        List<String> select = new ArrayList<>();
        List<String> group = new ArrayList<>();
        if (d.x().isEmpty() && d.aggregate() == Aggregate.NONE) {
            if (d.columns().isEmpty()) {
                select.add("*");
            } else {
                d.columns().forEach(c -> select.add(dialect.quote(c)));
            }
        } else {
            d.x().ifPresent(x -> {
                select.add(dialect.quote(x));
                group.add(dialect.quote(x));
            });
            d.series().ifPresent(s -> {
                select.add(dialect.quote(s));
                group.add(dialect.quote(s));
            });
            if (d.aggregate() == Aggregate.COUNT && d.y().isEmpty()) {
                select.add("count(*) AS " + dialect.quote("count"));
            }
            for (String y : d.y()) {
                String col = dialect.quote(y);
                select.add(d.aggregate() == Aggregate.NONE ? col : d.aggregate().word() + "(" + col + ") AS " + col);
            }
        }
        StringBuilder sql = new StringBuilder("SELECT ").append(String.join(", ", select)).append(from);
        if (d.aggregate() != Aggregate.NONE && !group.isEmpty()) {
            sql.append(" GROUP BY ").append(String.join(", ", group));
        }
        String direction = d.descending() ? " DESC" : "";
        if (d.orderBy().isPresent()) {
            sql.append(" ORDER BY ").append(dialect.quote(d.orderBy().get())).append(direction);
        } else if (!group.isEmpty() || d.x().isPresent()) {
            List<String> order = group.isEmpty() ? List.of(dialect.quote(d.x().get())) : group;
            sql.append(" ORDER BY ").append(String.join(", ", order));
        }
        return sql.toString();
    }
}
