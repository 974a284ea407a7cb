package dev.strata.marts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.strata.config.ConfigException;
import dev.strata.examples.ExampleProjects;
import dev.strata.schedule.Pipeline;
import dev.strata.warehouse.Warehouses;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The offline SQL check ({@code strata validate}, {@code plan}): errors at file:line:column of the template. */
class SqlCheckTest {
    @TempDir
    Path dir;

    private SqlCheck.Report check(String yaml, Map<String, String> files) {
        Pipeline p = MartFiles.pipeline(MartFiles.write(dir, yaml, files));
        return SqlCheck.parse(p.marts(), p.adapter());
    }

    @Test
    void shouldReportASyntaxErrorAtTheLineAndColumnOfTheTemplateNotOfTheRenderedSql() {
        SqlCheck.Report r = check(MartFiles.SOURCES, Map.of("marts/tags.sql", """
                -- a comment line
                select _key,
                       count(*) as n sum(_offset)
                from {{ ref('orders') }}
                where _loaded_at >= {{ interval_start }}
                group by _key
                """));
        assertThat(r.errors()).hasSize(1);
        SqlCheck.Finding f = r.errors().get(0);
        assertThat(f.position().file()).endsWith("marts/tags.sql");
        assertThat(f.position().line()).isEqualTo(3);
        assertThat(f.position().column()).isEqualTo(22);
        assertThat(f.message()).contains("syntax error at 'sum'")
                .contains("3 |        count(*) as n sum(_offset)")
                .contains("|                      ^");
        assertThatThrownBy(r::throwIfErrors).isInstanceOf(ConfigException.class)
                .hasMessageContaining("marts/tags.sql:3:22: tags: syntax error at 'sum'");
    }

    @Test
    void shouldPlaceAnErrorAfterAnExpandedRefAtItsPlaceInTheFile() {
        // ref() expands to "stg"."orders" (14 characters for 19 in the file): the map must follow it
        // (the parser stops at the first 'and': column 55 of the rendered SQL, 60 of the file)
        SqlCheck.Report r = check(MartFiles.SOURCES, Map.of("marts/m.sql",
                "select _key from {{ ref('orders') }} o where o._offset > 1 and and o._partition = 0\n"));
        assertThat(r.errors()).singleElement().satisfies(f -> {
            assertThat(f.position().line()).isEqualTo(1);
            assertThat(f.position().column()).isEqualTo(60);
            assertThat(f.message()).contains("syntax error at 'and'");
        });
    }

    @Test
    void shouldFollowBlockTagsAndTrimmedLinesWhenMapping() {
        SqlCheck.Report r = check(MartFiles.SOURCES, Map.of("marts/m.sql", """
                {% set cols = ['_key', '_offset'] %}
                select
                {% for c in cols %}
                    {{ c }},
                {% endfor %}
                    _partition
                from {{ ref('orders') }}
                wher _offset > 0
                """));
        assertThat(r.errors()).singleElement().satisfies(f -> {
            assertThat(f.position().line()).isEqualTo(8);
            assertThat(f.message()).contains("8 | wher _offset > 0");
        });
    }

