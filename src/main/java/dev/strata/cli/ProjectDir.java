package dev.strata.cli;

import dev.strata.config.ProjectConfig;
import dev.strata.config.ProjectLoader;
import java.nio.file.Path;
import picocli.CommandLine.Parameters;

/** Mixin for commands that take a project folder: {@code [dir]}, the current directory by default. */
public final class ProjectDir {
    @Parameters(index = "0", arity = "0..1", paramLabel = "dir", defaultValue = ".",
            description = "The project folder holding strata.yaml (default: the current directory).")
    Path dir;

    public Path path() {
        return dir;
    }

    public ProjectConfig load() {
        return ProjectLoader.withSystemEnv().load(dir);
    }
}
