package dev.strata.cli;

import dev.strata.ErrorCode;
import dev.strata.StrataException;
import dev.strata.config.ProjectConfig;
import dev.strata.vault.VaultLoader;
import dev.strata.vault.VaultRejects;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code strata vault rejects list|show|reload}: the STG rows vault targets set aside because a
 * value fails its declared type, and loading them again once the row or the declaration is fixed.
 */
@Command(name = "rejects", description = "Inspect STG rows vault targets rejected (a value their type refuses), and reload them.",
        subcommands = {VaultRejectsCommand.ListRejects.class, VaultRejectsCommand.Show.class, VaultRejectsCommand.Reload.class})
final class VaultRejectsCommand extends CommandGroup {

    /** {@code strata vault rejects list [dir] [--target t] [--all] [--limit n]}. */
    @Command(name = "list", description = "List rejected rows not yet reloaded (--all: reloaded ones too), oldest first.")
    static final class ListRejects implements Callable<Integer> {
        @Mixin
        ProjectDir project;
        @Mixin
        DataDirOption dataDir;
        @Option(names = "--target", paramLabel = "name", description = "Only this hub, link or satellite.")
        String target;
        @Option(names = "--all", description = "Include rows already reloaded.")
        boolean all;
        @Option(names = "--limit", paramLabel = "n", defaultValue = "100", description = "At most this many (default: ${DEFAULT-VALUE}).")
        int limit;
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            ProjectConfig config = project.load();
            PrintWriter out = spec.commandLine().getOut();
            try (ProjectWarehouse pw = ProjectWarehouse.open(config, dataDir.get(), 2)) {
                List<VaultRejects.Reject> list = new VaultRejects(pw.warehouse(), config.name())
                        .list(Optional.ofNullable(target), all, limit);
                if (list.isEmpty()) {
                    out.println("no " + (all ? "" : "pending ") + "vault rejects in pipeline '" + config.name() + "'"
                            + (target == null ? "" : " for target '" + target + "'"));
                    return 0;
                }
                out.printf("%-8s %-20s %-22s %-18s %-20s %s%n", "ID", "TARGET", "STG ROW", "COLUMN", "REJECTED", "VALUE / STATE");
                for (VaultRejects.Reject r : list) {
                    out.printf("%-8d %-20s %-22s %-18s %-20s %s%n", r.id(), r.target(), r.stgTable() + " #" + r.stgSeq(),
                            r.column(), time(r.rejectedAt()), (r.value() == null ? "NULL" : "'" + TerminalText.of(r.value(), false, 57) + "'")
                                    + " is not a " + r.type() + r.reloadedAt().map(t -> " [reloaded " + time(t) + "]").orElse(""));
                }
                out.println(list.size() + " reject(s) shown" + (list.size() == limit ? " (--limit reached)" : "")
                        + "; `strata vault rejects show <id>` prints one with its STG row, `strata vault rejects reload` "
                        + "loads them once fixed");
            }
            return 0;
        }
    }

    /** {@code strata vault rejects show <id> [dir]}: one entry with the STG row as landed. */
    @Command(name = "show", description = "Print one rejected row: why, and the STG row as landed.")
    static final class Show implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "id", description = "The reject's id (from `list`).")
        long id;
        @Parameters(index = "1", arity = "0..1", paramLabel = "dir", defaultValue = ".",
                description = "The project folder holding strata.yaml (default: the current directory).")
        Path dir;
        @Mixin
        DataDirOption dataDir;
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            ProjectConfig config = dev.strata.config.ProjectLoader.withSystemEnv().load(dir);
            PrintWriter out = spec.commandLine().getOut();
            try (ProjectWarehouse pw = ProjectWarehouse.open(config, dataDir.get(), 2)) {
                VaultRejects rejects = new VaultRejects(pw.warehouse(), config.name());
                VaultRejects.Reject r = rejects.find(id).orElseThrow(() -> new StrataException(ErrorCode.USAGE,
                        "no vault reject " + id + " in pipeline '" + config.name() + "'"));
                out.println("id:         " + r.id());
                out.println("target:     " + r.target());
                out.println("row:        " + r.stgTable() + " _seq " + r.stgSeq());
                out.println("column:     " + r.column() + " = " + r.expression() + " (" + r.type() + ")");
                out.println("value:      " + (r.value() == null ? "NULL" : "'" + TerminalText.line(r.value()) + "'"));
                out.println("reason:     " + TerminalText.line(r.reason()));
                out.println("rejected:   " + r.rejectedAt());
                out.println("state:      " + r.reloadedAt().map(t -> "reloaded at " + t).orElse("pending"));
                Optional<VaultRejects.StgRow> row = rejects.stgRow(r);
                if (row.isEmpty()) {
                    out.println("stg row:    gone (the STG table no longer has _seq " + r.stgSeq() + ")");
                } else {
                    VaultRejects.StgRow s = row.get();
                    out.println("stg row:    key " + (s.key() == null ? "NULL" : TerminalText.line(s.key())) + ", partition "
                            + s.partition() + ", offset " + s.offset());
                    out.println(TerminalText.of(s.payload(), true, Integer.MAX_VALUE));
                }
            }
            return 0;
        }
    }

    /** {@code strata vault rejects reload [dir] (--id n... | --all) [--target t]}. */
    @Command(name = "reload", description = "Load rejected rows again (after fixing the STG row or the declaration): the "
            + "rows of the given rejects (--id), or every pending one (--all, optionally of one --target). Rows whose "
            + "values still fail stay pending. A reloaded satellite row older than its parent's newest row is late and "
            + "does not change the satellite (docs/vault.md).")
    static final class Reload implements Callable<Integer> {
        @Mixin
        ProjectDir project;
        @Mixin
        DataDirOption dataDir;
        @ArgGroup(multiplicity = "1")
        Which which;
        @Option(names = "--target", paramLabel = "name", description = "With --all: only this hub, link or satellite.")
        String target;
        @Spec
        CommandSpec spec;

        static final class Which {
            @Option(names = "--id", paramLabel = "n", split = ",", required = true, description = "Reload these rejects' rows.")
            List<Long> ids;
            @Option(names = "--all", required = true, description = "Reload every pending reject.")
            boolean all;
        }

        @Override
        public Integer call() {
            if (target != null && which.ids != null) {
                throw new StrataException(ErrorCode.USAGE, "--target goes with --all");
            }
            ProjectConfig config = project.load();
            PrintWriter out = spec.commandLine().getOut();
            try (ProjectWarehouse pw = ProjectWarehouse.open(config, dataDir.get(), 2)) {
                VaultRejects rejects = new VaultRejects(pw.warehouse(), config.name());
                VaultLoader loader = new VaultLoader(pw.warehouse(), config.name(), config.vault());
                Map<String, Optional<java.util.Collection<Long>>> work = new LinkedHashMap<>();
                if (which.ids != null) {
                    Map<String, List<Long>> byTarget = new LinkedHashMap<>();
                    for (long id : which.ids) {
                        VaultRejects.Reject r = rejects.find(id).orElseThrow(() -> new StrataException(ErrorCode.USAGE,
                                "no vault reject " + id + " in pipeline '" + config.name() + "'"));
                        byTarget.computeIfAbsent(r.target(), t -> new ArrayList<>()).add(id);
                    }
                    byTarget.forEach((t, ids) -> work.put(t, Optional.of(ids)));
                } else {
                    rejects.pending().keySet().stream().filter(t -> target == null || t.equals(target))
                            .forEach(t -> work.put(t, Optional.empty()));
                }
                if (work.isEmpty()) {
                    out.println("no pending vault rejects in pipeline '" + config.name() + "'"
                            + (target == null ? "" : " for target '" + target + "'"));
                    return 0;
                }
                long still = 0;
                for (Map.Entry<String, Optional<java.util.Collection<Long>>> w : work.entrySet()) {
                    VaultLoader.Reload r = loader.reloadRejected(w.getKey(), w.getValue());
                    still += r.stillRejected();
                    out.printf("%-24s %d row(s) loaded again, %d still rejected, %,d row(s) inserted%n", r.target(),
                            r.reloaded(), r.stillRejected(), r.rows());
                }
                if (still > 0) {
                    out.println(still + " row(s) still fail their types; `strata vault rejects list` says why");
                    return ErrorCode.TASK_FAILED.exitCode();
                }
                return 0;
            }
        }
    }

    private static String time(Instant t) {
        return t.toString().substring(0, 19).replace('T', ' ');
    }
}
