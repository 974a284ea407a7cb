package dev.strata.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Reading {@code jdbc} sources: what is accepted, and every mistake reported at its file:line:column. */
class JdbcSourceConfigTest {
    private static final ProjectLoader LOADER = new ProjectLoader(EnvResolver.of(Map.of("SHOP_PASSWORD", "s3cret")));

    private static List<String> problems(String yaml) {
        try {
            LOADER.parse(Path.of("."), yaml, "strata.yaml");
            return List.of();
        } catch (ConfigException e) {
            return e.problems().stream().map(ConfigProblem::toString).toList();
        }
    }

    @Test
    void shouldReadASnapshotAndAnIncrementalSourceWithTheirSchedules() {
        ProjectConfig p = LOADER.parse(Path.of("."), """
                name: shop
                sources:
                  pg_orders:
                    jdbc:
                      url: "jdbc:postgresql://db:5432/shop"
                      user: app
                      password: "${SHOP_PASSWORD}"
                      table: shop.orders
                      mode: snapshot
                      keep: 7
                    schedule: "0 1 * * *"
                  pg_users:
                    jdbc: { url: "jdbc:mariadb://db/shop", table: users, mode: incremental, cursor: modify_date, lookback: 10m }
                    batch: { max_records: 1000 }
                  events:
                    jdbc: { url: "jdbc:mariadb://db/shop", query: "select id, kind from events;", mode: incremental, cursor: id, lookback: 500 }
                """, "strata.yaml");
        JdbcSourceSpec orders = (JdbcSourceSpec) p.sources().get("pg_orders").spec();
        assertThat(orders.mode()).isEqualTo(JdbcSourceSpec.Mode.SNAPSHOT);
        assertThat(orders.schemaName()).contains("shop");
        assertThat(orders.tableName()).contains("orders");
        assertThat(orders.password().reveal()).isEqualTo("s3cret");
        assertThat(orders.toString()).doesNotContain("s3cret");
        assertThat(orders.keep()).contains(7);
        assertThat(orders.schedule().cron()).contains("0 1 * * *");
        assertThat(orders.fetchSize()).isEqualTo(JdbcSourceSpec.DEFAULT_FETCH_SIZE);
        assertThat(p.sources().get("pg_orders").spec().isScheduled()).isTrue();
        JdbcSourceSpec users = (JdbcSourceSpec) p.sources().get("pg_users").spec();
        assertThat(users.cursor()).contains("modify_date");
        assertThat(users.lookback().flatMap(JdbcSourceSpec.Lookback::duration)).contains(Duration.ofMinutes(10));
        assertThat(p.sources().get("pg_users").batch().maxRecords()).isEqualTo(1000);
        JdbcSourceSpec events = (JdbcSourceSpec) p.sources().get("events").spec();
        assertThat(events.query()).contains("select id, kind from events");
        assertThat(events.lookback().flatMap(JdbcSourceSpec.Lookback::amount)).contains(new BigDecimal("500"));
    }

    @Test
    void shouldReportEveryMistakeOfAJdbcSourceAtItsPlace() {
        assertThat(problems("""
                name: shop
                sources:
                  a:
                    jdbc: { url: "postgres://db/shop", mode: snapshot, cursor: id, keep: 0, fetch_size: 0 }
                  b:
                    jdbc: { url: "jdbc:postgresql://db/shop", table: "my table", query: "select 1", mode: incremental, lookback: soon }
                    key: $.id
                    schedule: continuous
                    batch: { max_wait: 1s }
                  c:
                    jdbc: { url: "jdbc:postgresql://db/shop", table: t, mode: full, tabel: x }
                  d:
                    kafka: { topic: t }
                    schedule: "@daily"
                """)).containsExactly(   // sorted by position
                "strata.yaml:4:5: sources.a.jdbc: give one of 'table' (a table or schema.table of the source) or 'query' (a SELECT of the source's SQL)",
                "strata.yaml:4:18: sources.a.jdbc.url: expected a JDBC URL such as jdbc:postgresql://host:5432/shop or jdbc:mariadb://host:3306/shop",
                "strata.yaml:4:56: sources.a.jdbc.cursor: only for mode: incremental (a snapshot reads the whole table each run)",
                "strata.yaml:4:74: sources.a.jdbc.keep: must be at least 1 (snapshot dates kept)",
                "strata.yaml:4:89: sources.a.jdbc.fetch_size: must be between 1 and 1000000",
                "strata.yaml:6:5: sources.b.jdbc: give one of 'table' (a table or schema.table of the source) or 'query' (a SELECT of the source's SQL)",
                "strata.yaml:6:5: sources.b.jdbc.cursor: required for mode: incremental (the column whose greater values mark new "
                        + "or changed rows, such as modify_date or an id)",
                "strata.yaml:6:54: sources.b.jdbc.table: 'my table' is not a table name: give table or schema.table, each part "
                        + Identifiers.RULE + " (for other names, use query: with the name quoted as the source database quotes it)",
                "strata.yaml:6:114: sources.b.jdbc.lookback: expected a duration such as 10m (a time cursor) or a number such as 1000 "
                        + "(a numeric cursor), got 'soon'",
                "strata.yaml:7:5: sources.b.key: not for a jdbc source: its rows are typed columns of the source table, identified "
                        + "by their values (see docs/sources.md)",
                "strata.yaml:8:15: sources.b.schedule: a jdbc source runs on a schedule (every: 1h, cron: '0 1 * * *', @daily); it cannot be continuous",
                "strata.yaml:9:14: sources.b.batch.max_wait: not for a jdbc source: it reads its rows at once; batch.max_records and "
                        + "batch.max_bytes size its landing batches",
                "strata.yaml:11:63: sources.c.jdbc.mode: 'full' is not one of snapshot, incremental",
                "strata.yaml:11:69: sources.c.jdbc.tabel: unknown key (did you mean 'table'?)",
                "strata.yaml:14:5: sources.d.schedule: only a jdbc source runs on a schedule; kafka and redis sources land continuously");
    }
}
