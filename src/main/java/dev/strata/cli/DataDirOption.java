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

    /** The folder given, created if it does not exist; a file, or a folder that cannot be created, is a usage error. */
    Optional<Path> get() {
        if (dataDir == null) {
            return Optional.empty();
        }
        if (java.nio.file.Files.exists(dataDir) && !java.nio.file.Files.isDirectory(dataDir)) {
            throw new dev.strata.StrataException(dev.strata.ErrorCode.USAGE, "--data-dir " + dataDir
                    + " is a file, not a folder");
        }
        try {
            java.nio.file.Files.createDirectories(dataDir);
        } catch (java.io.IOException e) {
            throw new dev.strata.StrataException(dev.strata.ErrorCode.USAGE, "cannot use --data-dir " + dataDir + ": "
                    + InputFiles.reason(e), e);
        }
        return Optional.of(dataDir);
    }
}
