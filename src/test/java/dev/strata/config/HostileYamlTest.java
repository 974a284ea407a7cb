package dev.strata.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Config files built to hurt the reader (issue 20 items 7-9): each is refused with a config error at
 * a file:line:column that says what is wrong, instead of spinning, overflowing the stack or
 * reporting the decoder's bare message. The timeouts are not speed measurements: they turn the
 * minutes-long spin these files used to cause into a failure instead of a hung build.
 */
@Tag("reliability")
class HostileYamlTest {
    private static final Duration NO_SPIN = Duration.ofSeconds(60);
    private final ProjectLoader loader = new ProjectLoader(EnvResolver.of(Map.of()));
    @TempDir
    Path dir;

    private List<String> problemsOfFile() {
        try {
            loader.load(dir);
        } catch (ConfigException e) {
            return e.problems().stream().map(ConfigProblem::toString).toList();
        }
        throw new AssertionError("expected the project to be rejected");
    }

    private List<String> problemsOfText(String yaml) {
        try {
            loader.parse(dir, yaml, "strata.yaml");
        } catch (ConfigException e) {
            return e.problems().stream().map(ConfigProblem::toString).toList();
        }
        throw new AssertionError("expected the project to be rejected");
    }

    private String yaml() {
        return dir.resolve("strata.yaml").toString();
    }

    @Test
    void shouldRefuseA50MegabyteFileBeforeReadingIt() throws Exception {
        long size = 50L * 1024 * 1024;
        try (OutputStream out = Files.newOutputStream(dir.resolve("strata.yaml"))) {
            out.write("name: \"".getBytes(StandardCharsets.US_ASCII));
            byte[] chunk = "x".repeat(1024 * 1024).getBytes(StandardCharsets.US_ASCII);
            for (int i = 0; i < 50; i++) {
                out.write(chunk);
            }
        }
        long actual = Files.size(dir.resolve("strata.yaml"));
        List<String> problems = assertTimeoutPreemptively(NO_SPIN, this::problemsOfFile);
        assertThat(actual).isGreaterThan(size);
        assertThat(problems).containsExactly(yaml() + ":1:1: " + yaml() + " is "
                + String.format(java.util.Locale.ROOT, "%,d", actual) + " bytes (50.0 MiB), larger than the 4,194,304 "
                + "bytes (4.0 MiB) a project file may have (the limit guards against runaway files; real ones are a few kB)");
    }

    @Test
    void shouldReadAMonsterScalarJustUnderTheLimitWithoutSpinningAndQuoteItShortly() throws Exception {
        // 3.9 MB: under the file limit, over snakeyaml's default code-point limit (3 MiB), one token
        String monster = "x".repeat(3_900_000);
        Files.writeString(dir.resolve("strata.yaml"), "name: \"" + monster + "\"\n");
        List<String> problems = assertTimeoutPreemptively(NO_SPIN, this::problemsOfFile);
        assertThat(problems).singleElement().satisfies(p -> {
            assertThat(p).startsWith(yaml() + ":1:7: name: 'xxxx").contains("is not a safe SQL name")
                    .contains("characters left out");
            assertThat(p.length()).isLessThan(1_000);
        });
    }

    @Test
    void shouldRefuseTextOverTheCodePointLimitWithAClearMessage() {
        String text = "name: \"" + "y".repeat((int) ProjectFiles.MAX_BYTES + 10) + "\"\n";
        List<String> problems = assertTimeoutPreemptively(NO_SPIN, () -> problemsOfText(text));
        assertThat(problems).containsExactly("strata.yaml:1:1: the text is "
                + String.format(java.util.Locale.ROOT, "%,d", text.length()) + " characters, more than the "
                + "4,194,304 a project file may have");
    }

    @Test
    void shouldRefuse20000LevelsOfNestingAtTheirPlaceInsteadOfOverflowingTheStack() {
        String deep = "name: demo\nx: " + "[".repeat(20_000) + "]".repeat(20_000) + "\n";
        assertThat(problemsOfText(deep)).containsExactly("strata.yaml:2:" + (3 + YamlDocument.MAX_NESTING_DEPTH)
                + ": the YAML is nested more than " + YamlDocument.MAX_NESTING_DEPTH
                + " levels deep here; Strata's config needs a handful (the limit keeps hostile files from "
                + "exhausting the stack)");
        String mappings = "name: demo\nx: " + "{a: ".repeat(20_000) + "1" + "}".repeat(20_000) + "\n";
        assertThat(problemsOfText(mappings)).singleElement().asString().contains("nested more than");
        StringBuilder block = new StringBuilder("name: demo\nx:\n");
        for (int i = 1; i <= 2_000; i++) {
            block.append(" ".repeat(i)).append("k:\n");
        }
        assertThat(problemsOfText(block.toString())).singleElement().asString().contains("nested more than");
    }

