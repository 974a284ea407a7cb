package dev.strata.cli;

import picocli.CommandLine.Command;

/**
 * {@code strata bench <name>}: one subcommand per benchmark. Each runs its baseline and Strata on
 * the same work in one run, on embedded servers by default, and prints the ratio last.
 */
@Command(name = "bench", description = "Measure Strata against a baseline on the same work; prints the ratio last.",
        subcommands = {SchedulerBenchCommand.class, BenchVaultCommand.class, BenchLandingCommand.class,
                BenchTestsCommand.class, BenchJdbcCommand.class, BenchCdcCommand.class, BenchFreshnessCommand.class})
final class BenchCommand extends CommandGroup {
}
