package dev.strata.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.strata.config.DashboardsSection;
import dev.strata.config.EnvResolver;
import dev.strata.config.ProjectLoader;
import dev.strata.warehouse.Warehouses;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DashboardQueryTest {
    private static String sql(String dashboard) {
        DashboardsSection s = new ProjectLoader(EnvResolver.of(Map.of()))
                .parse(Path.of("p"), "name: shop\ndashboards:\n  d: " + dashboard + "\n", "strata.yaml").dashboards();
        return DashboardQuery.sql(s.dashboards().get(0), Warehouses.forUrl("embedded:postgres").sql(), "cdm");
    }

    @Test
    void shouldGroupByXAndAggregateEachYWithQuotedNames() {
        assertThat(sql("{ mart: user_category_counters, x: category_name, y: order_cnt }"))
                .isEqualTo("SELECT \"category_name\", sum(\"order_cnt\") AS \"order_cnt\" FROM \"cdm\".\"user_category_counters\" "
                        + "GROUP BY \"category_name\" ORDER BY \"category_name\"");
        assertThat(sql("{ mart: m, chart: line, x: day, y: [a, b], aggregate: avg, order_by: a, descending: true }"))
                .isEqualTo("SELECT \"day\", avg(\"a\") AS \"a\", avg(\"b\") AS \"b\" FROM \"cdm\".\"m\" GROUP BY \"day\" ORDER BY \"a\" DESC");
    }

    @Test
    void shouldSplitBySeriesCountRowsAndReadRawColumns() {
        assertThat(sql("{ mart: m, x: day, y: n, series: category }"))
                .isEqualTo("SELECT \"day\", \"category\", sum(\"n\") AS \"n\" FROM \"cdm\".\"m\" GROUP BY \"day\", \"category\" "
                        + "ORDER BY \"day\", \"category\"");
        assertThat(sql("{ mart: m, x: category, aggregate: count }"))
                .isEqualTo("SELECT \"category\", count(*) AS \"count\" FROM \"cdm\".\"m\" GROUP BY \"category\" ORDER BY \"category\"");
        assertThat(sql("{ mart: m, chart: table, columns: [a, b], order_by: b, descending: true }"))
                .isEqualTo("SELECT \"a\", \"b\" FROM \"cdm\".\"m\" ORDER BY \"b\" DESC");
        assertThat(sql("{ mart: m, chart: table }")).isEqualTo("SELECT * FROM \"cdm\".\"m\"");
        assertThat(sql("{ mart: m, x: day, y: n, aggregate: none }")).isEqualTo("SELECT \"day\", \"n\" FROM \"cdm\".\"m\" ORDER BY \"day\"");
    }
}
