package dev.strata.ingest;

import java.time.Duration;

/** One running source: started by {@link Landing}, stopped gracefully with it. */
interface SourceLander {
    String source();

    void start();

    /** Asks the lander to stop after its in-flight transaction; returns at once. */
    void requestStop();

    /** Waits for the lander to stop, abandoning uncommitted work after {@code timeout}. */
    void awaitStopped(Duration timeout);
}
