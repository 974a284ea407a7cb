package dev.strata.cli;

import dev.strata.ErrorCode;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * A command that only groups subcommands ({@code strata}, {@code strata bench}, {@code strata vault},
 * {@code strata dead-letters}): run without one, it prints its usage to stderr and exits as bad usage.
 */
abstract class CommandGroup implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return ErrorCode.USAGE.exitCode();
    }
}