    @Test
    void shouldAcceptNestingUpToTheLimit() {
        int inner = YamlDocument.MAX_NESTING_DEPTH - 1; // the top-level mapping is one level
        String atLimit = "name: demo\nx: " + "[".repeat(inner) + "]".repeat(inner) + "\n";
        assertThat(problemsOfText(atLimit)).containsExactly("strata.yaml:2:1: x: unknown key");
        String over = "name: demo\nx: " + "[".repeat(inner + 1) + "]".repeat(inner + 1) + "\n";
        assertThat(problemsOfText(over)).singleElement().asString().contains("nested more than");
    }

    @Test
    void shouldSayWhereAFileIsNotUtf8() throws Exception {
        Files.write(dir.resolve("strata.yaml"),
                "name: demo\nvars:\n  city: \"M\u00fcnchen\"\n".getBytes(StandardCharsets.ISO_8859_1));
        assertThat(problemsOfFile()).containsExactly(yaml() + ":3:11: the file is not UTF-8: byte 0xFC at offset 27 "
                + "(line 3, column 11) is not valid UTF-8; save the file as UTF-8 (it may be in Latin-1 or Windows-1252)");
    }

    @Test
    void shouldCountColumnsInCharactersAfterValidMultiByteText() throws Exception {
        byte[] good = "name: demo\nvars:\n  a: \"\u00e9\u20ac\uD83D\uDE00".getBytes(StandardCharsets.UTF_8);
        byte[] bad = {(byte) 0xC3, (byte) 0x28};
        byte[] all = new byte[good.length + bad.length];
        System.arraycopy(good, 0, all, 0, good.length);
        System.arraycopy(bad, 0, all, good.length, bad.length);
        Files.write(dir.resolve("strata.yaml"), all);
        // "  a: \"" is 6 characters, then é, €, one emoji: the bad byte is the 10th character of line 3
        assertThat(problemsOfFile()).singleElement().asString()
                .startsWith(yaml() + ":3:10: the file is not UTF-8: byte 0xC3 at offset " + good.length + " (line 3, column 10)");
    }

    @Test
    void shouldSayWhereAMartsSqlFileIsNotUtf8() throws Exception {
        Files.writeString(dir.resolve("strata.yaml"), "name: demo\n");
        Files.createDirectories(dir.resolve("marts"));
        Files.write(dir.resolve("marts/cities.sql"),
                "select 1 as id,\n       'K\u00f6ln' as city\n".getBytes(StandardCharsets.ISO_8859_1));
        ProjectConfig project = loader.load(dir);
        Problems problems = new Problems();
        dev.strata.marts.MartProject.load(project, dev.strata.warehouse.Warehouses.forConfig(project.warehouse()).sql(),
                List.of(), problems);
        assertThat(problems.sorted()).extracting(ConfigProblem::toString).containsExactly(dir.resolve("marts/cities.sql")
                + ":2:10: marts.cities: the file is not UTF-8: byte 0xF6 at offset 25 (line 2, column 10) is not valid "
                + "UTF-8; save the file as UTF-8 (it may be in Latin-1 or Windows-1252)");
    }

    @Test
    void shouldTakeAByteOrderMarkAsUtf8() throws Exception {
        byte[] text = "name: demo\n".getBytes(StandardCharsets.UTF_8);
        byte[] withBom = new byte[text.length + 3];
        withBom[0] = (byte) 0xEF;
        withBom[1] = (byte) 0xBB;
        withBom[2] = (byte) 0xBF;
        System.arraycopy(text, 0, withBom, 3, text.length);
        Files.write(dir.resolve("strata.yaml"), withBom);
        assertThat(loader.load(dir).name()).isEqualTo("demo");
    }


    @Test
    void shouldRefuseBillionLaughsAndRecursiveAliases() {
        StringBuilder laughs = new StringBuilder("name: demo\na0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
        for (int i = 1; i <= 60; i++) {
            laughs.append("a").append(i).append(": &a").append(i).append(" [").append(("*a" + (i - 1) + ", ").repeat(8))
                    .append("*a").append(i - 1).append("]\n");
        }
        List<String> problems = assertTimeoutPreemptively(NO_SPIN, () -> problemsOfText(laughs.toString()));
        assertThat(problems).singleElement().asString().startsWith("strata.yaml:").contains("malformed YAML")
                .contains("aliases");
        // a collection that contains itself is composed, but every reader descends only the keys it asks for
        assertThat(problemsOfText("name: demo\nvars: &v { a: *v }\n"))
                .contains("strata.yaml:2:12: vars.a.a: unknown key");
        assertThat(problemsOfText("name: demo\n? &k [*k]\n: 1\n")).containsExactly("strata.yaml:2:3: keys must be plain words");
    }
}
