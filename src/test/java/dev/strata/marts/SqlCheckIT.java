package dev.strata.marts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.strata.schedule.Pipeline;
import dev.strata.testing.TestServers;
import dev.strata.warehouse.Warehouse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The SQL check against a real PostgreSQL ({@code strata validate --warehouse}): unknown tables
 * and columns at file:line:column, marts checked in dependency order before any is built, nothing
 * left behind; and run-time errors of a mart placed in its file.
 */
class SqlCheckIT {
    private static final String STG = "CREATE SCHEMA stg; CREATE TABLE stg.orders (_key text, _offset bigint, "
            + "_loaded_at timestamptz, _payload jsonb)";

    @TempDir
    Path dir;

    private Pipeline project(String yaml, Map<String, String> files) {
        return MartFiles.pipeline(MartFiles.write(dir, yaml, files));
    }

    private static SqlCheck.Report check(Warehouse w, Pipeline p) throws SQLException {
        try (Connection c = w.connection()) {
            return SqlCheck.withWarehouse(p.marts(), p.adapter(), c, p.graph().topologicalOrder());
        }
    }

    private static void sql(Warehouse w, String statements) throws SQLException {
        try (Connection c = w.connection(); Statement s = c.createStatement()) {
            s.execute(statements);
        }
    }

    private static long relationsIn(Warehouse w, String schema) throws SQLException {
        try (Connection c = w.connection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("select count(*) from information_schema.tables where table_schema = '" + schema + "'")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Test
    void shouldFindAnUnknownColumnInAMartReadingAnotherMartThatIsNotBuiltYet() throws Exception {
        try (Warehouse w = TestServers.newDatabase()) {
            sql(w, STG);
            Pipeline p = project(MartFiles.SOURCES, Map.of(
                    "marts/a.sql", "select _key as order_key, _offset from {{ ref('orders') }}\n",
                    "marts/b.sql", "-- reads a\nselect order_key,\n       order_kye\nfrom {{ ref('a') }}\n"));
            // offline, this SQL is fine: only the warehouse knows a's columns
            assertThat(SqlCheck.parse(p.marts(), p.adapter()).findings()).isEmpty();

            SqlCheck.Report r = check(w, p);

            assertThat(r.errors()).singleElement().satisfies(f -> {
                assertThat(f.position().file()).endsWith("marts/b.sql");
                assertThat(f.position().line()).isEqualTo(3);
                assertThat(f.position().column()).isEqualTo(8);
                assertThat(f.message()).contains("column \"order_kye\" does not exist").contains("3 |        order_kye");
            });
            assertThat(relationsIn(w, "cdm")).as("nothing is left behind").isZero();
        }
    }

    @Test
    void shouldSayAMartIsNotCheckedWhenItsSourceHasNotLandedYetInsteadOfFailing() throws Exception {
        try (Warehouse w = TestServers.newDatabase()) {
            Pipeline p = project(MartFiles.SOURCES, Map.of("marts/a.sql", "select _key from {{ ref('orders') }}\n"));

            SqlCheck.Report r = check(w, p);

            assertThat(r.errors()).isEmpty();
            assertThat(r.warnings()).singleElement().satisfies(f -> assertThat(f.message())
                    .contains("not checked against the warehouse: it reads stg.orders, which does not exist there yet"));
        }
    }

    @Test
    void shouldTrustTheWarehouseWhereTheParserHasAGap() throws Exception {
        try (Warehouse w = TestServers.newDatabase()) {
            sql(w, STG);
            Pipeline p = project(MartFiles.SOURCES, Map.of("marts/a.sql",
                    "select _key collate \"C\" as k from {{ ref('orders') }}\n"));
            assertThat(SqlCheck.parse(p.marts(), p.adapter()).errors()).as("the parser does not know COLLATE").hasSize(1);

            SqlCheck.Report r = check(w, p);

            assertThat(r.errors()).isEmpty();
            assertThat(r.warnings()).singleElement().satisfies(f -> assertThat(f.message())
                    .contains("the SQL parser rejects this but the warehouse accepts it"));
        }
    }

    @Test
    void shouldCheckAScriptAgainstTheTablesAnEarlierTaskCreates() throws Exception {
        try (Warehouse w = TestServers.newDatabase()) {
            sql(w, STG);
            Pipeline p = project(MartFiles.SOURCES + """
                    marts:
                      init: { materialized: script }
                      load: { materialized: script, depends_on: [init] }
                    """, Map.of(
                    "marts/init.sql", "create table if not exists stg.typed (k text, o bigint);\n",
                    "marts/load.sql", """
                            delete from stg.typed;
                            insert into stg.typed (k, o)
                            select _key, _ofset from {{ ref('orders') }};
                            """));

            SqlCheck.Report r = check(w, p);

            assertThat(r.errors()).singleElement().satisfies(f -> {
                assertThat(f.position().file()).endsWith("marts/load.sql");
                assertThat(f.position().line()).isEqualTo(3);
                assertThat(f.position().column()).isEqualTo(14);
                assertThat(f.message()).contains("column \"_ofset\" does not exist");
            });
            assertThat(relationsIn(w, "stg")).as("init's table was rolled back").isEqualTo(1);
        }
    }

    @Test
    void shouldRejectATimeColumnThatTheSelectDoesNotHave() throws Exception {
        try (Warehouse w = TestServers.newDatabase()) {
            sql(w, STG);
            Pipeline p = project(MartFiles.SOURCES + """
                    marts:
                      daily: { materialized: incremental, time_column: day, unique_key: [day, k] }
                    """, Map.of("marts/daily.sql", "select _loaded_at as dy, _key as k from {{ ref('orders') }}\n"));

            SqlCheck.Report r = check(w, p);

            assertThat(r.errors()).singleElement().satisfies(f -> assertThat(f.toString())
                    .contains("strata.yaml:").contains("daily: time_column 'day' is not a column of the select (its columns: dy, k)"));
        }
    }

    @Test
    void shouldReportARunTimeErrorAtTheLineAndColumnOfTheMartFile() throws Exception {
        try (Warehouse w = TestServers.newDatabase()) {
            sql(w, STG);
            Pipeline p = project(MartFiles.SOURCES + "marts:\n  m: { materialized: table }\n", Map.of("marts/m.sql", """
                    -- a mart with a typo on line 3
                    select _key,
                           _ofset
                    from {{ ref('orders') }}
                    where _loaded_at >= {{ interval_start }}
                    """));
            Mart m = p.marts().marts().get("m");
            Instant day = Instant.parse("2022-10-01T00:00:00Z");

            assertThatThrownBy(() -> w.inTransaction(c -> new MartBuilder(w.adapter()).build(new dev.strata.warehouse.Materializer.BuildContext(c, w), m,
                    new TemplateInterval(day, day.plusSeconds(86_400), day.plusSeconds(86_400)))))
                    .isInstanceOf(SQLException.class)
                    .hasMessageContaining("marts/m.sql:3:8: ERROR: column \"_ofset\" does not exist")
                    .hasMessageContaining("3 |        _ofset")
                    .hasMessageNotContaining("Position:")
                    .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("42703"));
        }
    }
}
