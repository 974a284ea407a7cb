package dev.strata.cli;

import dev.strata.bench.FreshnessBenchmark;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code strata bench freshness}: the delay from a message's producer to its rows in the vault, on the food-delivery pipeline. */
@Command(name = "freshness", description = "Send the food-delivery order stream at a fixed rate into the whole pipeline "
        + "(durable embedded warehouse, landing, continuous vault, marts) and measure the delay from each probe message's "
        + "send to its rows in h_order and s_order_status; prints freshness: p95_ms=N last (target N < 2000).")
final class BenchFreshnessCommand implements Callable<Integer> {
    @Option(names = "--rate", defaultValue = "5000", description = "Messages per second (default: ${DEFAULT-VALUE}).")
    int rate;
    @Option(names = "--duration", defaultValue = "60s", converter = DurationOption.class,
            description = "How long the measured part sends (default: ${DEFAULT-VALUE}).")
    Duration duration;
    @Option(names = "--warm-up", defaultValue = "10s", converter = DurationOption.class,
            description = "Sending at the same rate before measuring, not counted (default: ${DEFAULT-VALUE}).")
    Duration warmUp;
    @Option(names = "--probe-every", defaultValue = "20",
            description = "One new order in this many is a probe (default: ${DEFAULT-VALUE}).")
    int probeEvery;
    @Option(names = "--warehouse", paramLabel = "postgres|mariadb", defaultValue = "postgres",
            description = "Which embedded warehouse to start (default: ${DEFAULT-VALUE}).")
    String warehouse;
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (rate < 1 || probeEvery < 1 || duration.isZero() || duration.isNegative() || warmUp.isNegative()) {
            throw new ParameterException(spec.commandLine(), "--rate, --probe-every and --duration must be positive");
        }
        boolean mariadb = DemoCommand.embeddedWarehouse(warehouse).equals("embedded:mariadb");
        new FreshnessBenchmark(new FreshnessBenchmark.Options(rate, duration, warmUp, probeEvery, mariadb),
                spec.commandLine().getOut()).run();
        return 0;
    }
}
