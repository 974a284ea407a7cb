package dev.strata.marts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.strata.StrataException;
import dev.strata.config.EnvResolver;
import dev.strata.config.ProjectLoader;
import dev.strata.schedule.Pipeline;
import dev.strata.testing.TestServers;
import dev.strata.warehouse.Warehouse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The incremental materialization against a real PostgreSQL: each run replaces exactly its
 * interval, in one transaction, and a run that would break idempotency fails and leaves the mart
 * as it was — on the first run (which creates the table) and on later ones.
 */
class IncrementalMartIT {
    private static final Instant DAY1 = Instant.parse("2022-10-01T00:00:00Z");
    private static final Instant DAY2 = DAY1.plus(Duration.ofDays(1));
    private static final Instant DAY3 = DAY2.plus(Duration.ofDays(1));

    @TempDir
    Path dir;

    private Map<String, Mart> marts(Warehouse w, String yaml, Map<String, String> files) throws Exception {
        Files.createDirectories(dir.resolve("marts"));
        Files.writeString(dir.resolve("strata.yaml"), yaml);
        for (Map.Entry<String, String> f : files.entrySet()) {
            Files.writeString(dir.resolve(f.getKey()), f.getValue());
        }
        return Pipeline.load(new ProjectLoader(EnvResolver.of(Map.of())).load(dir), w.adapter()).marts().marts();
    }

    private static long build(Warehouse w, Mart mart, Instant day) throws SQLException {
        return w.inTransaction(c -> {
            try (Statement s = c.createStatement()) {
                s.execute("SET LOCAL TIME ZONE 'UTC'");
            }
            return new MartBuilder(w.adapter()).build(new dev.strata.warehouse.Materializer.BuildContext(c, w), mart, new TemplateInterval(day, day.plus(Duration.ofDays(1)),
                    day.plus(Duration.ofDays(1))));
        });
    }

