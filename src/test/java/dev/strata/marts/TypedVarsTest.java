package dev.strata.marts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.strata.config.ConfigException;
import dev.strata.schedule.Pipeline;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code var()} renders typed literals, so a variable can never change the statement's shape. */
class TypedVarsTest {
    @TempDir
    Path dir;

    private String render(String vars, String sql) {
        Pipeline p = MartFiles.pipeline(MartFiles.write(dir, MartFiles.SOURCES + "vars:\n" + vars, Map.of("marts/m.sql", sql)));
        return p.marts().marts().get("m").render(p.adapter().sql(), TemplateInterval.sample()).sql();
    }

    @Test
    void shouldRenderAnInjectionAttemptAsAStringLiteralNotAsSql() {
        // the example: it used to render "where order_cnt >= 10; drop table x"
        String sql = render("  tag_threshold: \"10; drop table x\"\n",
                "select _key from {{ ref('orders') }} where _offset >= {{ var('tag_threshold') }}");
        assertThat(sql).endsWith("where _offset >= '10; drop table x'");
        assertThat(SqlStatements.split(sql)).hasSize(1);
    }

    @Test
    void shouldEscapeQuotesInAString() {
        assertThat(render("  who: \"x' or '1'='1\"\n", "select {{ var('who') }} as w"))
                .isEqualTo("select 'x'' or ''1''=''1' as w");
    }

    @Test
    void shouldRenderEachTypeAsItsLiteral() {
        String sql = render("""
                  n: 10
                  neg: -5
                  f: 1.5
                  s: CLOSED
                  quoted: "10"
                  d: 2022-10-01
                  b: true
                  codes: [420, 978]
                  names: [a, "b'c"]
                  cutoff: { type: date, value: "2022-11-01" }
                  amount: { type: number, value: "12.50" }
                """, "select {{ var('n') }}, x -{{ var('neg') }}, {{ var('f') }}, {{ var('s') }}, {{ var('quoted') }}, "
                + "{{ var('d') }}, {{ var('b') }}, {{ var('codes') }}, {{ var('names') }}, {{ var('cutoff') }}, "
                + "{{ var('amount') }}, {{ var('missing', 7) }}, {{ var('missing', 'x') }}");
        assertThat(sql).isEqualTo("select 10, x -(-5), 1.5, 'CLOSED', '10', DATE '2022-10-01', TRUE, (420, 978), "
                + "('a', 'b''c'), DATE '2022-11-01', 12.50, 7, 'x'");
    }

    @Test
    void shouldRejectAValueThatIsNotOfItsDeclaredType() {
        Path p = MartFiles.write(dir, MartFiles.SOURCES + """
                vars:
                  amount: { type: number, value: "10; drop table x" }
                  day: { type: date, value: 2022-13-01 }
                  none: []
                """, Map.of("marts/m.sql", "select 1 as a"));
        assertThatThrownBy(() -> MartFiles.pipeline(p)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("strata.yaml:5:34: vars.amount.value: '10; drop table x' is not a number")
                .hasMessageContaining("vars.day.value: '2022-13-01' is not a date (YYYY-MM-DD)")
                .hasMessageContaining("vars.none: an empty list cannot be used in SQL");
    }

    @Test
    void shouldPasteRawSqlOnlyThroughVarSqlOfAVarDeclaredSql() {
        String vars = "  extra: { type: sql, value: \"and _offset > 0\" }\n  n: 3\n";
        assertThat(render(vars, "select _key from {{ ref('orders') }} where true {{ var_sql('extra') }}"))
                .endsWith("where true and _offset > 0");
        Path p = MartFiles.write(dir.resolve("b"), MartFiles.SOURCES + "vars:\n" + vars,
                Map.of("marts/m.sql", "select {{ var('extra') }} as a, {{ var_sql('n') }} as b"));
        assertThatThrownBy(() -> MartFiles.pipeline(p)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("'extra' is declared type: sql, a raw SQL fragment; paste it with var_sql('extra')")
                .hasMessageContaining("var_sql('n'): 'n' is a number, not an SQL fragment");
    }
}
