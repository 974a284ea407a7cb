package dev.strata.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MainTest {
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        return Main.execute(new PrintWriter(out, true), new PrintWriter(err, true), args);
    }

    @Test
    void shouldListTheCommandsInHelp() {
        assertThat(run("--help")).isZero();
        assertThat(out.toString()).contains("validate", "plan", "demo");
    }

    @Test
    void shouldShowHelpOfNestedSubcommands() {
        assertThat(run("bench", "vault", "--help")).isZero();
        assertThat(out.toString()).contains("Usage: strata bench vault", "--rows");
        assertThat(run("dead-letters", "replay", "--help")).isZero();
        assertThat(out.toString()).contains("Usage: strata dead-letters replay");
    }

    @Test
    void shouldExitWithTwoOnAnUnknownCommand() {
        assertThat(run("frobnicate")).isEqualTo(2);
        assertThat(err.toString()).contains("frobnicate");
    }

    @Test
    void shouldValidateAGoodProject(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("strata.yaml"), "name: demo\nsources:\n  orders:\n    kafka: { topic: orders }\n");
        assertThat(run("validate", dir.toString())).isZero();
        assertThat(out.toString()).contains("ok: project 'demo' (1 source)");
    }

    @Test
    void shouldReportEveryProblemAndExitWithTwo(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("strata.yaml"), "name: demo\nsorces: {}\nwarehouse:\n  pool_size: x\n");
        assertThat(run("validate", dir.toString())).isEqualTo(2);
        String file = dir.resolve("strata.yaml").toString();
        assertThat(err.toString()).contains(
                file + ":2:1: sorces: unknown key (did you mean 'sources'?)",
                file + ":4:14: warehouse.pool_size: expected an integer, got 'x'");
    }

    @Test
    void shouldSayWhenThereIsNoProject(@TempDir Path dir) {
        assertThat(run("validate", dir.toString())).isEqualTo(2);
        assertThat(err.toString()).contains("no strata.yaml here");
    }
}
