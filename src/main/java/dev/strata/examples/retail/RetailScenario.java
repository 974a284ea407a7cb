package dev.strata.examples.retail;

import dev.strata.backup.BackupRunner;
import dev.strata.backup.Restore;
import dev.strata.config.JdbcSourceSpec;
import dev.strata.examples.Checks;
import dev.strata.examples.DemoPipeline;
import dev.strata.examples.DemoStage;
import dev.strata.examples.Scenario;
import dev.strata.runtime.Environment;
import dev.strata.schedule.Backfill;
import dev.strata.schedule.Pipeline;
import dev.strata.schedule.Scheduler;
import dev.strata.schedule.TaskState;
import dev.strata.warehouse.Backups;
import dev.strata.warehouse.Warehouse;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * {@code strata demo retail}: scenario 004 end to end. Fills the embedded sales database with the
 * seed's fixture, backfills 2022 (one run per day: the three incremental sources, the vault, the
 * star schema and marts, the routine catalogue; a backup after the year's last day) and checks the
 * fixture's exact numbers (acceptance 1–5); re-runs a day and the whole year and compares every
 * table's checksum (6); exercises the routine catalogue (9–11), the run log (12) and a backup with
 * restore and retention (13). Then the scale data (§4): more customers, products and 50,000 sales
 * dated the first week of 2023, backfilled; then 5 % of the customers and products changed with a later
 * modify_date, backfilled — SCD1 dims over SCD2 history (7) and every fact partition (8) checked
 * against what Java computes from the rows it put in; and one scheduled run.
 */
public final class RetailScenario implements Scenario {
    static final long SEED = 4;
    static final LocalDate FIRST = LocalDate.parse("2022-01-01");
    static final LocalDate LAST = LocalDate.parse("2022-12-31");
    static final LocalDate RERUN = LocalDate.parse("2022-08-14");
    /** The schedule's time of day: 02:00 UTC, for the previous day (offset -26h). */
    static final Duration RUN_HOUR = Duration.ofHours(2);
    /** Tables that change on every run by design: the run log's mirror. */
    static final List<String> RUN_TABLES = List.of("cdm.etl_run_log");

    private final RetailData.Scale scale;
    private int workers = 2;
    /** Schedule points of every backfill run so far (each is one pipeline run of trigger backfill). */
    private long backfillDays;
    private PrintWriter out;
    private RetailDatabase database;
    private final Checks checks = new Checks();

    private final boolean rerunYear;

    /** {@code rerunYear}: acceptance 6 re-runs the whole year (the demo), else December only (tests). */
    public RetailScenario(RetailData.Scale scale, boolean rerunYear) {
        this.scale = scale;
        this.rerunYear = rerunYear;
    }

    /** The schedule point that processes {@code day}: 02:00 UTC of the next day. */
    static Instant pointOf(LocalDate day) {
        return day.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant().plus(RUN_HOUR);
    }

    @Override
    public void generate(DemoStage stage) throws Exception {
        out = stage.out();
        workers = stage.options().workers();
        RetailData.Rows f = RetailData.fixture();
        RetailData.Rows s = RetailData.scale(scale, SEED);
        RetailData.Rows c = RetailData.changes(scale, SEED);
        Path manifest = stage.workDir().resolve("generator").resolve("manifest.txt");
        Files.createDirectories(manifest.getParent());
        Files.writeString(manifest, String.format("seed %d%nfixture: %d customers, %d products, %d sales (scenario 004 §4)%n"
                        + "scale: %d customers, %d products, %d sales dated %s .. %s%nchanges: %d customers, %d products dated "
                        + "%s .. %s%n", SEED, f.customers().size(), f.products().size(), f.sales().size(), s.customers().size(),
                s.products().size(), s.sales().size(), scale.from(), scale.to(), c.customers().size(), c.products().size(),
                scale.changesFrom(), scale.last()));
        out.printf("generated the fixture (%d customers, %d products, %d sales) and the scale data (seed %d: %,d customers, "
                        + "%,d products, %,d sales, then %d + %d changed)%n  manifest : %s%n", f.customers().size(),
                f.products().size(), f.sales().size(), SEED, s.customers().size(), s.products().size(), s.sales().size(),
                c.customers().size(), c.products().size(), manifest);
        out.flush();
    }

    @Override
    public String prepare(DemoStage stage) throws Exception {
        database = new RetailDatabase((JdbcSourceSpec) stage.project().sources().get("customers").spec());
        database.insert(RetailData.fixture());
        return "the sales database with the seed's fixture " + database.counts();
    }

