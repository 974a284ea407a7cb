package dev.strata.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every file or folder named on the command line that is missing, of the wrong kind or unusable is a
 * usage error (exit code 2) in one sentence naming it, never a stack trace (issue 20 item 10, for
 * the commands other than {@code dead-letters replay --value-file}, which DeadLettersCommandIT covers).
 * All of them fail before any server is started.
 */
class FileArgumentsTest {
    @TempDir
    Path dir;
    private Path project;
    private Path aFile;
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int strata(String... args) {
        out.getBuffer().setLength(0);
        err.getBuffer().setLength(0);
        return Main.execute(new PrintWriter(out, true), new PrintWriter(err, true), args);
    }

    @BeforeEach
    void project() throws Exception {
        project = dir.resolve("fd");
        assertThat(strata("init", project.toString(), "--example", "food-delivery")).isZero();
        aFile = Files.writeString(dir.resolve("notes.txt"), "x");
    }

    private void assertOneSentence(int rc, String... parts) {
        assertThat(rc).as(err.toString()).isEqualTo(2);
        assertThat(err.toString()).contains(parts).doesNotContain("Exception", "\tat ", "bug in Strata");
        assertThat(err.toString().strip().lines()).hasSize(1);
    }

    @Test
    void shouldTakeAProjectFolderOrItsStrataYamlAndRefuseAnyOtherFile() {
        assertThat(strata("validate", project.resolve("strata.yaml").toString())).as(err.toString()).isZero();
        assertOneSentence(strata("validate", aFile.toString()), aFile + ":1:1: this is a file, not a project folder");
        assertOneSentence(strata("plan", dir.resolve("missing").toString()), "no strata.yaml here");
    }

    @Test
    void shouldRefuseADataDirThatIsAFileOrCannotBeCreated() {
        assertOneSentence(strata("status", project.toString(), "--data-dir", aFile.toString()),
                "--data-dir " + aFile + " is a file, not a folder");
        assertOneSentence(strata("dead-letters", "list", project.toString(), "--data-dir",
                aFile.resolve("sub").toString()), "cannot use --data-dir " + aFile.resolve("sub"));
    }

    @Test
    void shouldRefuseToInitIntoAFile() {
        assertOneSentence(strata("init", aFile.toString()), "cannot create a project in " + aFile + ": it is a file");
        assertOneSentence(strata("init", aFile.resolve("sub").toString()), "cannot create a project in " + aFile.resolve("sub"));
    }

    @Test
    void shouldRefuseAMissingOrFolderInputToProduce() {
        assertOneSentence(strata("produce", "orders", dir.resolve("none.jsonl").toString(), project.toString()),
                "cannot read " + dir.resolve("none.jsonl") + " (the records to send): no such file");
        assertOneSentence(strata("produce", "orders", dir.toString(), project.toString()), "it is a directory");
    }
}
