package dev.strata.cli;

import dev.strata.config.ProjectConfig;
import dev.strata.marts.SqlCheck;
import dev.strata.schedule.Pipeline;
import dev.strata.warehouse.Warehouses;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code strata validate [dir]}: checks a project and reports every problem, without connecting
 * anywhere; with {@code --warehouse}, the marts' SQL is also checked against the warehouse.
 */
@Command(name = "validate", description = "Check a project's configuration and SQL and report every problem found.")
final class ValidateCommand implements Callable<Integer> {
    @Mixin
    ProjectDir project;
    @Mixin
    DataDirOption dataDir;
    @Option(names = "--warehouse", description = "Also check every mart's SQL against the project's warehouse "
            + "(unknown tables and columns), in a transaction that is rolled back.")
    boolean warehouse;
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws java.sql.SQLException {
        ProjectConfig config = project.load();
        // builds the graph too: unknown ref()s, cycles and template errors are reported with file:line
        Pipeline pipeline = Pipeline.load(config, Warehouses.forConfig(config.warehouse()));
        SqlCheck.Report report;
        if (warehouse) {
            try (ProjectWarehouse w = ProjectWarehouse.open(config, dataDir.get(), 1);
                 java.sql.Connection c = w.warehouse().connection()) {
                report = SqlCheck.withWarehouse(pipeline.marts(), pipeline.adapter(), c, pipeline.graph().topologicalOrder());
            }
        } else {
            report = SqlCheck.parse(pipeline.marts(), pipeline.adapter());
        }
        report.warnings().forEach(w -> spec.commandLine().getErr().println(w));
        report.throwIfErrors();
        int marts = pipeline.marts().marts().size();
        spec.commandLine().getOut().println("ok: project '" + config.name() + "' (" + config.sources().size()
                + " source" + (config.sources().size() == 1 ? "" : "s")
                + (marts == 0 ? "" : ", " + marts + " mart" + (marts == 1 ? "" : "s")) + ")");
        return 0;
    }
}
