package dev.strata.cli;

import dev.strata.config.ProjectConfig;
import dev.strata.schedule.Pipeline;
import dev.strata.warehouse.Warehouses;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code strata validate [dir]}: checks a project and reports every problem, without connecting anywhere. */
@Command(name = "validate", description = "Check a project's configuration and report every problem found.")
final class ValidateCommand implements Callable<Integer> {
    @Mixin
    ProjectDir project;
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        ProjectConfig config = project.load();
        // builds the graph too: unknown ref()s, cycles and template errors are reported with file:line
        Pipeline pipeline = Pipeline.load(config, Warehouses.forConfig(config.warehouse()));
        int marts = pipeline.marts().marts().size();
        spec.commandLine().getOut().println("ok: project '" + config.name() + "' (" + config.sources().size()
                + " source" + (config.sources().size() == 1 ? "" : "s")
                + (marts == 0 ? "" : ", " + marts + " mart" + (marts == 1 ? "" : "s")) + ")");
        return 0;
    }
}
