package dev.strata.embedded;

import java.nio.file.Path;
import java.util.Optional;

/** Test helper run in a child JVM: starts MariaDB on a data directory, prints its port, then waits to be killed. */
public final class MariaDbChild {
    private MariaDbChild() {
    }

    public static void main(String[] args) throws Exception {
        EmbeddedMariaDb db = EmbeddedMariaDb.start(Optional.of(Path.of(args[0])), EmbeddedMariaDb.Options.fast());
        System.out.println("PORT " + db.port());
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