    @Override
    public String consoleHint() {
        return "  (Dashboards: Retail sales)";
    }

    @Override
    public boolean run(DemoStage stage, DemoPipeline p) throws Exception {
        long t0 = System.nanoTime();
        Warehouse w = p.warehouse();
        RetailVerifier v = new RetailVerifier(w);
        Path project = stage.project().directory();

        out.printf("backfill %s .. %s (daily at 02:00 for the day before: 3 sources, 7 vault tables, 6 marts, the "
                + "catalogue; the backup after the last day) ...%n", FIRST, LAST);
        out.flush();
        Backfill.Result year = p.backfill(pointOf(FIRST), pointOf(LAST));
        backfillDays += days(FIRST, LAST);
        report("backfill", year);
        checks.check("1-5", year.ok(), String.format("the year in one command: %,d task runs in dependency order, %d failed",
                year.runs().size(), year.count(TaskState.FAILED)));
        if (!year.ok()) {
            return finish(t0);
        }
        RetailTruth fixture = new RetailTruth(List.of(RetailData.fixture()), List.of());
        v.dims(fixture, checks, "1", "fixture");
        v.facts(fixture, checks, "2", "fixture");
        v.marts(fixture, checks, "fixture");

        // 6: a day again, then the whole year again: every table as it was
        List<String> layers = List.of("stg", "dds", "cdm");
        Map<String, String> before = v.checksums(layers, RUN_TABLES);
        Backfill.Result day = rerun(p, w, RERUN, RERUN, Optional.empty());
        Map<String, String> afterDay = v.checksums(layers, RUN_TABLES);
        LocalDate rerunFrom = rerunYear ? FIRST : LAST.withDayOfMonth(1);
        Backfill.Result again = rerun(p, w, rerunFrom, LAST, Optional.of(withoutBackup(p.pipeline())));
        Map<String, String> afterYear = v.checksums(layers, RUN_TABLES);
        List<String> moved = new ArrayList<>(RetailVerifier.differences(before, afterDay));
        moved.addAll(RetailVerifier.differences(before, afterYear));
        if (!day.ok() || !again.ok()) {
            moved.add("a re-run failed: " + day.failed() + again.failed());
        }
        checks.check("6", moved, String.format("%s re-run (%d task runs) and %s re-run (%,d task runs, %.1f s): "
                        + "all %d tables of stg, dds and cdm have the same rows and checksums", RERUN, day.runs().size(),
                rerunYear ? "the whole year" : rerunFrom + " .. " + LAST, again.runs().size(), again.elapsed().toMillis() / 1e3, before.size()));

        new RetailRoutines(v, project.resolve("objects/02_most_popular_product.sql")).check(checks);
        runLog(p, w, v, checks);
        backups(stage, w, v, project);

        // the scale data (§4): the first week of 2023, then 5 % of the dims changed a few days later
        RetailData.Rows scaleRows = RetailData.scale(scale, SEED);
        RetailData.Rows changes = RetailData.changes(scale, SEED);
        database.insert(scaleRows);
        out.printf("added the scale data to the sales database: %,d customers, %,d products, %,d sales dated %s .. %s; "
                        + "backfill ...%n", scaleRows.customers().size(), scaleRows.products().size(), scaleRows.sales().size(),
                scale.from(), scale.to());
        out.flush();
        Backfill.Result scaled = rerun(p, w, scale.from(), scale.to(), Optional.empty());
        report("backfill", scaled);
        Map<Integer, String> oldCountry = new TreeMap<>();
        RetailData.all(scale, SEED).customers().forEach(c -> oldCountry.put(c.id(), c.country()));
        database.update(changes);
        out.printf("changed %d customers (country) and %d products (group) with modify_date %s .. %s; backfill ...%n",
                changes.customers().size(), changes.products().size(), scale.changesFrom(), scale.last());
        out.flush();
        Backfill.Result changed = rerun(p, w, scale.changesFrom(), scale.last(), Optional.empty());
        report("backfill", changed);
        RetailTruth all = new RetailTruth(List.of(RetailData.fixture(), scaleRows), List.of(changes));
        checks.check("7-8", scaled.ok() && changed.ok(), String.format("the scale data and its changes backfilled: "
                + "%,d + %,d task runs, none failed", scaled.runs().size(), changed.runs().size()));
        v.dims(all, checks, "7", "with the scale data and its changes");
        List<String> history = new ArrayList<>();
        for (RetailData.Customer c : changes.customers()) {
            List<List<String>> versions = v.rows("SELECT s.country, cast(s.load_dt at time zone 'UTC' as date) FROM "
                    + "dds.sat_customer s JOIN dds.hub_customer h ON h.hub_customer_hk = s.hub_customer_hk WHERE h.id = "
                    + c.id() + " ORDER BY s.load_dt");
            List<List<String>> expected = List.of(List.of(oldCountry.get(c.id()), originalDate(c.id(), scaleRows).toString()),
                    List.of(c.country(), c.modifyDate().toString()));
            if (!versions.equals(expected)) {
                history.add("customer " + c.id() + ": " + versions + ", expected " + expected);
            }
        }
        checks.check("7", history, String.format("each of the %d changed customers has 2 versions in dds.sat_customer "
                + "(old country at its first modify_date, new country at the later one)", changes.customers().size()));
        v.marts(all, checks, "with the scale data");
        v.facts(all, checks, "8", "with the scale data");

        scheduled(p, w, v, checks, scale.last().plusDays(1));
        return finish(t0);
    }

