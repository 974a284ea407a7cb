package dev.strata.schedule;

import dev.strata.config.Secret;
import dev.strata.warehouse.Warehouse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * A backfill worker in a JVM of its own, for kill -9 tests:
 * {@code BackfillWorkerChild <jdbcUrl> <projectDir> <from> <to> <leaseMs> <workerId>}.
 */
public final class BackfillWorkerChild {
    private BackfillWorkerChild() {
    }

    public static void main(String[] args) throws Exception {
        try (Warehouse w = Warehouse.connect(args[0], "postgres", Secret.empty(), 4)) {
            Pipeline p = TestProject.pipeline(Path.of(args[1]), w);
            Backfill.Options o = Backfill.Options.of(Instant.parse(args[2]), Instant.parse(args[3]))
                    .withLease(Duration.ofMillis(Long.parseLong(args[4])));
            Backfill.Result r = new Backfill(p, w, args[5], Clock.systemUTC()).run(o, Backfill.Progress.NONE);
            System.out.println("child finished: " + r.runs().size() + " runs");
        }
    }
}
