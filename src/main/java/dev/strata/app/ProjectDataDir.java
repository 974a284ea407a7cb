package dev.strata.app;

import dev.strata.ErrorCode;
import dev.strata.StrataException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where a project's embedded servers keep their data, so that every command pointed at the project
 * finds the same warehouse. The rule:
 * <ol>
 *   <li>{@code --data-dir DIR} on the command line, when given;</li>
 *   <li>otherwise the directory recorded in {@code <project>/.strata/data-dir} by the last
 *       {@code strata run --data-dir DIR} or {@code strata demo --data-dir DIR} on this project
 *       (a path relative to the project folder);</li>
 *   <li>otherwise {@code <project>/.strata}.</li>
 * </ol>
 * The embedded PostgreSQL lives in {@code <data dir>/postgres}, the Kafka log in
 * {@code <data dir>/kafka}. A command attaches to the server a running command has started there,
 * or starts it itself (and stops it when it ends).
 */
public final class ProjectDataDir {
    /** The default data directory, inside the project. */
    public static final String DEFAULT = ".strata";
    /** The file, inside the default data directory, naming another one. */
    static final String POINTER = "data-dir";

    private ProjectDataDir() {
    }

    /** The data directory of the project in {@code projectDir}: {@code given} when present, else the rule above. */
    public static Path locate(Path projectDir, java.util.Optional<Path> given) {
        if (given.isPresent()) {
            return given.get().toAbsolutePath().normalize();
        }
        Path dir = projectDir.toAbsolutePath().normalize();
        Path pointer = dir.resolve(DEFAULT).resolve(POINTER);
        if (Files.isRegularFile(pointer)) {
            try {
                String text = Files.readString(pointer, StandardCharsets.UTF_8).trim();
                if (!text.isEmpty()) {
                    return dir.resolve(text).normalize();
                }
            } catch (IOException e) {
                throw new StrataException(ErrorCode.USAGE, "cannot read " + pointer + " (it names the project's data "
                        + "directory): " + e.getMessage(), e);
            }
        }
        return dir.resolve(DEFAULT);
    }

    /**
     * Records {@code dataDir} as the project's data directory for the commands that follow (nothing
     * to record when it is the default). Best effort: a read-only project only loses the pointer.
     */
    public static void record(Path projectDir, Path dataDir) {
        Path dir = projectDir.toAbsolutePath().normalize();
        Path data = dataDir.toAbsolutePath().normalize();
        Path pointer = dir.resolve(DEFAULT).resolve(POINTER);
        try {
            if (data.equals(dir.resolve(DEFAULT))) {
                Files.deleteIfExists(pointer);
                return;
            }
            Files.createDirectories(pointer.getParent());
            Files.writeString(pointer, dir.relativize(data) + "\n", StandardCharsets.UTF_8);
        } catch (IOException | IllegalArgumentException e) {
            org.slf4j.LoggerFactory.getLogger(ProjectDataDir.class).warn("cannot record the data directory {} in {}: {}",
                    data, pointer, e.getMessage());
        }
    }
}
