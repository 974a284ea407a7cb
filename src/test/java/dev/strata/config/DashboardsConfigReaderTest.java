package dev.strata.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.strata.config.DashboardsSection.Aggregate;
import dev.strata.config.DashboardsSection.Chart;
import dev.strata.config.DashboardsSection.Dashboard;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

class DashboardsConfigReaderTest {
    private final ProjectLoader loader = new ProjectLoader(EnvResolver.of(Map.of()));

    private DashboardsSection read(String dashboards) {
        return loader.parse(Path.of("p"), "name: shop\n" + dashboards, "strata.yaml").dashboards();
    }

    private List<String> problems(String dashboards) {
        try {
            read(dashboards);
        } catch (ConfigException e) {
            return e.problems().stream().map(ConfigProblem::toString).toList();
        }
        throw new AssertionError("expected the config to be rejected:\n" + dashboards);
    }

    @Test
    void shouldReadChartsWithDefaults() {
        DashboardsSection s = read("""
                dashboards:
                  orders_by_category: { mart: user_category_counters, chart: bar, x: category_name, y: order_cnt }
                  per_day: { title: Orders per day, mart: daily, chart: line, x: day, y: [closed, cancelled], aggregate: max }
                  top: { mart: user_category_counters, chart: table, columns: [user_id, order_cnt], order_by: order_cnt,
                         descending: true, limit: 20 }
                """);
        assertThat(s.dashboards()).extracting(Dashboard::name).containsExactly("orders_by_category", "per_day", "top");
        Dashboard bar = s.dashboard("orders_by_category").orElseThrow();
        assertThat(bar.title()).isEqualTo("orders_by_category");
        assertThat(bar.chart()).isEqualTo(Chart.BAR);
        assertThat(bar.aggregate()).isEqualTo(Aggregate.SUM);
        assertThat(bar.limit()).isEqualTo(Dashboard.DEFAULT_LIMIT);
        Dashboard line = s.dashboard("per_day").orElseThrow();
        assertThat(line.title()).isEqualTo("Orders per day");
        assertThat(line.y()).containsExactly("closed", "cancelled");
        assertThat(line.aggregate()).isEqualTo(Aggregate.MAX);
        Dashboard table = s.dashboard("top").orElseThrow();
        assertThat(table.aggregate()).isEqualTo(Aggregate.NONE);
        assertThat(table.columns()).containsExactly("user_id", "order_cnt");
        assertThat(table.orderBy()).contains("order_cnt");
        assertThat(table.descending()).isTrue();
        assertThat(read("vars: {}\n").dashboards()).isEmpty();
    }

    @Test
    void shouldReportEveryProblemWithItsLineAndKey() {
        assertThat(problems("""
                dashboards:
                  a: { chart: pie, x: c, y: v }
                  b: { mart: m, chart: bar, y: v }
                  c: { mart: "m; drop table x", chart: line, x: c, y: v }
                  d: { mart: m, x: c, y: [v, w], series: s, limit: 0 }
                  e: { mart: m, x: c, y: v, colour: red, order_by: nope }
                """)).containsExactly(
                "strata.yaml:3:3: dashboards.a.mart: required",
                "strata.yaml:3:15: dashboards.a.chart: 'pie' is not one of bar, line, table (did you mean 'line'?)",
                "strata.yaml:4:3: dashboards.b.x: required for a bar chart: the column along the horizontal axis",
                "strata.yaml:5:14: dashboards.c.mart: 'm; drop table x' is not a safe SQL name (" + Identifiers.RULE + ")",
                "strata.yaml:6:34: dashboards.d.series: splits a single y into one series per value; with several y columns, drop it",
                "strata.yaml:6:45: dashboards.d.limit: must be between 1 and 10000",
                "strata.yaml:7:29: dashboards.e.colour: unknown key",
                "strata.yaml:7:42: dashboards.e.order_by: 'nope' is not among the chart's columns [c, v]");
    }

    /** Issue 20 item 9: an unsafe name was also reported as a missing one ("required for a bar chart"). */
    @Test
    @Tag("reliability")
    void shouldReportAnUnsafeAxisNameOnceAtItsPlaceNotAsMissing() {
        assertThat(problems("""
                dashboards:
                  a: { mart: m, chart: bar, x: a, y: "drop table" }
                  b: { mart: m, chart: line, x: "a; b", y: v }
                  c: { mart: m, chart: bar, x: a, y: ["1st", "x y"] }
                  d: { mart: m, chart: table, x: "x-y", y: v }
                  e: { mart: m, chart: bar, x: a, y: [] }
                """)).containsExactly(
                "strata.yaml:3:38: dashboards.a.y: 'drop table' is not a safe SQL name (" + Identifiers.RULE + ")",
                "strata.yaml:4:33: dashboards.b.x: 'a; b' is not a safe SQL name (" + Identifiers.RULE + ")",
                "strata.yaml:5:39: dashboards.c.y[0]: '1st' is not a safe SQL name (" + Identifiers.RULE + ")",
                "strata.yaml:5:46: dashboards.c.y[1]: 'x y' is not a safe SQL name (" + Identifiers.RULE + ")",
                "strata.yaml:6:34: dashboards.d.x: 'x-y' is not a safe SQL name (" + Identifiers.RULE + ")",
                "strata.yaml:7:35: dashboards.e.y: required for a bar chart: the column(s) to plot");
    }
}
