package dev.strata.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code key:} with several paths and {@code filter:} of a source, as read from strata.yaml. */
class SourceFilterAndKeyConfigTest {
    private final ProjectLoader loader = new ProjectLoader(EnvResolver.of(Map.of("TYPE", "TRANSACTION")));

    private List<String> problems(String yaml) {
        try {
            loader.parse(Path.of("p"), yaml, "strata.yaml");
        } catch (ConfigException e) {
            return e.problems().stream().map(ConfigProblem::toString).toList();
        }
        throw new AssertionError("expected the config to be rejected:\n" + yaml);
    }

    @Test
    void shouldReadAKeyOfSeveralPathsAndAFilter() {
        ProjectConfig p = loader.parse(Path.of("p"), """
                name: fintech
                sources:
                  transactions:
                    kafka: { topic: events }
                    filter: { path: $.object_type, equals: "${TYPE}" }
                    key: [$.object_id, $.sent_dttm, $.payload]
                  rates:
                    kafka: { topic: events }
                    filter: { path: $.meta.kind, in: [CURRENCY, 420] }
                """, "strata.yaml");
        SourceConfig tx = p.sources().get("transactions");
        assertThat(tx.key()).extracting(JsonPath::text).containsExactly("$.object_id", "$.sent_dttm", "$.payload");
        assertThat(tx.keyed()).isTrue();
        assertThat(tx.filter()).hasValueSatisfying(f -> {
            assertThat(f.path().segments()).containsExactly("object_type");
            assertThat(f.values()).containsExactly("TRANSACTION");
        });
        SourceConfig rates = p.sources().get("rates");
        assertThat(rates.keyed()).isFalse();
        assertThat(rates.filter().orElseThrow().values()).containsExactly("CURRENCY", "420");
        assertThat(rates.filter().orElseThrow().selects("420")).isTrue();
        assertThat(rates.filter().orElseThrow().selects(null)).isFalse();
    }

    @Test
    void shouldExplainEachMistakeInAFilterOrKey() {
        assertThat(problems("""
                name: demo
                sources:
                  a:
                    kafka: { topic: t }
                    filter: { path: $.type }
                  b:
                    kafka: { topic: t }
                    filter: { path: $.type, equals: X, in: [Y] }
                  c:
                    kafka: { topic: t }
                    filter: { equals: X }
                  d:
                    kafka: { topic: t }
                    filter: { path: $, equals: X }
                  e:
                    kafka: { topic: t }
                    filter: { path: $.type, in: [] }
                  f:
                    kafka: { topic: t }
                    filter: TRANSACTION
                  g:
                    kafka: { topic: t }
                    key: [$.id, id, $.id]
                  h:
                    kafka: { topic: t }
                    key: []
                """)).containsExactly(
                "strata.yaml:5:5: sources.a.filter: give one of 'equals' (a value) or 'in' (a list of values): the "
                        + "records whose value at 'path' matches are this source's, the others are skipped",
                "strata.yaml:8:5: sources.b.filter: give one of 'equals' (a value) or 'in' (a list of values): the "
                        + "records whose value at 'path' matches are this source's, the others are skipped",
                "strata.yaml:11:5: sources.c.filter.path: required",
                "strata.yaml:14:15: sources.d.filter.path: the whole record ($) is an object, never equal to a value; "
                        + "give the path of a field, such as $.object_type",
                "strata.yaml:17:29: sources.e.filter.in: give at least one value",
                "strata.yaml:20:13: sources.f.filter: expected a mapping of keys, got 'TRANSACTION'",
                "strata.yaml:23:17: sources.g.key[1]: a JSON path starts with '$', such as $.payload.user.id; got 'id'",
                "strata.yaml:23:21: sources.g.key[2]: '$.id' is already part of the key",
                "strata.yaml:26:10: sources.h.key: give at least one JSON path, or leave 'key' out to identify records "
                        + "by their position");
    }
}
