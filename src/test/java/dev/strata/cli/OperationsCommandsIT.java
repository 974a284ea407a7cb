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
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The operations from the command line, against a real warehouse: {@code strata trigger} (a
 * failing manual run logged with its task and error, then a fixed one), the run log in
 * {@code strata status}, a deployed object and a {@code call:} task in {@code strata plan}, the
 * scheduled backup node, and {@code strata backup} / {@code strata restore}.
 */
class OperationsCommandsIT {
    @TempDir
    Path dir;
    @TempDir
    Path elsewhere;

    private record Run(int code, String out, String err) {
    }

    private static Run strata(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.execute(new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new Run(code, out.toString(), err.toString());
    }

    private static String one(Warehouse w, String query) throws Exception {
        try (Connection c = w.connection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(query)) {
            rs.next();
            return rs.getString(1);
        }
    }

    @Test
    void shouldTriggerLogBackUpAndRestoreFromTheCommandLine() throws Exception {
        String url = TestServers.newDatabaseUrl();
        Files.writeString(dir.resolve("strata.yaml"), """
                name: ops_cli
                warehouse: { url: "%s", user: postgres }
                marts:
                  daily: { materialized: incremental, time_column: day }
                  catalogue: { call: "note_run('{{ ds }}')", depends_on: [daily] }
                schedule:
                  marts: { every: 1d, start: 2022-10-01 }
                run_log: { table: etl_run_log }
                backup: { scheduled: true, depends_on: [catalogue], layers: [cdm], retention: 7d }
                """.formatted(url));
        Files.createDirectories(dir.resolve("marts"));
        Files.writeString(dir.resolve("marts/daily.sql"), "select date '{{ ds }}' as day, 1 / (select count(*) from ctl.ok) as n");
        Files.createDirectories(dir.resolve("objects/postgres"));
        Files.writeString(dir.resolve("objects/postgres/note_run.sql"), """
                CREATE TABLE IF NOT EXISTS cdm.notes (day date);
                CREATE OR REPLACE PROCEDURE note_run(d date) AS $$ INSERT INTO cdm.notes VALUES (d) $$ LANGUAGE sql;
                """);
        try (Warehouse w = Warehouse.connect(url, "postgres", Secret.empty(), 3)) {
            w.migrate();
            try (Connection c = w.connection(); Statement s = c.createStatement()) {
                s.execute("CREATE SCHEMA ctl");
                s.execute("CREATE TABLE ctl.ok (x int)");
                s.execute("CREATE SCHEMA cdm");
            }

            Run plan = strata("plan", dir.toString());
            assertThat(plan.code()).as(plan.err()).isZero();
            assertThat(plan.out()).contains("objects (deployed in this order").contains("note_run (")
                    .contains("CREATE OR REPLACE PROCEDURE note_run").contains("CALL note_run('2022-10-01')")
                    .containsPattern("backup \\(backup -> .*backups\\)").contains("upstream:  catalogue");

            // a manual run that fails is logged, with the task and the error
            Run failed = strata("trigger", dir.toString(), "--date", "2022-10-02");
            assertThat(failed.code()).as(failed.out() + failed.err()).isEqualTo(1);
            assertThat(failed.out()).contains("deployed object note_run (new)")
                    .containsPattern("pipeline run manual__2022-10-02T00:00:00Z__[0-9a-f]{8}: failed \\(failed task daily: "
                            + "ERROR: division by zero");
            Run status = strata("status", dir.toString());
            assertThat(status.code()).as("status says runs have failed: " + status.err()).isEqualTo(1);
            assertThat(status.out()).contains("pipeline runs (latest first):")
                    .containsPattern("manual\\s+2022-10-02 00:00\\s+failed\\s+started .* failed: daily: ERROR: division by zero");
            assertThat(one(w, "SELECT count(*) FROM cdm.etl_run_log WHERE trigger_type = 'manual' AND status = 'failed' "
                    + "AND failed_task = 'daily'")).isEqualTo("1");

            // fixed: the same trigger succeeds; the call and the backup node ran after the mart
            try (Connection c = w.connection(); Statement s = c.createStatement()) {
                s.execute("INSERT INTO ctl.ok VALUES (1)");
            }
            Run ok = strata("trigger", dir.toString(), "--date", "2022-10-02");
            assertThat(ok.code()).as(ok.out() + ok.err()).isZero();
            assertThat(ok.out()).doesNotContain("deployed object").containsPattern("pipeline run manual__\\S+: success");
            assertThat(one(w, "SELECT string_agg(day::text, ',') FROM cdm.notes")).isEqualTo("2022-10-02");
            assertThat(one(w, "SELECT count(*) FROM strata.task_runs b JOIN strata.task_runs c ON c.node = 'catalogue' "
                    + "WHERE b.node = 'backup' AND b.state = 'success' AND b.started_at >= c.finished_at")).isEqualTo("1");
            List<Path> scheduled;
            try (Stream<Path> files = Files.list(dir.resolve("backups"))) {
                scheduled = files.toList();
            }
            assertThat(scheduled).singleElement().satisfies(p -> assertThat(p.getFileName().toString())
                    .matches("cdm-\\d{4}-\\d{2}-\\d{2}-\\d{2}-\\d{2}-\\d{2}\\.sql\\.gz"));

            // strata backup, then restore into an empty database: every table checked
            Run backup = strata("backup", dir.toString(), "--layers", "cdm,strata", "--to", elsewhere.toString());
            assertThat(backup.code()).as(backup.err()).isZero();
            Matcher files = Pattern.compile("(\\S+(cdm|strata)-\\S+\\.sql\\.gz)").matcher(backup.out());
            List<String> written = files.results().map(m -> m.group(1)).toList();
            assertThat(written).hasSize(2);
            // progress on the error stream, a line per table: [done/total], the table, its rows
            List<String> backedUp = Pattern.compile("\\[(\\d+)/(\\d+)\\] backed up (\\S+): ([\\d,]+) rows").matcher(backup.err())
                    .results().map(m -> m.group(1) + "/" + m.group(2) + " " + m.group(3) + " " + m.group(4)).toList();
            assertThat(backedUp).hasSizeGreaterThan(2).anyMatch(l -> l.matches("\\d+/" + backedUp.size() + " cdm\\.daily 1"))
                    .last().asString().startsWith(backedUp.size() + "/" + backedUp.size() + " strata.");
            String target = TestServers.newDatabaseUrl();
            Run restore = strata("restore", written.get(0), written.get(1), "--into", target);
            assertThat(restore.code()).as(restore.out() + restore.err()).isZero();
            assertThat(restore.out()).containsPattern("cdm\\.daily\\s+backup\\s+1 rows, checksum [0-9a-f]{16}\\s+restored 1 rows, "
                    + "checksum [0-9a-f]{16}\\s+ok").contains("every row count and checksum equals the backup's");
            assertThat(restore.err()).contains("restored cdm.daily: 1 rows")
                    .contains("[" + backedUp.size() + "/" + backedUp.size() + "] restored strata.");
            assertThat(restore.out()).as("one check line per table backed up").contains("restored " + backedUp.size() + " table(s)");
            try (Warehouse restored = Warehouse.connect(target, "postgres", Secret.empty(), 2)) {
                assertThat(one(restored, "SELECT count(*) FROM strata.pipeline_runs WHERE pipeline = 'ops_cli'")).isEqualTo("2");
                assertThat(one(restored, "SELECT day FROM cdm.daily")).isEqualTo("2022-10-02");
            }
            Run again = strata("restore", written.get(0), "--into", target);
            assertThat(again.code()).isEqualTo(2);
            assertThat(again.err()).contains("already holds");
        }
    }
}
