package dev.strata.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code strata validate} on hostile config files: a config error (rc 2) in one line, never a crash (issue 20 items 8-9). */
@Tag("reliability")
class HostileConfigCommandTest {
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();
    @TempDir
    Path dir;

    private int validate() {
        return Main.execute(new PrintWriter(out, true), new PrintWriter(err, true), "validate", dir.toString());
    }

    @Test
    void shouldAnswerDeepNestingWithAConfigErrorNotAStackOverflow() throws Exception {
        Files.writeString(dir.resolve("strata.yaml"), "name: demo\nx: " + "[".repeat(20_000) + "]".repeat(20_000) + "\n");
        assertThat(validate()).as(err.toString()).isEqualTo(2);
        assertThat(err.toString()).startsWith(dir.resolve("strata.yaml") + ":2:").contains("nested more than")
                .doesNotContain("StackOverflowError").doesNotContain("\tat ");
        assertThat(err.toString().lines()).hasSize(1);
    }

    @Test
    void shouldAnswerALatin1FileWithWhereItIsNotUtf8() throws Exception {
        Files.write(dir.resolve("strata.yaml"), "name: caf\u00e9\n".getBytes(StandardCharsets.ISO_8859_1));
        assertThat(validate()).isEqualTo(2);
        assertThat(err.toString()).isEqualTo(dir.resolve("strata.yaml") + ":1:10: the file is not UTF-8: byte 0xE9 at "
                + "offset 9 (line 1, column 10) is not valid UTF-8; save the file as UTF-8 (it may be in Latin-1 or "
                + "Windows-1252)\n");
    }
}
