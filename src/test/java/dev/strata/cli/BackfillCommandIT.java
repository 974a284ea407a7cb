package dev.strata.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.strata.testing.TestServers;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code strata backfill} on a project where nothing has landed yet, against a real warehouse. */
class BackfillCommandIT {
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int backfill(Path dir, String... more) {
        String[] args = new String[3 + more.length];
        args[0] = "backfill";
        args[1] = dir.toString();
        args[2] = "--parallel=1";
        System.arraycopy(more, 0, args, 3, more.length);
        return Main.execute(new PrintWriter(out, true), new PrintWriter(err, true), args);
    }

    private static Path project(Path dir, String yamlTail, String martSql) throws Exception {
        Files.writeString(dir.resolve("strata.yaml"), """
                name: %s
                warehouse: { url: "%s", user: postgres }
                sources:
                  orders: { kafka: { topic: orders } }
                vault:
                  hubs:
                    h_order: { key: order_id, from: { orders: $.id } }
                marts:
                  raw_count: { materialized: table }
                  vault_count: { materialized: table }
                """.formatted(TestServers.uniqueName("bf"), TestServers.newDatabaseUrl()) + yamlTail);
        Files.createDirectories(dir.resolve("marts"));
        // reads the STG table directly, as the fintech example's init task does
        Files.writeString(dir.resolve("marts/raw_count.sql"), martSql);
        Files.writeString(dir.resolve("marts/vault_count.sql"), "select count(*) as n from {{ ref('h_order') }}");
        return dir;
    }

    @Test
    void shouldRunTasksThatReadStgAndVaultTablesBeforeAnythingHasLanded(@TempDir Path dir) throws Exception {
        project(dir, """
                schedule:
                  marts: { every: 1d, start: 2022-10-01, end: 2022-10-10 }
                """, "select count(*) as n from stg.orders");

        int code = backfill(dir, "--from", "2022-10-02", "--to", "2022-10-03");

        assertThat(code).as(out + "\n" + err).isZero();
        assertThat(out.toString())
                .containsPattern("raw_count\\s+2\\s+0\\s+0")
                .containsPattern("vault_count\\s+2\\s+0\\s+0")
                .contains("vault: loaded what has landed into 1 continuous target(s) first");
    }

    @Test
    void shouldSayWhichTaskWaitsToRetryWithItsErrorAndWhenItRunsAgain(@TempDir Path dir) throws Exception {
        project(dir, """
                schedule:
                  marts: { every: 1d, start: 2022-10-01, end: 2022-10-10, retries: 1, retry_delay: 2s }
                """, "select 1 / (select count(*) from stg.orders) as n");

        int code = backfill(dir, "--from", "2022-10-02", "--to", "2022-10-02", "--select", "raw_count");

        assertThat(code).isEqualTo(1);
        assertThat(out.toString())
                .containsPattern("retry: raw_count 2022-10-02 00:00 \\(data 2022-10-02T00:00:00Z/P1D\\) failed attempt 1 of 2: "
                        + "ERROR: division by zero.*; next attempt at \\d\\d:\\d\\d:\\d\\d UTC \\(in [12]s\\)")
                .contains("failed:", "raw_count 2022-10-02 00:00", "2 attempt(s)");

        // status: the failed run makes it exit 1 (issue 19.7: it exited 0), and it says so
        out.getBuffer().setLength(0);
        int status = Main.execute(new PrintWriter(out, true), new PrintWriter(err, true), "status", dir.toString());
        assertThat(status).as(out.toString()).isEqualTo(1);
        assertThat(out.toString()).contains("raw_count 2022-10-02 00:00 failed after attempt 2")
                .contains("1 failed run(s): exit code 1");
    }

    @Test
    void shouldSayWhyNothingRunsPastTheSchedulesEndAndWhatWasLeftOut(@TempDir Path dir) throws Exception {
        project(dir, """
                schedule:
                  marts: { every: 1d, start: 2022-10-01, end: 2022-10-10 }
                """, "select count(*) as n from stg.orders");

        assertThat(backfill(dir, "--from", "2022-11-01", "--to", "2022-11-03")).isEqualTo(2);
        assertThat(err.toString()).contains("nothing to backfill from 2022-11-01 00:00 to 2022-11-03 00:00",
                "raw_count, vault_count: the schedule ends at 2022-10-10 00:00 UTC (end: in strata.yaml)");

        out.getBuffer().setLength(0);
        assertThat(backfill(dir, "--from", "2022-10-09", "--to", "2022-10-12")).as(out + "\n" + err).isZero();
        assertThat(out.toString()).containsPattern("raw_count\\s+2\\s+0\\s+0")
                .contains("note: raw_count, vault_count runs only part of the range: the schedule ends at 2022-10-10 00:00 UTC "
                        + "(end: in strata.yaml)");
    }
}
