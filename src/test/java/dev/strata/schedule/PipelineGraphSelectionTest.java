package dev.strata.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.strata.StrataException;
import dev.strata.config.ConfigException;
import dev.strata.warehouse.Warehouses;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Test 5 of the issue: ref() graph, selection syntax, cycles and unknown refs with file:line. */
class PipelineGraphSelectionTest {
    @TempDir
    Path dir;

    private Pipeline load(String yaml, Map<String, String> files) {
        TestProject.write(dir, yaml, files);
        return Pipeline.load(TestProject.load(dir), Warehouses.forUrl("embedded:postgres"));
    }

    /** raw_a, raw_b (sources) → stage → [daily, weekly]; daily → report; init → stage (depends_on). */
    private Pipeline diamond() {
        return load("""
                name: g
                sources:
                  raw_a: { kafka: { topic: a } }
                  raw_b: { kafka: { topic: b } }
                marts:
                  init: { materialized: script }
                  stage: { materialized: table, depends_on: [init] }
                """, Map.of(
                "marts/init.sql", "create schema if not exists work",
                "marts/stage.sql", "select * from {{ ref('raw_a') }} a\njoin {{ ref('raw_b') }} b using (_key)",
                "marts/daily.sql", "select count(*) from {{ ref('stage') }}",
                "marts/weekly.sql", "select count(*) from {{ ref('stage') }}",
                "marts/report.sql", "select * from {{ ref('daily') }}"));
    }

    @Test
    void shouldResolveRefsToQuotedRelationsAndRecordTheEdges() {
        Pipeline p = diamond();
        assertThat(p.graph().upstreamOf("stage")).containsExactlyInAnyOrder("raw_a", "raw_b", "init");
        assertThat(p.graph().upstreamOf("report")).containsExactly("daily");
        assertThat(p.graph().topologicalOrder()).containsSubsequence("init", "stage", "daily", "report");
        assertThat(p.marts().marts().get("stage").render(Warehouses.forUrl("embedded:postgres").sql(),
                dev.strata.marts.TemplateInterval.sample()).sql())
                .isEqualTo("select * from \"stg\".\"raw_a\" a\njoin \"stg\".\"raw_b\" b using (_key)");
        assertThat(p.scheduledNodes()).containsExactly("init", "stage", "daily", "weekly", "report");
    }

    @Test
    void shouldSelectANodeItsDownstreamOrItsUpstream() {
        Pipeline p = diamond();
        assertThat(p.graph().select("daily")).containsExactly("daily");
        assertThat(p.graph().select("stage+")).containsExactly("stage", "daily", "weekly", "report");
        assertThat(p.graph().select("+daily")).containsExactlyInAnyOrder("raw_a", "raw_b", "init", "stage", "daily");
        assertThat(p.graph().select("+daily")).endsWith("stage", "daily");
        assertThat(p.graph().select("+stage+")).hasSize(7);
        assertThat(p.graph().select("report, weekly")).containsExactly("weekly", "report");
        assertThatThrownBy(() -> p.graph().select("dayly+")).isInstanceOf(StrataException.class)
                .hasMessageContaining("no node named 'dayly' (did you mean 'daily'?)");
        assertThatThrownBy(() -> p.graph().select("a++b")).hasMessageContaining("cannot read the selection");
    }

    @Test
    void shouldReportCyclesWithTheFileAndLineOfEveryEdge() {
        assertThatThrownBy(() -> load("name: g\n", Map.of(
                "marts/a.sql", "select *\nfrom {{ ref('b') }}",
                "marts/b.sql", "select 1 as x\nunion all\nselect * from {{ ref('c') }}",
                "marts/c.sql", "select * from {{ ref('a') }}")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("dependency cycle")
                .hasMessageContaining(dir.resolve("marts/a.sql") + ":2:9: a depends on b")
                .hasMessageContaining(dir.resolve("marts/b.sql") + ":3:18: b depends on c")
                .hasMessageContaining(dir.resolve("marts/c.sql") + ":1:18: c depends on a");
    }

    @Test
    void shouldReportUnknownRefsAndVarsWithFileLineAndSuggestion() {
        assertThatThrownBy(() -> load("name: g\nmarts:\n  daily: { depends_on: [nope] }\n", Map.of(
                "marts/daily.sql", "select 1 as x",
                "marts/report.sql", "-- report\nselect *\nfrom {{ ref('dayly') }}\nwhere x > {{ var('limit') }}")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(dir.resolve("marts/report.sql") + ":3:9: report: ref('dayly'): no source, vault target "
                        + "or mart named 'dayly' (did you mean 'daily'?)")
                .hasMessageContaining(dir.resolve("marts/report.sql") + ":4:14: report: var('limit'): not defined under 'vars:'")
                .hasMessageContaining("strata.yaml:3:25: marts.daily.depends_on: no node named 'nope'");
    }

    @Test
    void shouldReportTemplateErrorsAndRefsToTasks() {
        assertThatThrownBy(() -> load("name: g\nmarts:\n  setup: { materialized: script }\n", Map.of(
                "marts/setup.sql", "create table t (x int)",
                "marts/m.sql", "select * from {{ ref('setup') }}\nwhere d >= {{ interval_strat }}")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("m.sql:1:18: m: ref('setup'): 'setup' is an SQL task and builds no table")
                .hasMessageContaining("m.sql:2:12: m: ")
                .hasMessageContaining("interval_strat");
    }

    @Test
    void shouldReadMaterializationFromTheFileHeaderAndRejectConflicts() {
        Pipeline p = load("name: g\n", Map.of("marts/m.sql",
                "{{ config(materialized='incremental', time_column='day', unique_key=['day', 'kind']) }}\nselect 1"));
        var m = p.marts().marts().get("m");
        assertThat(m.materialization().word()).isEqualTo("incremental");
        assertThat(m.timeColumn()).contains("day");
        assertThat(m.uniqueKey()).containsExactly("day", "kind");
        assertThat(m.relation().orElseThrow().toString()).isEqualTo("cdm.m");

        assertThatThrownBy(() -> load("name: g\nmarts:\n  m: { materialized: table }\n", Map.of("marts/m.sql",
                "{{ config(materialized='view') }}\nselect 1")))
                .hasMessageContaining("config(): materialized is set to 'VIEW' here and to 'TABLE' in strata.yaml; keep one");
        assertThatThrownBy(() -> load("name: g\nmarts:\n  m: { materialized: incremental }\n", Map.of("marts/m.sql", "select 1")))
                .hasMessageContaining("an incremental mart needs time_column");
    }
}
