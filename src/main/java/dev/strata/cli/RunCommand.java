package dev.strata.cli;

import dev.strata.config.ProjectConfig;
import dev.strata.runtime.Environment;
import dev.strata.ingest.Landing;
import dev.strata.schedule.ContinuousVault;
import dev.strata.schedule.Pipeline;
import dev.strata.vault.VaultLoader;
import dev.strata.schedule.Scheduler;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code strata run [dir]}: runs a project until Ctrl-C. Starts, in order: the warehouse (embedded
 * when configured), the landers of the sources, continuous vault loads, the scheduler, and the
 * console. Ctrl-C stops them in reverse order; the scheduler gives running tasks {@code --grace} to
 * finish, then rolls them back, so no mart is ever left half-built.
 */
@Command(name = "run", description = "Run a project continuously (landing, vault, schedule) until Ctrl-C.")
final class RunCommand implements Callable<Integer> {
    @Mixin
    ProjectDir project;
    @Option(names = "--workers", defaultValue = "2", description = "Task runs executed at once by this process (default 2).")
    int workers;
    @Option(names = "--grace", defaultValue = "30s", converter = DurationOption.class,
            description = "On Ctrl-C, how long running tasks may take to finish before they are rolled back (default 30s).")
    Duration grace;
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        ProjectConfig config = project.load();
        PrintWriter out = spec.commandLine().getOut();
        CountDownLatch stop = new CountDownLatch(1);
        CountDownLatch stopped = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            stop.countDown();
            try {
                stopped.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "strata-run-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try (ProjectWarehouse pw = ProjectWarehouse.open(config, workers + 2)) {
            Pipeline pipeline = Pipeline.load(config, pw.warehouse().dialect());
            Environment env = new Environment(config, pw.warehouse(), null,
                    new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), Clock.systemUTC(), Environment.defaultWorkerId());
            // Started in this order, stopped in reverse (try-with-resources): scheduler, continuous
            // vault loads, landing (whose batches trigger those loads). The console starts last, here,
            // with `env`, `pipeline` and `scheduler::rerun` once it is wired in.
            try (Scheduler scheduler = new Scheduler(pipeline, env.warehouse(), env.workerId(), env.clock(),
                    Scheduler.Options.defaults().withWorkers(workers).withGrace(grace));
                 ContinuousVault vault = new ContinuousVault(pipeline, VaultLoader.of(env));
                 Landing landing = startScheduler(scheduler, env, vault)) {
                out.println("running " + config.name() + ": " + landing.sources().size() + " source(s) landing, "
                        + pipeline.scheduledNodes().size() + " scheduled node(s), "
                        + workers + " worker(s), warehouse " + pw.warehouse().url());
                out.println("press Ctrl-C to stop");
                out.flush();
                stop.await();
                out.println("stopping: waiting up to " + dev.strata.config.Durations.format(grace)
                        + " for running tasks ...");
                out.flush();
            }
            out.println("stopped");
            out.flush();
        } finally {
            stopped.countDown();
        }
        return 0;
    }

    private static Landing startScheduler(Scheduler scheduler, Environment env, ContinuousVault vault) throws java.sql.SQLException {
        scheduler.start();
        return Landing.start(env, batch -> vault.landed(batch.source()));
    }
}
