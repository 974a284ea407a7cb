package dev.strata.cli;

import dev.strata.ErrorCode;
import dev.strata.backup.Restore;
import dev.strata.config.Secret;
import dev.strata.warehouse.Backups;
import dev.strata.warehouse.Warehouse;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code strata restore FILE... --into URL}: restores backup files into an empty database and checks every table. */
@Command(name = "restore", description = "Restore backup files (from strata backup) into an empty database, in one "
        + "transaction, and print each table's row count and checksum next to the backup's; exit 1 (and restore nothing) "
        + "if any differs. The password is read from STRATA_RESTORE_PASSWORD.")
final class RestoreCommand implements Callable<Integer> {
    static final String PASSWORD_ENV = "STRATA_RESTORE_PASSWORD";
    @Parameters(arity = "1..*", paramLabel = "FILE", description = "Backup files, e.g. backups/stg-2024-05-01-02-00-00.sql.gz.")
    List<Path> files;
    @Option(names = "--into", required = true, description = "JDBC URL of the empty database to restore into.")
    String into;
    @Option(names = "--user", defaultValue = "postgres", description = "User to connect as (default postgres).")
    String user;
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        String password = System.getenv(PASSWORD_ENV);
        try (Warehouse w = Warehouse.connect(into, user, password == null ? Secret.empty() : Secret.of(password), 2)) {
            List<Backups.TableCheck> checks = Restore.restore(w, files, BackupCommand.progress(spec.commandLine().getErr(), "restored"));
            int width = checks.stream().mapToInt(c -> BackupCommand.describe(c.expected()).length()).max().orElse(10);
            long rows = 0;
            int bad = 0;
            for (Backups.TableCheck c : checks) {
                rows += c.expected().rows();
                String restored = c.restored() == null ? "missing"
                        : String.format("%,d rows, checksum %s", c.restored().rows(), c.restored().checksum());
                out.printf("  %-" + width + "s  backup %,12d rows, checksum %s   restored %s  %s%n", BackupCommand.describe(c.expected()),
                        c.expected().rows(), c.expected().checksum(), restored, c.matches() ? "ok" : "DIFFERENT");
                bad += c.matches() ? 0 : 1;
            }
            if (bad > 0) {
                spec.commandLine().getErr().println("error: " + bad + " table(s) differ from the backup; nothing was restored");
                return ErrorCode.VERIFICATION_FAILED.exitCode();
            }
            out.printf("restored %d table(s), %,d rows, into %s: every row count and checksum equals the backup's%n",
                    checks.size(), rows, w.url());
        }
        return 0;
    }
}
