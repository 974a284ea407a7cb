package dev.strata.cli;

import dev.strata.ErrorCode;
import dev.strata.StrataException;
import dev.strata.config.ProjectConfig;
import dev.strata.ingest.DeadLetters;
import dev.strata.runtime.Environment;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
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
                            l.value() == null ? "null" : Integer.toString(l.value().length),
                            l.createdAt().toString().substring(0, 19).replace('T', ' '),
                            l.pending() ? l.reason() : "[replayed " + l.replayedAt().toString().substring(0, 19).replace('T', ' ')
                                    + ": " + l.replayNote() + "] " + l.reason());
                    out.println("         value: " + preview(l.value(), 120));
                }
                out.println(list.size() + " dead letter(s) shown" + (list.size() == limit ? " (--limit reached)" : "")
                        + "; `strata dead-letters show <id>` prints one in full, `strata dead-letters replay` lands them again");
            }
            return 0;
        }
    }

    /** {@code strata dead-letters show <id> [dir]}: one letter, with its whole value. */
    @Command(name = "show", description = "Print one dead letter with its whole raw value.")
    static final class Show implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "id", description = "The dead letter's id (from `list`).")
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
                DeadLetters.Letter l = new DeadLetters(config, pw.warehouse(), Environment.defaultWorkerId()).find(id)
                        .orElseThrow(() -> new StrataException(ErrorCode.USAGE, "no dead letter " + id + " in pipeline '"
                                + config.name() + "'"));
                out.println("id:         " + l.id());
                out.println("source:     " + l.source() + " (partition " + l.partition() + ", offset " + l.offset() + ")");
                out.println("created:    " + l.createdAt());
                out.println("reason:     " + l.reason());
                out.println("state:      " + (l.pending() ? "pending" : "replayed at " + l.replayedAt() + ": " + l.replayNote()));
                out.println("key:        " + preview(l.key(), Integer.MAX_VALUE));
                out.println("headers:    " + (l.headers() == null ? "none" : l.headers()));
                out.println("value (" + (l.value() == null ? "null" : l.value().length + " bytes") + "):");
                out.println(preview(l.value(), Integer.MAX_VALUE));
            }
            return 0;
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
            Optional<byte[]> fixed = valueFile == null ? Optional.empty() : Optional.of(Files.readAllBytes(valueFile));
            ProjectConfig config = project.load();
            PrintWriter out = spec.commandLine().getOut();
            try (ProjectWarehouse pw = ProjectWarehouse.open(config, dataDir.get(), 2)) {
                DeadLetters letters = new DeadLetters(config, pw.warehouse(), Environment.defaultWorkerId());
                List<DeadLetters.Replay> results = which.id != null ? List.of(letters.replay(which.id, fixed))
                        : letters.replayAll(Optional.ofNullable(source));
                long failed = 0;
                for (DeadLetters.Replay r : results) {
                    out.printf("%-8d %-16s %s%n", r.id(), r.outcome().name().toLowerCase(java.util.Locale.ROOT), r.message());
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

    /** UTF-8 text when the bytes are valid UTF-8, else base64; cut to {@code max} characters. */
    static String preview(byte[] b, int max) {
        if (b == null) {
            return "null (a tombstone)";
        }
        String s;
        try {
            s = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(java.nio.ByteBuffer.wrap(b)).toString();
        } catch (CharacterCodingException e) {
            s = "base64:" + Base64.getEncoder().encodeToString(b);
        }
        return s.length() <= max ? s : s.substring(0, max) + "... (" + b.length + " bytes)";
    }
}
