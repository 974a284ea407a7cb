package dev.strata.cli;

import dev.strata.ErrorCode;
import dev.strata.StrataException;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code strata} command. Only {@link #main} calls {@code System.exit}. */
@Command(name = "strata",
        mixinStandardHelpOptions = true,
        scope = CommandLine.ScopeType.INHERIT, // so --help (and --version) work on every subcommand too
        versionProvider = StrataVersion.class,
        description = "Builds and runs a layered data warehouse (STG, Data Vault, marts) from streams and databases.",
        subcommands = {
                ValidateCommand.class,
                PlanCommand.class,
                RunCommand.class,
                BackfillCommand.class,
                TriggerCommand.class,
                VaultCommand.class,
                StatusCommand.class,
                TestCommand.class,
                DeadLettersCommand.class,
                BackupCommand.class,
                RestoreCommand.class,
                ProduceCommand.class,
                DemoCommand.class,
                InitCommand.class,
                BenchCommand.class,
                CommandLine.HelpCommand.class
        })
public final class Main extends CommandGroup {

    public static void main(String[] args) {
        System.exit(execute(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args));
    }

    /** Runs a command line with the given output writers and returns its exit code; tests call this. */
    public static int execute(PrintWriter out, PrintWriter err, String... args) {
        CommandLine cli = new CommandLine(new Main());
        cli.setOut(out);
        cli.setErr(err);
        cli.setExecutionExceptionHandler((ex, cmd, parseResult) -> {
            if (ex instanceof StrataException se) {
                cmd.getErr().println(prefix(se.code()) + se.getMessage());
                return se.code().exitCode();
            }
            cmd.getErr().println("error: unexpected failure, this is a bug in Strata:");
            ex.printStackTrace(cmd.getErr());
            return ErrorCode.INTERNAL.exitCode();
        });
        return cli.execute(args);
    }

    private static String prefix(ErrorCode code) {
        return code == ErrorCode.CONFIG ? "" : "error: ";
    }
}
