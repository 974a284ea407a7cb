package dev.strata.app;

import dev.strata.ErrorCode;
import dev.strata.StrataException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Where a demo keeps its project, generator log and (embedded) data: the user's {@code --data-dir},
 * kept, or a fresh temporary folder that {@link #close} removes whole, whether the demo verified,
 * failed or was stopped. ({@code File.deleteOnExit} removes only an empty folder, which a demo's
 * never is.)
 */
final class DemoWorkDir implements AutoCloseable {
    private final Path path;
    private final boolean temporary;

    private DemoWorkDir(Path path, boolean temporary) {
        this.path = path;
        this.temporary = temporary;
    }

    /** {@code dataDir} when given, else a new temporary folder named {@code prefix...}. */
    static DemoWorkDir of(Optional<Path> dataDir, String prefix) {
        if (dataDir.isPresent()) {
            return new DemoWorkDir(dataDir.get(), false);
        }
        try {
            return new DemoWorkDir(Files.createTempDirectory(prefix), true);
        } catch (IOException e) {
            throw new StrataException(ErrorCode.INTERNAL, "cannot create a temporary directory: " + e.getMessage(), e);
        }
    }

    Path path() {
        return path;
    }

    @Override
    public void close() {
        if (!temporary) {
            return;
        }
        try (Stream<Path> paths = Files.walk(path)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temporary folder: best effort
        }
    }
}
