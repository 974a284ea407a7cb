package dev.strata.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code strata plan} on a project with a broken mart prints the errors and nothing else (issue
 * 19.5: it printed ~685 lines of DDL before the error), and on a good one the whole plan.
 */
class PlanCommandTest {
    @TempDir
    Path dir;
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int strata(String... args) {
        out.getBuffer().setLength(0);
        err.getBuffer().setLength(0);
        return Main.execute(new PrintWriter(out, true), new PrintWriter(err, true), args);
    }

    @Test
    void shouldPrintOnlyTheErrorsOfABrokenMartAndThePlanOfAGoodProject() throws Exception {
        Path project = dir.resolve("fin");
        assertThat(strata("init", project.toString(), "--example", "fintech")).isZero();
        assertThat(strata("plan", project.toString())).as(err.toString()).isZero();
        assertThat(out.toString()).contains("CREATE TABLE", "global_metrics");

        // an unknown node in --select: the error alone, not the vault's DDL before it
        assertThat(strata("plan", project.toString(), "--select", "no_such_mart")).isEqualTo(2);
        assertThat(out.toString()).isEmpty();
        assertThat(err.toString()).contains("no_such_mart");

        Path mart = project.resolve("marts/global_metrics.sql");
        String sql = Files.readString(mart);
        Files.writeString(mart, sql.replaceFirst("from stg\\.transactions", "from from stg.transactions"));
        int line = (int) sql.substring(0, sql.indexOf("from stg.transactions")).lines().count();

        assertThat(strata("plan", project.toString())).isEqualTo(2);
        assertThat(out.toString()).isEmpty();
        assertThat(err.toString()).contains(mart + ":" + line + ":").contains("global_metrics: syntax error")
                .doesNotContain("CREATE TABLE");
    }

    @Test
    void shouldShowPointInTimeAndBridgeTablesWithTheirScheduleAndSnapshotStatements() {
        Path project = dir.resolve("food");
        assertThat(strata("init", project.toString(), "--example", "food-delivery")).isZero();
        assertThat(strata("plan", project.toString())).as(err.toString()).isZero();
        String plan = out.toString();
        assertThat(plan).contains("vault: point-in-time and bridge tables", "pit_order (pit -> dds.pit_order)",
                "b_user_category (bridge -> dds.b_user_category)", "DELETE FROM \"dds\".\"pit_order\"",
                "INSERT INTO \"dds\".\"b_user_category\"");
        assertThat(plan).contains("\"dds\".\"pit_order\" (");
    }

    @Test
    void shouldShowTheIsDeletedColumnAndTheDeleteMarkerOfASatelliteThatDeclaresDeletes() {
        Path project = dir.resolve("air");
        assertThat(strata("init", project.toString(), "--example", "airline")).as(err.toString()).isZero();
        assertThat(strata("plan", project.toString())).as(err.toString()).isZero();
        String plan = out.toString();
        String satAirport = plan.substring(plan.indexOf("CREATE TABLE IF NOT EXISTS \"dds\".\"sat_airport\""));
        assertThat(satAirport.substring(0, satAirport.indexOf(")\n"))).contains("\"is_deleted\" boolean NOT NULL DEFAULT FALSE");
        assertThat(plan).contains("AS _del", "\"is_deleted\"");
    }
}
