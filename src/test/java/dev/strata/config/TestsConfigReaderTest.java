package dev.strata.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.strata.config.DataTestConfig.Kind;
import dev.strata.config.DataTestConfig.Severity;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TestsConfigReaderTest {
    private static final String HEAD = """
            name: demo
            sources:
              orders:
                kafka: { topic: orders }
                tests:
                  - not_null: [_event_time, $.payload.user.id]
                  - accepted_values: { column: $.payload.status, values: [OPEN, CLOSED], severity: warn }
            vault:
              hubs:
                h_user:
                  key: user_id
                  from: { orders: $.payload.user.id }
                  tests:
                    - unique: user_id
                    - freshness: 1d
            """;
    private final ProjectLoader loader = new ProjectLoader(EnvResolver.of(Map.of()));
    @TempDir
    Path dir;

    private ProjectConfig read(String yaml) throws IOException {
        Files.createDirectories(dir.resolve("marts"));
        Files.writeString(dir.resolve("marts/daily.sql"), "select 1 as n");
        return loader.parse(dir, yaml, "strata.yaml");
    }

    private List<String> problems(String yaml) throws IOException {
        try {
            read(yaml);
        } catch (ConfigException e) {
            return e.problems().stream().map(ConfigProblem::toString).toList();
        }
        throw new AssertionError("expected the project to be rejected:\n" + yaml);
    }

    @Test
    void shouldReadEveryKindOnSourcesVaultTablesAndMarts() throws IOException {
        ProjectConfig p = read(HEAD + """
                marts:
                  daily:
                    tests:
                      - row_count: { min: 1, max: 100 }
                      - row_count: { equal_to: h_user, name: same_as_users }
                      - relationships: { column: user_id, to: h_user, field: user_id }
                      - expression: "n >= 0"
                        where: "n is not null"
                        severity: warn
                      - freshness: { column: updated_at, max_age: 2h }
                      - sql: "select * from {{ this }} where n > 10"
                        name: not_too_big
                    checks:
                      legacy: select 1 where false
                """);
        TestsSection t = p.tests();
        assertThat(t.of("orders")).extracting(DataTestConfig::name)
                .containsExactly("not_null_event_time", "not_null_payload_user_id", "accepted_values_payload_status");
        assertThat(t.of("orders").get(2).severity()).isEqualTo(Severity.WARN);
        assertThat(t.of("orders").get(2).values()).containsExactly("OPEN", "CLOSED");
        assertThat(t.of("h_user")).extracting(DataTestConfig::kind).containsExactly(Kind.UNIQUE, Kind.FRESHNESS);
        assertThat(t.of("h_user").get(1).maxAge()).contains(Duration.ofDays(1));
        assertThat(t.of("h_user").get(1).columns()).extracting(DataTestConfig.Column::name).containsExactly("load_dt");
        assertThat(t.of("daily")).extracting(DataTestConfig::name).containsExactly("legacy", "row_count", "same_as_users",
                "relationships_user_id__h_user", "expression", "freshness_updated_at", "not_too_big");
        DataTestConfig expr = t.of("daily").get(4);
        assertThat(expr.expression()).contains("n >= 0");
        assertThat(expr.where()).contains("n is not null");
        assertThat(expr.severity()).isEqualTo(Severity.WARN);
        assertThat(t.of("daily").get(0).kind()).isEqualTo(Kind.SQL);
        assertThat(t.of("daily").get(0).severity()).isEqualTo(Severity.ERROR);
    }

    @Test
    void shouldFindSqlFilesUnderTests() throws IOException {
        Files.createDirectories(dir.resolve("tests"));
        Files.writeString(dir.resolve("tests/no_negative_amounts.sql"), "select 1 where false");
        ProjectConfig p = read(HEAD);
        assertThat(p.tests().files()).extracting(DataTestConfig::name).containsExactly("no_negative_amounts");
        assertThat(p.tests().files().get(0).file()).contains(Path.of("tests/no_negative_amounts.sql"));
    }

    @Test
    void shouldReportAnUnknownKindWithASuggestionAtItsLineAndColumn() throws IOException {
        assertThat(problems(HEAD + """
                marts:
                  daily:
                    tests:
                      - not_nul: n
                """)).containsExactly("strata.yaml:19:9: marts.daily.tests[0].not_nul: unknown key (did you mean 'not_null'?)");
    }

    @Test
    void shouldReportABadSeverity() throws IOException {
        assertThat(problems(HEAD + """
                marts:
                  daily:
                    tests:
                      - unique: [n]
                        severity: fatal
                """)).containsExactly("strata.yaml:20:19: marts.daily.tests[0].severity: 'fatal' is not one of error, warn");
    }

    @Test
    void shouldReportAColumnTheVaultTableOrStgTableDoesNotHave() throws IOException {
        String yaml = HEAD.replace("- unique: user_id", "- unique: usr_id")
                .replace("- not_null: [_event_time, $.payload.user.id]", "- not_null: [_event_tme]");
        assertThat(problems(yaml)).containsExactly(
                "strata.yaml:6:20: sources.orders.tests[0].not_null[0]: '_event_tme' is not a column of orders "
                        + "(did you mean '_event_time'?) (columns: _batch_id, _event_time, _headers, _key, _loaded_at, "
                        + "_offset, _partition, _payload, _seq, _source_time; or a JSON path into the payload, such as $.payload.id)",
                "strata.yaml:14:19: vault.hubs.h_user.tests[0].unique: 'usr_id' is not a column of h_user (did you mean "
                        + "'user_id'?) (columns: h_user_hk, user_id, load_dt, record_source)");
    }

    @Test
    void shouldReportSettingsAKindDoesNotTakeAndAMissingRelationshipTarget() throws IOException {
        assertThat(problems(HEAD + """
                marts:
                  daily:
                    tests:
                      - accepted_values: { column: n, values: [1], max: 3 }
                      - relationships: { column: n, to: h_usr, field: user_id }
                      - relationships: { column: n, to: h_user, field: id }
                      - row_count: {}
                """)).containsExactly(
                "strata.yaml:19:52: marts.daily.tests[0].accepted_values.max: unknown key",
                "strata.yaml:20:41: daily.tests.relationships_n__h_usr: no source, vault table or mart named 'h_usr' (did you mean 'h_user'?)",
                "strata.yaml:21:41: daily.tests.relationships_n__h_user: 'id' is not a column of h_user (columns: h_user_hk, user_id, load_dt, record_source)",
                "strata.yaml:22:9: marts.daily.tests[3].row_count: give min, max (or both), or equal_to: another node whose row count must be the same");
    }

    @Test
    void shouldKeepTheChecksKeyAsSqlTests() throws IOException {
        ProjectConfig p = read(HEAD + """
                marts:
                  daily:
                    checks:
                      positive: select * from {{ this }} where n <= 0
                """);
        DataTestConfig check = p.tests().of("daily").get(0);
        assertThat(check.kind()).isEqualTo(Kind.SQL);
        assertThat(check.sql()).contains("select * from {{ this }} where n <= 0");
    }
}