    @Test
    void shouldReportAnUnclosedTagWhereItOpensNotLinesLater() {
        // a '}' for '}}' on line 3; Jinjava said "line 5 ... at position -16, encountered '}', expected '}'"
        Path p = MartFiles.write(dir, MartFiles.SOURCES, Map.of("marts/m.sql", """
                -- header
                select _key from {{ ref('orders') }}
                where _loaded_at >= {{ interval_start } and _loaded_at < {{ interval_end }}
                  and _offset > 0
                  and _partition >= 0
                """));
        assertThatThrownBy(() -> MartFiles.pipeline(p)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("marts/m.sql:3:21: m: '{{' is not closed with '}}' before the next '{{' (line 3, column 58)")
                .hasMessageContaining("3 | where _loaded_at >= {{ interval_start } and");
    }

    @Test
    void shouldPlaceRefAndVarErrorsAtTheColumnOfTheCall() {
        Path p = MartFiles.write(dir, MartFiles.SOURCES + "vars: { threshold: 10 }\n", Map.of("marts/m.sql", """
                select _key
                from {{ ref('ordres') }}
                where _offset >= {{ var('treshold') }}
                """));
        assertThatThrownBy(() -> MartFiles.pipeline(p)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("marts/m.sql:2:9: m: ref('ordres'): no source, vault target or mart named 'ordres' "
                        + "(did you mean 'orders'?)")
                .hasMessageContaining("marts/m.sql:3:21: m: var('treshold'): not defined")
                .hasMessageContaining("(did you mean 'threshold'?)");
    }

    @Test
    void shouldPlaceAJinjaSyntaxErrorAtItsTagAfterTrimmedBlocks() {
        Path p = MartFiles.write(dir, MartFiles.SOURCES, Map.of("marts/m.sql", """
                {% if true %}
                select _key
                {% endif %}
                from {{ ref('orders') }}
                where _offset > {{ 1 + }}
                """));
        assertThatThrownBy(() -> MartFiles.pipeline(p)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("marts/m.sql:5:17: m: cannot parse '{{ 1 + }}'")
                .hasMessageNotContaining("position -");
    }

    @Test
    void shouldRejectAViewMartOfTwoStatementsAndACheckThatIsNotASelect() {
        SqlCheck.Report r = check(MartFiles.SOURCES + """
                marts:
                  m:
                    checks:
                      bad: "delete from {{ ref('orders') }}"
                """, Map.of("marts/m.sql", "select 1 as a;\nselect 2 as b\n"));
        assertThat(r.errors()).extracting(SqlCheck.Finding::message)
                .anySatisfy(m -> assertThat(m).contains("a view mart is one select, and this is a second statement"))
                .anySatisfy(m -> assertThat(m).contains("a check must be a select that returns the offending rows, not DELETE"));
    }

    @Test
    void shouldWarnNotFailOnStatementsTheParserDoesNotKnow() {
        SqlCheck.Report r = check(MartFiles.SOURCES + "marts:\n  init: { materialized: script }\n", Map.of("marts/init.sql", """
                create table if not exists stg.t (a int);
                do $$ begin perform 1; end $$;
                create unique index concurrently if not exists t_a on stg.t (a);
                insert into stg.t select 1;
                """));
        assertThat(r.errors()).isEmpty();
        assertThat(r.warnings()).extracting(SqlCheck.Finding::toString)
                .anySatisfy(w -> assertThat(w).contains("init.sql:2:1: init: warning: not checked: the SQL parser does not know DO statements"))
                .anySatisfy(w -> assertThat(w).contains("init.sql:3:").contains("knows CREATE statements only in part"));
    }

    @Test
    void shouldRejectAStatementThatIsNoStatementInAScript() {
        SqlCheck.Report r = check(MartFiles.SOURCES + "marts:\n  init: { materialized: script }\n", Map.of("marts/init.sql",
                "delete from stg.t;\nselec 1;\n"));
        assertThat(r.errors()).singleElement().satisfies(f -> {
            assertThat(f.position().line()).isEqualTo(2);
            assertThat(f.message()).contains("'SELEC' does not start a statement (did you mean 'SELECT'?)");
        });
    }

    @Test
    void shouldParseTypicalPostgresqlWithoutFalseErrors() {
        SqlCheck.Report r = check(MartFiles.SOURCES, Map.of("marts/m.sql", """
                with latest as (
                    select distinct on (_key) _key, _payload, _offset::bigint as o
                    from {{ ref('orders') }}
                    where _loaded_at >= {{ interval_start }} and _loaded_at < {{ interval_end }}
                    order by _key, _offset desc nulls last
                )
                select l._key,
                       l._payload ->> 'status' as status,
                       (l._payload #>> '{user,id}')::int as user_id,
                       count(*) filter (where l._payload ? 'items') as with_items,
                       sum(l.o) over (partition by l._key order by l.o rows between unbounded preceding and current row) as running,
                       coalesce(i.n, 0) as n,
                       date '{{ ds }}' as day
                from latest l
                cross join lateral jsonb_array_elements(l._payload -> 'items') with ordinality as e(item, idx)
                left join lateral (select count(*) as n from jsonb_to_recordset(l._payload -> 'items') as r(id int, qty int)) i on true
                where l._payload ->> 'status' ~* '^closed$' and l._key is distinct from ''
                  and l.o = any(array[1, 2, 3])
                group by 1, 2, 3, l.o, i.n
                """));
        assertThat(r.findings()).isEmpty();
    }

    @Test
    void shouldFindNoErrorInTheBundledExamples() {
        for (String example : ExampleProjects.NAMES) {
            Path project = dir.resolve(example);
            ExampleProjects.copy(example, project);
            Pipeline p = Pipeline.load(MartFiles.load(project), Warehouses.forUrl("jdbc:postgresql://localhost/x"));
            SqlCheck.Report r = SqlCheck.parse(p.marts(), p.adapter());
            assertThat(r.errors()).as(example).isEmpty();
            // the fintech init task's DO block is the only statement the parser cannot read
            assertThat(r.warnings()).as(example).allSatisfy(w -> assertThat(w.message()).contains("DO statements"));
        }
    }
}