    private static List<String> rows(Warehouse w, String query) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Connection c = w.connection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(query)) {
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                StringBuilder row = new StringBuilder();
                for (int i = 1; i <= n; i++) {
                    row.append(i > 1 ? "|" : "").append(rs.getString(i));
                }
                out.add(row.toString());
            }
        }
        return out;
    }

    private static void sql(Warehouse w, String... statements) throws SQLException {
        try (Connection c = w.connection(); Statement s = c.createStatement()) {
            for (String st : statements) {
                s.execute(st);
            }
        }
    }

    private static final String EVENTS_YAML = """
            name: incremental
            marts:
              daily:
                materialized: incremental
                time_column: day
                unique_key: [day, kind]
            """;
    /** Ends with a comment line: the select is used whole, whatever follows its last clause. */
    private static final String DAILY = """
            select cast(e.ts as date) as day, e.kind, count(*) as n, sum(e.amount) as total
            from raw.events e
            where e.ts >= {{ interval_start }} and e.ts < {{ interval_end }}
            group by 1, 2
            -- one row per day and kind
            """;

    private static void events(Warehouse w) throws SQLException {
        sql(w, "CREATE SCHEMA raw", "CREATE TABLE raw.events (ts timestamp, kind text, amount int)",
                "INSERT INTO raw.events VALUES ('2022-10-01 10:00', 'a', 1), ('2022-10-01 11:00', 'a', 2), "
                        + "('2022-10-01 12:00', 'b', 5), ('2022-10-02 09:00', 'a', 7), ('2022-10-03 23:59:59', 'b', 9), "
                        + "('2022-10-04 00:00', 'b', 100)");
    }

    @Test
    void shouldReplaceExactlyItsIntervalAndGiveIdenticalRowsWhenRunAgain() throws Exception {
        try (Warehouse w = TestServers.newDatabase()) {
            events(w);
            Mart daily = marts(w, EVENTS_YAML, Map.of("marts/daily.sql", DAILY)).get("daily");
            assertThat(build(w, daily, DAY1)).isEqualTo(2);
            assertThat(build(w, daily, DAY2)).isEqualTo(1);
            assertThat(build(w, daily, DAY3)).isEqualTo(1);
            List<String> all = rows(w, "SELECT day, kind, n, total FROM cdm.daily ORDER BY day, kind");
            assertThat(all).containsExactly("2022-10-01|a|2|3", "2022-10-01|b|1|5", "2022-10-02|a|1|7", "2022-10-03|b|1|9");
            assertThat(rows(w, "SELECT indexname FROM pg_indexes WHERE schemaname = 'cdm' AND tablename = 'daily'"))
                    .containsExactly("daily__strata_time");

            build(w, daily, DAY2);
            assertThat(rows(w, "SELECT day, kind, n, total FROM cdm.daily ORDER BY day, kind")).isEqualTo(all);

            // late data for day 2 changes day 2 only
            sql(w, "INSERT INTO raw.events VALUES ('2022-10-02 18:00', 'b', 11), ('2022-10-01 13:00', 'b', 1000)");
            build(w, daily, DAY2);
            assertThat(rows(w, "SELECT day, kind, n, total FROM cdm.daily ORDER BY day, kind"))
                    .containsExactly("2022-10-01|a|2|3", "2022-10-01|b|1|5", "2022-10-02|a|1|7", "2022-10-02|b|1|11",
                            "2022-10-03|b|1|9");
            // nothing of the build is left in the session
            assertThat(rows(w, "SELECT count(*) FROM pg_class WHERE relname LIKE 'strata_build%'")).containsExactly("0");
        }
    }

    @Test
    void shouldFailAndLeaveTheMartAsItWasWhenARowFallsOutsideTheInterval() throws Exception {
        try (Warehouse w = TestServers.newDatabase()) {
            events(w);
            // the filter forgets the upper bound: day 3's select also returns day 4's row
            Mart leaky = marts(w, EVENTS_YAML, Map.of("marts/daily.sql", DAILY.replace("and e.ts < {{ interval_end }}", "")))
                    .get("daily");
            assertThatThrownBy(() -> build(w, leaky, DAY3)).isInstanceOf(StrataException.class)
                    .hasMessageContaining("1 of 2 rows have day outside the interval [2022-10-03T00:00:00Z, 2022-10-04T00:00:00Z)");
            assertThat(rows(w, "SELECT to_regclass('cdm.daily') IS NULL")).containsExactly("t");

            Mart daily = marts(w, EVENTS_YAML, Map.of("marts/daily.sql", DAILY)).get("daily");
            build(w, daily, DAY1);
            build(w, daily, DAY3);
            List<String> before = rows(w, "SELECT day, kind, n, total FROM cdm.daily ORDER BY day, kind");
            assertThatThrownBy(() -> build(w, leaky, DAY3)).isInstanceOf(StrataException.class)
                    .hasMessageContaining("1 of 2 rows have day outside the interval");
            Mart nulls = marts(w, EVENTS_YAML, Map.of("marts/daily.sql",
                    DAILY.replace("select cast(e.ts as date) as day", "select case when e.kind = 'a' then null else cast(e.ts as date) end as day")))
                    .get("daily");
            assertThatThrownBy(() -> build(w, nulls, DAY1)).isInstanceOf(StrataException.class)
                    .hasMessageContaining("1 of 2 rows have day outside the interval [2022-10-01T00:00:00Z, 2022-10-02T00:00:00Z) or NULL");
            assertThat(rows(w, "SELECT day, kind, n, total FROM cdm.daily ORDER BY day, kind")).isEqualTo(before);
        }
    }

    @Test
    void shouldFailOnADuplicatedUniqueKeyAndLeaveTheMartAsItWas() throws Exception {
        try (Warehouse w = TestServers.newDatabase()) {
            events(w);
            Map<String, Mart> ok = marts(w, EVENTS_YAML, Map.of("marts/daily.sql", DAILY));
            build(w, ok.get("daily"), DAY1);
            List<String> before = rows(w, "SELECT day, kind, n, total FROM cdm.daily ORDER BY day, kind");
            // grouping by amount as well yields two rows for (2022-10-01, a)
            Mart dupes = marts(w, EVENTS_YAML, Map.of("marts/daily.sql", DAILY.replace("group by 1, 2", "group by 1, 2, e.amount")))
                    .get("daily");
            assertThatThrownBy(() -> build(w, dupes, DAY1)).isInstanceOf(StrataException.class)
                    .hasMessageContaining("unique_key (day, kind) is not unique")
                    .hasMessageContaining("day=2022-10-01, kind=a, count=2");
            assertThat(rows(w, "SELECT day, kind, n, total FROM cdm.daily ORDER BY day, kind")).isEqualTo(before);
        }
    }

    @Test
    void shouldLetASelectThatReadsTheMartItselfSeeItsIntervalAsItWas() throws Exception {
        try (Warehouse w = TestServers.newDatabase()) {
            // each run of a day counts how many times that day was built: it reads the day's previous row
            Mart runs = marts(w, """
                    name: incremental
                    marts:
                      runs: { materialized: incremental, time_column: day }
                    """, Map.of("marts/runs.sql", """
                    select cast({{ interval_start }} as date) as day,
                           coalesce((select max(r.builds) from {{ this }} r where r.day = cast({{ interval_start }} as date)), 0) + 1 as builds
                    """)).get("runs");
            // {{ this }} must exist before the first select reads it (as a user's bootstrapping would do)
            sql(w, "CREATE SCHEMA cdm", "CREATE TABLE cdm.runs (day date, builds int)");
            build(w, runs, DAY1);
            build(w, runs, DAY1);
            build(w, runs, DAY1);
            build(w, runs, DAY2);
            assertThat(rows(w, "SELECT day, builds FROM cdm.runs ORDER BY day")).containsExactly("2022-10-01|3", "2022-10-02|1");
        }
    }
}