    private LocalDate originalDate(int customer, RetailData.Rows scaleRows) {
        return Stream.concat(RetailData.fixture().customers().stream(), scaleRows.customers().stream())
                .filter(c -> c.id() == customer).findFirst().orElseThrow().modifyDate();
    }

    private boolean finish(long t0) {
        checks.print(out);
        out.printf("retail: %d checks, %s, %.1f s from the first backfill%n", checks.all().size(),
                checks.ok() ? "all hold" : checks.all().stream().filter(c -> !c.ok()).count() + " FAILED",
                (System.nanoTime() - t0) / 1e9);
        out.flush();
        return checks.ok();
    }

    private void report(String what, Backfill.Result r) {
        out.printf("%s: %,d task runs, %,d succeeded, %d failed, %d not run, in %.1f s%n", what, r.runs().size(),
                r.count(TaskState.SUCCESS), r.count(TaskState.FAILED), r.notRun().size(), r.elapsed().toMillis() / 1e3);
        r.failed().stream().limit(5).forEach(x -> out.println("  failed: " + x.node() + " " + x.logicalDate() + ": " + x.error()));
        out.flush();
    }

    /** Every scheduled node but the backup (a re-run of past days need not back each of them up again). */
    static String withoutBackup(Pipeline p) {
        return String.join(",", Backfill.nodes(p, Optional.empty()).stream().filter(n -> !n.equals("backup")).toList());
    }

    private static long days(LocalDate from, LocalDate to) {
        return to.toEpochDay() - from.toEpochDay() + 1;
    }

    /** A backfill of {@code [from, to]} (days) with re-run, as {@code strata backfill --rerun} does. */
    private Backfill.Result rerun(DemoPipeline p, Warehouse w, LocalDate from, LocalDate to, Optional<String> select)
            throws Exception {
        Backfill.Options o = Backfill.Options.of(pointOf(from), pointOf(to)).withRerun(true).withParallel(workers);
        backfillDays += days(from, to);
        if (select.isPresent()) {
            o = o.withSelect(select.get());
        }
        return new Backfill(p.pipeline(), w, Environment.defaultWorkerId(), Clock.systemUTC()).run(o, Backfill.Progress.NONE);
    }

