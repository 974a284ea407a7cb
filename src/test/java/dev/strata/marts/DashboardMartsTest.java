package dev.strata.marts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.strata.config.ConfigException;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A dashboard must chart a mart of the project: validation says so at the dashboard's {@code mart:}. */
class DashboardMartsTest {
    @TempDir
    Path dir;

    @Test
    void shouldRejectADashboardOnAMartThatDoesNotExistAtItsMartKey() {
        Path p = MartFiles.write(dir, MartFiles.SOURCES + """
                marts:
                  init: { materialized: script }
                dashboards:
                  per_day:
                    title: Orders per day
                    mart: dialy_orders
                    x: day
                    y: n
                  on_a_task: { mart: init, chart: table }
                  on_a_source: { mart: orders, chart: table }
                """, Map.of("marts/daily_orders.sql", "select 1 as day, 2 as n\n", "marts/init.sql", "select 1;\n"));
        assertThatThrownBy(() -> MartFiles.pipeline(p)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("strata.yaml:9:11: dashboards.per_day.mart: no mart named 'dialy_orders' "
                        + "(did you mean 'daily_orders'?)")
                .hasMessageContaining("dashboards.on_a_task.mart: 'init' is an SQL task and builds no table to chart")
                .hasMessageContaining("dashboards.on_a_source.mart: 'orders' is a source, not a mart");
    }

    @Test
    void shouldAcceptADashboardOnAMartOfTheProject() {
        Path p = MartFiles.write(dir, MartFiles.SOURCES + """
                dashboards:
                  per_day: { mart: daily_orders, x: day, y: n }
                """, Map.of("marts/daily_orders.sql", "select 1 as day, 2 as n\n"));
        assertThat(MartFiles.pipeline(p).marts().marts()).containsKey("daily_orders");
    }
}
