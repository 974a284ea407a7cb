package dev.strata.embedded;

import java.nio.file.Path;
import java.util.Optional;

/** Test helper run in a child JVM: starts PostgreSQL on a data directory, prints its port, then waits to be killed. */
public final class PostgresChild {
    private PostgresChild() {
    }

    public static void main(String[] args) throws Exception {
        EmbeddedPostgres pg = EmbeddedPostgres.start(Optional.of(Path.of(args[0])));
        System.out.println("PORT " + pg.port());
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