    /** 12: backfill runs logged; a manual run, a failing manual run, each one row, mirrored into cdm.etl_run_log. */
    private void runLog(DemoPipeline p, Warehouse w, RetailVerifier v, Checks checks) throws Exception {
        long backfills = v.count("SELECT count(*) FROM strata.pipeline_runs WHERE trigger_type = 'backfill' AND status = 'success'");
        long days = v.count("SELECT count(DISTINCT logical_date) FROM strata.pipeline_runs WHERE trigger_type = 'backfill'");
        Backfill manual = new Backfill(p.pipeline(), w, "demo", Clock.systemUTC()).asManualTrigger();
        Backfill.Result ok = manual.run(Backfill.Options.of(pointOf(LAST), pointOf(LAST)).withRerun(true)
                .withSelect(withoutBackup(p.pipeline())), Backfill.Progress.NONE);
        database.rename("sales", "sales_moved");
        Backfill failing = new Backfill(p.pipeline(), w, "demo", Clock.systemUTC()).asManualTrigger();
        Backfill.Result failed;
        try {
            failed = failing.run(Backfill.Options.of(pointOf(LAST), pointOf(LAST)).withRerun(true)
                    .withSelect(withoutBackup(p.pipeline())), Backfill.Progress.NONE);
        } finally {
            database.rename("sales_moved", "sales");
        }
        // the table back: the day triggered once more, as an operator would after the fix
        Backfill fix = new Backfill(p.pipeline(), w, "demo", Clock.systemUTC()).asManualTrigger();
        Backfill.Result fixed = fix.run(Backfill.Options.of(pointOf(LAST), pointOf(LAST)).withRerun(true)
                .withSelect(withoutBackup(p.pipeline())), Backfill.Progress.NONE);
        List<String> diffs = new ArrayList<>();
        long notSuccess = v.count("SELECT count(*) FROM strata.pipeline_runs WHERE trigger_type = 'backfill' AND status <> 'success'");
        if (backfills != backfillDays || days != 365 || notSuccess != 0) {
            diffs.add(backfills + " successful backfill runs (" + notSuccess + " not) over " + days + " dates, expected "
                    + backfillDays + " (one per day of each backfill) over the 365 days of " + FIRST.getYear());
        }
        List<List<String>> manualRuns = v.rows("SELECT status, coalesce(failed_task, ''), coalesce(error_message, '') "
                + "FROM strata.pipeline_runs WHERE trigger_type = 'manual' ORDER BY started_at");
        if (!ok.ok() || failed.ok() || !fixed.ok() || manualRuns.size() != 3 || !manualRuns.get(0).get(0).equals("success")
                || !manualRuns.get(1).get(0).equals("failed") || !manualRuns.get(1).get(1).equals("sales")
                || !manualRuns.get(1).get(2).contains("sales") || !manualRuns.get(2).get(0).equals("success")) {
            diffs.add("manual runs: " + manualRuns + " (expected a success, a failure at task sales naming the table, a success)");
        }
        // the mirror: every finished run once (it is written when the run ends)
        long finished = v.count("SELECT count(*) FROM strata.pipeline_runs WHERE status <> 'running'");
        long mirrored = v.count("SELECT count(*) FROM cdm.etl_run_log m JOIN strata.pipeline_runs r ON r.run_id = m.run_id "
                + "AND r.status = m.status AND r.trigger_type = m.trigger_type");
        long rows = v.count("SELECT count(*) FROM cdm.etl_run_log");
        if (mirrored != finished || rows != finished) {
            diffs.add("cdm.etl_run_log has " + rows + " rows (" + mirrored + " matching), strata.pipeline_runs " + finished
                    + " finished runs");
        }
        String error = manualRuns.size() > 1 ? manualRuns.get(1).get(2).lines().findFirst().orElse("") : "";
        checks.check("12", diffs, String.format("run log: %d backfill runs (one per day, each success), a manual run "
                + "(success), a failing one (the source table renamed: failed_task 'sales', \"%s\") and the one after the "
                + "fix (success), each one row of strata.pipeline_runs and of cdm.etl_run_log (%d rows)", backfills, error.length() > 80
                ? error.substring(0, 80) + "..." : error, rows));
    }

    /** 12, the scheduled trigger: the scheduler of {@code strata run}, its clock at 02:00:05 the day after {@code day}. */
    private void scheduled(DemoPipeline p, Warehouse w, RetailVerifier v, Checks checks, LocalDate day) throws Exception {
        Instant due = pointOf(day).plusSeconds(5);
        Clock clock = Clock.offset(Clock.systemUTC(), Duration.between(Instant.now(), due));
        long before = v.count("SELECT count(*) FROM strata.pipeline_runs WHERE trigger_type = 'scheduled'");
        try (Scheduler s = new Scheduler(p.pipeline(), w, "demo-scheduler", clock, Scheduler.Options.defaults())) {
            s.start();
            long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
            while (System.nanoTime() < deadline && v.count("SELECT count(*) FROM strata.pipeline_runs WHERE trigger_type = "
                    + "'scheduled' AND status <> 'running'") == before) {
                Thread.sleep(200);
            }
        }
        List<List<String>> runs = v.rows("SELECT status, to_char(logical_date at time zone 'UTC', 'YYYY-MM-DD HH24:MI'), "
                + "task_count FROM strata.pipeline_runs WHERE trigger_type = 'scheduled' ORDER BY started_at");
        long mirrored = v.count("SELECT count(*) FROM cdm.etl_run_log WHERE trigger_type = 'scheduled' AND status = 'success'");
        checks.check("12", runs.size() == before + 1 && runs.get(runs.size() - 1).get(0).equals("success") && mirrored == runs.size(),
                "run log: the scheduler's run at " + (runs.isEmpty() ? "-" : runs.get(runs.size() - 1).get(1)) + " (for " + day
                        + ") is one 'scheduled' row, success, with " + (runs.isEmpty() ? 0 : runs.get(runs.size() - 1).get(2))
                        + " task runs, mirrored into cdm.etl_run_log");
    }

