package dev.strata.examples;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * What {@code strata demo} was asked for, the same for every example; each scenario reads what
 * applies to it.
 *
 * @param duration        see {@link Example#shape()} for what it means for each shape
 * @param dataDir         where everything persists, so that a later run resumes; empty: a temporary folder
 * @param rate            messages (or rows) per second a streaming scenario generates
 * @param console         whether to serve the web console
 * @param workers         task runs at once (the scheduler's or a backfill's)
 * @param terminal        whether the output is a terminal (a progress bar redraws one line) or a file
 * @param warehouseUrl    the warehouse URL the run uses instead of the project's default
 *                        ({@code embedded:mariadb} for {@code --warehouse mariadb}): every example's
 *                        strata.yaml reads its URL from {@code STRATA_WAREHOUSE_URL}, which this sets
 *                        for the run; empty: the environment's, else the example's default
 */
public record DemoOptions(Optional<Duration> duration, Optional<Path> dataDir, double rate, boolean console,
                          int workers, boolean terminal, Optional<String> warehouseUrl) {
    public DemoOptions(Optional<Duration> duration, Optional<Path> dataDir, double rate, boolean console, int workers,
                       boolean terminal) {
        this(duration, dataDir, rate, console, workers, terminal, Optional.empty());
    }

    public static DemoOptions defaults() {
        return new DemoOptions(Optional.empty(), Optional.empty(), 50, true, 2, false);
    }

    public DemoOptions withDuration(Duration d) {
        return new DemoOptions(Optional.of(d), dataDir, rate, console, workers, terminal, warehouseUrl);
    }

    public DemoOptions withDataDir(Path dir) {
        return new DemoOptions(duration, Optional.of(dir), rate, console, workers, terminal, warehouseUrl);
    }

    public DemoOptions withRate(double r) {
        return new DemoOptions(duration, dataDir, r, console, workers, terminal, warehouseUrl);
    }

    public DemoOptions withConsole(boolean on) {
        return new DemoOptions(duration, dataDir, rate, on, workers, terminal, warehouseUrl);
    }

    /** These options with the warehouse URL set to {@code url} (e.g. {@code embedded:mariadb}). */
    public DemoOptions withWarehouse(String url) {
        return new DemoOptions(duration, dataDir, rate, console, workers, terminal, Optional.of(url));
    }
}
