package dev.strata.console;

import java.util.Optional;

/**
 * Lands dead letters again, through the source's normal landing path (supplied by landing). A
 * replayed record that still fails stays a dead letter with the new reason; one that lands is
 * marked replayed. The console has already checked that the dead letter exists.
 */
public interface DeadLetterReplayer {
    /** Replays one dead letter; returns what happened, for the page ("landed", "failed again: ..."). */
    String replay(long id);

    /** Replays every dead letter not yet replayed, of one source or all; returns how many landed. */
    long replayAll(Optional<String> source);

    /** Used when no landing runs in this process: the console answers 503. */
    DeadLetterReplayer UNAVAILABLE = new DeadLetterReplayer() {
        @Override
        public String replay(long id) {
            throw new UnsupportedOperationException("replay is not available: no landing runs in this process");
        }

        @Override
        public long replayAll(Optional<String> source) {
            throw new UnsupportedOperationException("replay is not available: no landing runs in this process");
        }
    };
}
