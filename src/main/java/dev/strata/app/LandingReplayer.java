package dev.strata.app;

import dev.strata.console.DeadLetterReplayer;
import dev.strata.ingest.DeadLetters;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The console's replay button, through the landing's {@link DeadLetters}: a replayed record lands
 * like any other, and the continuous vault loads it like a landed batch (its source's targets are
 * told, as the landing listener would tell them).
 */
final class LandingReplayer implements DeadLetterReplayer {
    private final DeadLetters letters;
    private final Consumer<String> landed;
    private final Collection<String> sources;

    /**
     * @param landed  told the source of every replay that landed rows (the continuous vault's {@code landed})
     * @param sources the project's sources, told after a replay of all sources
     */
    LandingReplayer(DeadLetters letters, Consumer<String> landed, Collection<String> sources) {
        this.letters = letters;
        this.landed = landed;
        this.sources = List.copyOf(sources);
    }

    @Override
    public String replay(long id) {
        Optional<String> source = letters.find(id).map(DeadLetters.Letter::source);
        DeadLetters.Replay r = letters.replay(id, Optional.empty());
        if (r.landed()) {
            source.ifPresent(landed);
        }
        return r.message();
    }

    @Override
    public long replayAll(Optional<String> source) {
        long landedCount = letters.replayAll(source).stream().filter(DeadLetters.Replay::landed).count();
        if (landedCount > 0) {
            source.ifPresentOrElse(landed, () -> sources.forEach(landed));
        }
        return landedCount;
    }
}
