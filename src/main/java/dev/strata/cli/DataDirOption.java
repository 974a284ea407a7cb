package dev.strata.cli;

import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine.Option;

/** Mixin for commands that use a project's embedded servers: {@code --data-dir}, see {@link dev.strata.app.ProjectDataDir}. */
public final class DataDirOption {
    @Option(names = "--data-dir", paramLabel = "dir",
            description = "Where the project's embedded servers keep their data (default: the directory the last "
                    + "`strata run --data-dir` or `strata demo --data-dir` recorded for the project, else <dir>/.strata).")
    Path dataDir;

    Optional<Path> get() {
        return Optional.ofNullable(dataDir);
    }
}
