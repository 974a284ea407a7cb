package dev.strata.cli;

import dev.strata.backup.BackupRunner;
import dev.strata.config.OperationsSection.BackupConfig;
import dev.strata.config.ProjectConfig;
import dev.strata.warehouse.Backups;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code strata backup [dir]}: one file per layer, from one snapshot, while the pipeline runs. */
@Command(name = "backup", description = "Back up the project's layers (one file per schema, from one consistent snapshot) "
        + "while the pipeline runs; with --retention, delete older backup files of those layers.")
final class BackupCommand implements Callable<Integer> {
    @Mixin
    ProjectDir project;
    @Mixin
    DataDirOption dataDir;
    @Option(names = "--layers", split = ",", description = "Schemas to back up, e.g. stg,dds,cdm (default: backup.layers, "
            + "or every layer of the project and strata).")
    List<String> layers;
    @Option(names = "--to", description = "Folder of the backup files (default: backup.to, or <dir>/backups).")
    Path to;
    @Option(names = "--retention", converter = DurationOption.class, description = "Delete backup files of these layers "
            + "older than this, e.g. 7d (default: backup.retention, or keep all).")
    Duration retention;
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        ProjectConfig config = project.load();
        Optional<BackupConfig> cfg = config.operations().backup();
        Path dir = to != null ? to : config.directory().resolve(cfg.map(BackupConfig::to).orElse(BackupConfig.DEFAULT_DIR));
        List<String> chosen = layers != null ? layers : cfg.map(BackupConfig::layers).orElse(List.of());
        chosen.forEach(l -> {
            if (!dev.strata.config.Identifiers.isSafe(l)) {
                throw new dev.strata.StrataException(dev.strata.ErrorCode.USAGE, "--layers: '" + l + "' is not a schema name");
            }
        });
        Optional<Duration> keep = Optional.ofNullable(retention).or(() -> cfg.flatMap(BackupConfig::retention));
        PrintWriter out = spec.commandLine().getOut();
        try (ProjectWarehouse pw = ProjectWarehouse.open(config, dataDir.get(), 2)) {
            BackupRunner.Result r = BackupRunner.backup(pw.warehouse(), config, new BackupRunner.Options(dir, chosen, keep),
                    Clock.systemUTC(), progress(spec.commandLine().getErr(), "backed up"));
            out.println("backup of " + config.name() + " (" + pw.warehouse().url() + "): " + r.files().size()
                    + " layer(s) from one snapshot");
            int width = r.files().stream().mapToInt(f -> f.path().toString().length()).max().orElse(10);
            for (BackupRunner.BackupFile f : r.files()) {
                out.printf("  %-" + width + "s  %3d tables  %,12d rows  %,12d bytes%n", f.path(), f.content().tables().size(),
                        f.content().rows(), f.bytes());
                for (String n : f.content().notIncluded()) {
                    out.println("    not included: " + n);
                }
            }
            keep.ifPresent(k -> {
                out.println("retention " + dev.strata.config.Durations.format(k) + ": " + (r.deleted().isEmpty() ? "nothing older to delete"
                        : "deleted " + r.deleted().size() + " file(s)"));
                r.deleted().forEach(p -> out.println("  deleted " + p));
            });
            out.printf("done in %.1f s; check a file with: strata restore FILE --into <empty database URL>%n",
                    r.elapsed().toMillis() / 1000.0);
        }
        return 0;
    }

    /**
     * One line per table on the error stream (standard output keeps the summary): how far a long
     * backup or restore is, the table's rows and the time since the start.
     */
    static Backups.Progress progress(PrintWriter err, String verb) {
        long t0 = System.nanoTime();
        return (table, rows, done, total) -> {
            err.printf("  [%d/%d] %s %s: %,d rows (%.1f s)%n", done, total, verb, table, rows, (System.nanoTime() - t0) / 1e9);
            err.flush();
        };
    }

    static String describe(Backups.TableSummary s) {
        return s.schema() + "." + s.table();
    }
}
