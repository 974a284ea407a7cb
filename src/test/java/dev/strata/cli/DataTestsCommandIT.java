package dev.strata.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.strata.config.Secret;
import dev.strata.testing.TestServers;
import dev.strata.warehouse.Warehouse;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code strata test} against a real warehouse: exit 0 when every error test passes (failing warn
 * tests included), 1 when one fails, 2 for a bad selection or configuration; {@code status} then
 * lists the failing tests, {@code plan} lists every test with its SQL.
 */
class DataTestsCommandIT {
    private static final String YAML = """
            name: cli_tests
            warehouse: { url: "%s", user: postgres }
            marts:
              daily:
                materialized: table
                tests:
                  - not_null: n
                  - accepted_values: { column: kind, values: [a, b], severity: warn }
            """;

    private record Run(int code, String out, String err) {
    }

    private static Run strata(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.execute(new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new Run(code, out.toString(), err.toString());
    }

    private static void sql(String url, String... statements) throws Exception {
        try (Warehouse w = Warehouse.connect(url, "postgres", Secret.empty(), 1);
             Connection c = w.connection(); Statement s = c.createStatement()) {
            for (String st : statements) {
                s.execute(st);
            }
        }
    }

    @Test
    void shouldExitOneOnlyWhenAnErrorTestFails(@TempDir Path dir) throws Exception {
        String url = TestServers.newDatabaseUrl();
        Files.createDirectories(dir.resolve("marts"));
        Files.writeString(dir.resolve("strata.yaml"), YAML.formatted(url));
        Files.writeString(dir.resolve("marts/daily.sql"), "select 1 as n, 'a' as kind");
        sql(url, "CREATE SCHEMA cdm", "CREATE TABLE cdm.daily (n int, kind text)", "INSERT INTO cdm.daily VALUES (1, 'a')");

        Run good = strata("test", dir.toString());
        assertThat(good.code()).as(good.err()).isZero();
        assertThat(good.out()).containsPattern("pass\\s+daily.not_null_n\\s+error")
                .contains("2 passed, 0 failed (error), 0 failed (warn)");

        sql(url, "INSERT INTO cdm.daily VALUES (2, 'zz')");
        Run warn = strata("test", dir.toString());
        assertThat(warn.code()).as("a failing warn test does not fail the command").isZero();
        assertThat(warn.out()).containsPattern("warn\\s+daily.accepted_values_kind\\s+warn .*1 offending row, e.g. \\{value=zz, rows=1}");

        sql(url, "INSERT INTO cdm.daily VALUES (NULL, 'a'), (NULL, 'b')");
        Run bad = strata("test", dir.toString());
        assertThat(bad.code()).isEqualTo(1);
        assertThat(bad.out()).containsPattern("FAIL\\s+daily.not_null_n\\s+error .*2 offending rows")
                .contains("0 passed, 1 failed (error), 1 failed (warn)");
        assertThat(strata("test", dir.toString(), "--select", "daily.accepted_values_kind").code()).isZero();

        Run status = strata("status", dir.toString());
        assertThat(status.out()).contains("failing data tests (latest first):")
                .containsPattern("daily.not_null_n \\(error\\) on demand .*: 2 offending rows");
        Run plan = strata("plan", dir.toString());
        assertThat(plan.code()).as(plan.err()).isZero();
        assertThat(plan.out()).contains("daily.not_null_n (not_null, error): n is never NULL")
                .contains("SELECT t.* FROM \"cdm\".\"daily\" t WHERE t.\"n\" IS NULL");
    }

    @Test
    void shouldExitTwoForABadSelectionOrABadTestDeclaration(@TempDir Path dir) throws Exception {
        String url = TestServers.newDatabaseUrl();
        Files.createDirectories(dir.resolve("marts"));
        Files.writeString(dir.resolve("marts/daily.sql"), "select 1 as n");
        Files.writeString(dir.resolve("strata.yaml"), YAML.formatted(url));
        Run select = strata("test", dir.toString(), "--select", "daily.not_nul_n");
        assertThat(select.code()).isEqualTo(2);
        assertThat(select.err()).contains("--select: no test 'daily.not_nul_n' (did you mean 'daily.not_null_n'?)");

        Files.writeString(dir.resolve("strata.yaml"), YAML.formatted(url).replace("severity: warn", "severity: low"));
        Run config = strata("test", dir.toString());
        assertThat(config.code()).isEqualTo(2);
        assertThat(config.err()).contains("strata.yaml:8:68: marts.daily.tests[1].accepted_values.severity: 'low' is not one of error, warn");
    }
}
