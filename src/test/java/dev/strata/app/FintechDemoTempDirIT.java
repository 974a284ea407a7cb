package dev.strata.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.strata.testing.StrataProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code strata demo fintech} without {@code --data-dir} works in a temporary folder and removes it
 * when it ends (issue 19.7: every run left a {@code strata-fintech-*} folder with the project and the
 * generator's manifest behind). Run in a JVM of its own with its own temporary directory; the demo is
 * made to stop early (its broker is not the embedded one), after it has written into the folder.
 */
class FintechDemoTempDirIT {
    @Test
    void shouldRemoveItsTemporaryFolderWhenItEnds(@TempDir Path dir) throws Exception {
        Path tmp = Files.createDirectories(dir.resolve("tmp"));
        StrataProcess.Result r = new StrataProcess(dir).tmpDir(tmp).env("FINTECH_KAFKA_BOOTSTRAP", "localhost:1")
                .run(Duration.ofMinutes(3), "demo", "fintech", "--no-console");

        assertThat(r.exitCode()).as(r.toString()).isEqualTo(2);
        assertThat(r.all()).contains("manifest :", "the demo needs the embedded broker; unset FINTECH_KAFKA_BOOTSTRAP");
        try (Stream<Path> left = Files.list(tmp)) {
            assertThat(left.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith("strata-fintech-"));
        }
    }
}
