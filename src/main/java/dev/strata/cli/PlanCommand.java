package dev.strata.cli;

import dev.strata.config.ProjectConfig;
import dev.strata.config.SourceConfig;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code strata plan [dir]}: shows what the project would build, without connecting anywhere. */
@Command(name = "plan", description = "Show the nodes, tables and SQL a project would build, without running anything.")
final class PlanCommand implements Callable<Integer> {
    @Mixin
    ProjectDir project;
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        ProjectConfig config = project.load();
        PrintWriter out = spec.commandLine().getOut();
        out.println("project " + config.name());
        out.println("warehouse " + config.warehouse().redactedUrl());
        out.println();
        out.println("sources:");
        for (SourceConfig s : config.sourcesInOrder()) {
            out.println("  " + s.name() + " (" + s.spec().kind() + ") -> stg." + s.name());
        }
        return 0;
    }
}
