package dev.strata.config;

import dev.strata.config.DashboardsSection.Aggregate;
import dev.strata.config.DashboardsSection.Chart;
import dev.strata.config.DashboardsSection.Dashboard;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Reads {@code dashboards:}. Each entry names a mart and the columns to plot:
 *
 * <pre>{@code
 * dashboards:
 *   orders_by_category: { mart: user_category_counters, chart: bar, x: category_name, y: order_cnt }
 *   top_pairs: { mart: user_category_counters, chart: table, columns: [user_id, category_name, order_cnt],
 *                order_by: order_cnt, descending: true, limit: 20 }
 * }</pre>
 *
 * Every column and mart name must be a safe identifier. That the mart is one of the project's
 * marts is checked when the project's marts are loaded ({@code MartProject}); whether the columns
 * exist, when the console reads the mart (it may not be built yet).
 */
final class DashboardsConfigReader {
    private static final String[] CHARTS = Arrays.stream(Chart.values()).map(Chart::word).toArray(String[]::new);
    private static final String[] AGGREGATES = Arrays.stream(Aggregate.values()).map(Aggregate::word).toArray(String[]::new);

    private DashboardsConfigReader() {
    }

    static DashboardsSection read(ConfigReader root) {
        List<Dashboard> out = new ArrayList<>();
        root.namedEntries("dashboards").forEach((name, value) ->
                value.asMapping().map(m -> readOne(name, m)).ifPresent(out::add));
        return new DashboardsSection(out);
    }

    private static Dashboard readOne(String name, ConfigReader m) {
        String title = m.string("title").filter(s -> !s.isBlank()).orElse(name);
        Optional<ConfigValue> martValue = m.required("mart");
        String mart = martValue.flatMap(ConfigValue::asIdentifier).orElse(null);
        Chart chart = m.optional("chart").flatMap(v -> v.asOneOf(CHARTS))
                .map(w -> Chart.valueOf(w.toUpperCase(java.util.Locale.ROOT))).orElse(Chart.BAR);
        Optional<String> x = m.optional("x").flatMap(ConfigValue::asIdentifier);
        List<String> y = identifiers(m, "y");
        Optional<String> series = m.optional("series").flatMap(ConfigValue::asIdentifier);
        List<String> columns = identifiers(m, "columns");
        Aggregate aggregate = m.optional("aggregate").flatMap(v -> v.asOneOf(AGGREGATES))
                .map(w -> Aggregate.valueOf(w.toUpperCase(java.util.Locale.ROOT)))
                .orElse(x.isPresent() ? Aggregate.SUM : Aggregate.NONE);
        Optional<String> orderBy = m.optional("order_by").flatMap(ConfigValue::asIdentifier);
        boolean descending = m.bool("descending", false);
        int limit = m.integer("limit", Dashboard.DEFAULT_LIMIT);
        if (limit < 1 || limit > Dashboard.MAX_LIMIT) {
            m.problem("limit", "must be between 1 and " + Dashboard.MAX_LIMIT);
        }
        // "given" is about the keys, not their values: a key whose value was refused (an unsafe name,
        // say) has its problem reported already and is not "required" on top of that
        boolean xGiven = m.has("x");
        boolean yGiven = m.optional("y").filter(v -> !v.isSequence() || !v.asList().orElseThrow().isEmpty()).isPresent();
        if (chart != Chart.TABLE) {
            if (!xGiven) {
                m.problem("x", "required for a " + chart.word() + " chart: the column along the horizontal axis");
            }
            if (!yGiven && aggregate != Aggregate.COUNT) {
                m.problem("y", "required for a " + chart.word() + " chart: the column(s) to plot");
            }
            if (!columns.isEmpty()) {
                m.problem("columns", "only for chart: table");
            }
        } else if (xGiven != yGiven && aggregate != Aggregate.COUNT) {
            m.problem(x.isPresent() ? "y" : "x", "a table groups by x and sums y: give both, or neither and list columns");
        }
        if (series.isPresent() && y.size() > 1) {
            m.problem("series", "splits a single y into one series per value; with several y columns, drop it");
        }
        if (!columns.isEmpty() && x.isPresent()) {
            m.problem("columns", "use either columns (raw rows) or x and y (grouped), not both");
        }
        orderBy.ifPresent(o -> {
            Set<String> result = new LinkedHashSet<>();
            x.ifPresent(result::add);
            series.ifPresent(result::add);
            result.addAll(y);
            result.addAll(columns);
            if (aggregate == Aggregate.COUNT) {
                result.add("count");
            }
            if (!result.isEmpty() && !result.contains(o)) {
                m.problem("order_by", "'" + o + "' is not among the chart's columns " + result);
            }
        });
        m.finish();
        return new Dashboard(name, title, mart, chart, x, y, series, aggregate, columns, orderBy, descending, limit,
                m.position(), martValue.map(ConfigValue::position).orElse(m.position()));
    }

    private static List<String> identifiers(ConfigReader m, String key) {
        List<String> out = new ArrayList<>();
        m.optional(key).flatMap(ConfigValue::asList).ifPresent(items -> {
            for (ConfigValue v : items) {
                v.asIdentifier().ifPresent(out::add);
            }
        });
        return out;
    }
}
