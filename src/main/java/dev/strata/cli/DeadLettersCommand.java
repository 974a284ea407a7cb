package dev.strata.cli;

import dev.strata.ErrorCode;
import dev.strata.StrataException;
import dev.strata.config.ProjectConfig;
import dev.strata.ingest.DeadLetters;
import dev.strata.runtime.Environment;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code strata dead-letters list|show|replay}: inspect records that could not land, and land them again. */
@Command(name = "dead-letters", description = "Inspect records that could not land, and replay them.",
        subcommands = {DeadLettersCommand.ListLetters.class, DeadLettersCommand.Show.class, DeadLettersCommand.Replay.class})
final class DeadLettersCommand extends CommandGroup {

    /** {@code strata dead-letters list [dir] [--source s] [--all] [--limit n]}. */
    @Command(name = "list", description = "List dead letters not yet replayed (--all: replayed ones too), oldest first.")
    static final class ListLetters implements Callable<Integer> {
        @Mixin
        ProjectDir project;
        @Mixin
        DataDirOption dataDir;
        @Option(names = "--source", paramLabel = "name", description = "Only this source.")
        String source;
        @Option(names = "--all", description = "Include dead letters already replayed.")
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
                DeadLetters letters = new DeadLetters(config, pw.warehouse(), Environment.defaultWorkerId());
                List<DeadLetters.Letter> list = letters.list(Optional.ofNullable(source), all, limit);
                if (list.isEmpty()) {
                    out.println("no " + (all ? "" : "pending ") + "dead letters in pipeline '" + config.name() + "'"
                            + (source == null ? "" : " for source '" + source + "'") + " (" + pw.describe() + ")");
                    return 0;
                }
                out.printf("%-8s %-16s %9s %12s %9s  %-20s %s%n", "ID", "SOURCE", "PARTITION", "OFFSET", "BYTES", "CREATED", "REASON");
                for (DeadLetters.Letter l : list) {
                    out.printf("%-8d %-16s %9d %12d %9s  %-20s %s%n", l.id(), l.source(), l.partition(), l.offset(),
                            l.value() == null ? "none" : Integer.toString(l.value().length),
                            l.createdAt().toString().substring(0, 19).replace('T', ' '),
                            TerminalText.line(l.pending() ? l.reason() : "[replayed "
                                    + l.replayedAt().toString().substring(0, 19).replace('T', ' ') + ": " + l.replayNote()
                                    + "] " + l.reason()));
                    out.println("         value: " + value(l.value(), false, 120));
                }
                out.println(list.size() + " dead letter(s) shown" + (list.size() == limit ? " (--limit reached)" : "")
                        + "; `strata dead-letters show --id <id>` prints one in full, "
                        + "`strata dead-letters replay --id <id>` (or --all) lands them again");
            }
            return 0;
        }
    }

    /** {@code strata dead-letters show [dir] --id n [--save-value file]}: one letter, with its whole value. */
    @Command(name = "show", description = {"Print one dead letter with its whole raw value; bytes that could act on "
            + "the terminal (control characters, invalid UTF-8) are shown escaped (\\x1b).",
            "--save-value writes the exact value bytes to a file, to fix and replay with `replay --id n --value-file`."})
    static final class Show implements Callable<Integer> {
        @Mixin
        ProjectDir project;
        @Mixin
        DataDirOption dataDir;
        @Option(names = "--id", paramLabel = "n", description = "The dead letter's id (from `list`).")
        Long id;
        /** Only to recognise the old form {@code show <id> <dir>} and say how the id is given now. */
        @Parameters(index = "1", arity = "0..1", hidden = true)
        Path extra;
        @Option(names = "--save-value", paramLabel = "file", description = "Also write the value's exact bytes to this "
                + "new file.")
        Path saveValue;
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            if (id != null && extra != null) {
                throw new StrataException(ErrorCode.USAGE, "unexpected argument '" + extra + "': show takes one project "
                        + "folder (the id goes with --id)");
            }
            if (id == null) {
                String given = project.path().toString();
                throw new StrataException(ErrorCode.USAGE, given.matches("\\d+") && !Files.isDirectory(project.path())
                        ? "give the id with --id, as replay takes it: strata dead-letters show --id " + given + " [dir]"
                        : "give the dead letter's id with --id n (`strata dead-letters list` shows the ids)");
            }
            if (saveValue != null && Files.exists(saveValue, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                throw new StrataException(ErrorCode.USAGE, "cannot save the value to " + saveValue + ": " + saveValue
                        + " exists; choose another name or remove it");
            }
            ProjectConfig config = project.load();
            PrintWriter out = spec.commandLine().getOut();
            try (ProjectWarehouse pw = ProjectWarehouse.open(config, dataDir.get(), 2)) {
                DeadLetters.Letter l = new DeadLetters(config, pw.warehouse(), Environment.defaultWorkerId()).find(id)
                        .orElseThrow(() -> new StrataException(ErrorCode.USAGE, "no dead letter " + id + " in pipeline '"
                                + config.name() + "'"));
                out.println("id:         " + l.id());
                out.println("source:     " + l.source() + " (partition " + l.partition() + ", offset " + l.offset() + ")");
                out.println("created:    " + l.createdAt());
                out.println("reason:     " + TerminalText.line(l.reason()));
                out.println("state:      " + (l.pending() ? "pending"
                        : "replayed at " + l.replayedAt() + ": " + TerminalText.line(l.replayNote())));
                out.println("key:        " + (l.key() == null ? "none" : TerminalText.of(l.key(), false, Integer.MAX_VALUE)));
                out.println("headers:    " + (l.headers() == null ? "none" : TerminalText.line(l.headers())));
                if (l.value() == null) {
                    out.println("value:      none (a tombstone: the record has no value)");
                } else {
                    out.println("value (" + l.value().length + " bytes):");
                    out.println(value(l.value(), true, Integer.MAX_VALUE));
                }
                if (saveValue != null) {
                    save(l, out);
                }
            }
            return 0;
        }

        private void save(DeadLetters.Letter l, PrintWriter out) {
            if (l.value() == null) {
                throw new StrataException(ErrorCode.USAGE, "dead letter " + l.id() + " has no value to save (a tombstone)");
            }
            try {
                Files.write(saveValue, l.value(), java.nio.file.StandardOpenOption.CREATE_NEW);
            } catch (java.nio.file.FileAlreadyExistsException e) {
                throw new StrataException(ErrorCode.USAGE, "cannot save the value to " + saveValue + ": " + saveValue
                        + " exists; choose another name or remove it", e);
            } catch (IOException e) {
                throw new StrataException(ErrorCode.USAGE, "cannot save the value to " + saveValue + ": "
                        + InputFiles.reason(e), e);
            }
            out.println("value saved to " + saveValue + " (" + l.value().length + " bytes); after fixing it: "
                    + "strata dead-letters replay --id " + l.id() + " --value-file " + saveValue);
        }
    }

    /** {@code strata dead-letters replay [dir] (--id n [--value-file f] | --all [--source s])}. */
    @Command(name = "replay", description = "Land dead letters again through the normal landing path: one (--id, "
            + "optionally with a fixed value from --value-file) or all pending ones (--all). Each lands at most once.")
    static final class Replay implements Callable<Integer> {
        @Mixin
        ProjectDir project;
        @Mixin
        DataDirOption dataDir;
        @ArgGroup(multiplicity = "1")
        Which which;
        @Option(names = "--value-file", paramLabel = "file",
                description = "With --id: land this file's bytes instead of the recorded value (a fixed record).")
        Path valueFile;
        @Option(names = "--source", paramLabel = "name", description = "With --all: only this source.")
        String source;
        @Spec
        CommandSpec spec;

        static final class Which {
            @Option(names = "--id", paramLabel = "n", required = true, description = "Replay this dead letter.")
            Long id;
            @Option(names = "--all", required = true, description = "Replay every pending dead letter.")
            boolean all;
        }

        @Override
        public Integer call() throws IOException {
            if (valueFile != null && which.id == null) {
                throw new StrataException(ErrorCode.USAGE, "--value-file goes with --id: a fixed value is for one record");
            }
            if (source != null && which.id != null) {
                throw new StrataException(ErrorCode.USAGE, "--source goes with --all");
            }
            Optional<byte[]> fixed = valueFile == null ? Optional.empty()
                    : Optional.of(InputFiles.readAllBytes(valueFile, "the fixed value for --value-file"));
            ProjectConfig config = project.load();
            PrintWriter out = spec.commandLine().getOut();
            try (ProjectWarehouse pw = ProjectWarehouse.open(config, dataDir.get(), 2)) {
                DeadLetters letters = new DeadLetters(config, pw.warehouse(), Environment.defaultWorkerId());
                List<DeadLetters.Replay> results = which.id != null ? List.of(letters.replay(which.id, fixed))
                        : letters.replayAll(Optional.ofNullable(source));
                long failed = 0;
                for (DeadLetters.Replay r : results) {
                    out.printf("%-8d %-16s %s%n", r.id(), r.outcome().name().toLowerCase(java.util.Locale.ROOT),
                            TerminalText.line(r.message()));
                    if (r.outcome() == DeadLetters.Outcome.STILL_INVALID || r.outcome() == DeadLetters.Outcome.UNKNOWN_SOURCE) {
                        failed++;
                    }
                }
                long landed = results.stream().filter(DeadLetters.Replay::landed).count();
                out.println("replayed " + results.size() + " dead letter(s): " + landed + " landed, " + failed
                        + " still pending");
                return failed == 0 ? 0 : ErrorCode.TASK_FAILED.exitCode();
            }
        }
    }

    /** A value for the terminal: {@link TerminalText}, {@code none} for a tombstone. */
    static String value(byte[] b, boolean multiline, int max) {
        return b == null ? "none (a tombstone)" : TerminalText.of(b, multiline, max);
    }
}