    /** 13: the scheduled backup, then one taken now with a retention: file names, restore into empty databases, retention. */
    private void backups(DemoStage stage, Warehouse w, RetailVerifier v, Path project) throws Exception {
        Path dir = project.resolve("backups");
        List<String> diffs = new ArrayList<>();
        String pattern = "(stg|dds|cdm|strata)-\\d{4}-\\d{2}-\\d{2}-\\d{2}-\\d{2}-\\d{2}\\.sql\\.gz";
        List<String> scheduledFiles = list(dir);
        if (scheduledFiles.size() != 4 || !scheduledFiles.stream().allMatch(n -> n.matches(pattern))) {
            diffs.add("the backup node of " + LAST + " wrote " + scheduledFiles + ", expected 4 files named " + pattern);
        }
        // files as an older backup left them: 8 days old (to be deleted) and 2 days old (kept)
        Instant now = Instant.now();
        String old = "cdm-" + BackupRunner.STAMP.format(now.minus(Duration.ofDays(8))) + ".sql.gz";
        String recent = "cdm-" + BackupRunner.STAMP.format(now.minus(Duration.ofDays(2))) + ".sql.gz";
        Files.copy(dir.resolve(scheduledFiles.stream().filter(n -> n.startsWith("cdm-")).findFirst().orElseThrow()), dir.resolve(old));
        Files.copy(dir.resolve(old), dir.resolve(recent));
        Thread.sleep(1_100); // a backup's names have one-second resolution
        BackupRunner.Result r = BackupRunner.backup(w, stage.project(), new BackupRunner.Options(dir,
                List.of("stg", "dds", "cdm", "strata"), Optional.of(Duration.ofDays(7))), Clock.systemUTC());
        if (Files.exists(dir.resolve(old)) || !Files.exists(dir.resolve(recent)) || !r.deleted().contains(dir.resolve(old))) {
            diffs.add("retention 7d: deleted " + r.deleted() + "; " + old + (Files.exists(dir.resolve(old)) ? " still there" : " gone")
                    + ", " + recent + (Files.exists(dir.resolve(recent)) ? " kept" : " deleted"));
        }
        int tables = 0;
        int restored = 0;
        long rows = 0;
        String database = "retail_restore_" + Long.toString(System.currentTimeMillis(), 36);
        v.execute("CREATE DATABASE " + database);
        try (Warehouse target = w.otherDatabase(database, 2)) {
            List<Backups.TableCheck> result = Restore.restore(target, r.files().stream().map(BackupRunner.BackupFile::path).toList());
            for (Backups.TableCheck c : result) {
                tables++;
                if (c.matches()) {
                    restored++;
                    rows += c.restored().rows();
                } else {
                    diffs.add("restored " + c.expected().schema() + "." + c.expected().table() + ": " + c.restored()
                            + ", backed up " + c.expected());
                }
            }
        } finally {
            v.execute("DROP DATABASE IF EXISTS " + database);
        }
        Set<String> layers = new HashSet<>();
        r.files().forEach(f -> layers.add(f.path().getFileName().toString().split("-")[0]));
        if (!layers.equals(Set.of("stg", "dds", "cdm", "strata"))) {
            diffs.add("backed up " + layers);
        }
        checks.check("13", diffs, String.format("backups: the scheduled node wrote %d files (%s, ...), named <layer>-"
                        + "YYYY-MM-DD-HH-MM-SS.sql.gz while the warehouse ran; a backup with --retention 7d deleted the "
                        + "8-day-old file and kept the 2-day-old one; its %d files restored into an empty database: %d of %d "
                        + "tables with equal row counts and checksums (%,d rows)", scheduledFiles.size(),
                scheduledFiles.isEmpty() ? "-" : scheduledFiles.get(0), r.files().size(), restored, tables, rows));
    }

    private static List<String> list(Path dir) throws Exception {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(x -> x.getFileName().toString()).sorted().toList();
        }
    }

    /** What the verification found (for tests). */
    public Checks checks() {
        return checks;
    }
}
