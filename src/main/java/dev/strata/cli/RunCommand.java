package dev.strata.cli;

import dev.strata.app.PipelineRuntime;
import dev.strata.app.ProjectDataDir;
import dev.strata.config.Durations;
import dev.strata.config.ProjectConfig;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code strata run [dir]}: runs a project until Ctrl-C. Starts, in order: embedded servers the
 * project asks for, the warehouse, the scheduler, continuous vault loads, the landers of the
 * sources and the console. Ctrl-C stops them in reverse order; the scheduler gives running tasks
 * {@code --grace} to finish, then rolls them back, so no mart is ever left half-built.
 */
@Command(name = "run", description = "Run a project continuously (landing, vault, schedule, console) until Ctrl-C.")
final class RunCommand implements Callable<Integer> {
    @Mixin
    ProjectDir project;
    @Option(names = "--workers", defaultValue = "2", description = "Task runs executed at once by this process (default 2).")
    int workers;
    @Option(names = "--grace", defaultValue = "30s", converter = DurationOption.class,
            description = "On Ctrl-C, how long running tasks may take to finish before they are rolled back (default 30s).")
    Duration grace;
    @Mixin
    DataDirOption dataDir;
    @Option(names = "--no-console", negatable = true, defaultValue = "true", description = "Serve the web console (default on).")
    boolean console;
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        ProjectConfig config = project.load();
        PrintWriter out = spec.commandLine().getOut();
        Path data = ProjectDataDir.locate(config.directory(), dataDir.get());
        PipelineRuntime.Options options = PipelineRuntime.Options.defaults().withDataDir(data)
                .withWorkers(workers).withGrace(grace).withConsole(console);
        try (ShutdownSignal signal = ShutdownSignal.install("strata-run")) {
            try (PipelineRuntime runtime = PipelineRuntime.start(config, options)) {
                out.println("running " + config.name() + ": " + config.sources().size() + " source(s) landing, "
                        + runtime.pipeline().scheduledNodes().size() + " scheduled node(s), " + workers + " worker(s)");
                RunBanner.print(out, config, project.path(), runtime);
                out.println("press Ctrl-C to stop");
                out.flush();
                // an embedded server that cannot be restarted stops the command, with its error
                var failure = runtime.failure();
                failure.thenRun(signal.stop()::countDown);
                signal.stop().await();
                if (failure.isDone()) {
                    throw failure.join();
                }
                out.println("stopping: waiting up to " + Durations.format(grace) + " for running tasks ...");
                out.flush();
            }
            out.println("stopped");
            out.flush();
        }
        return 0;
    }
}
