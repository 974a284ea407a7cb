package dev.strata.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.strata.cli.Main;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * The contract of {@link Example}, checked for every registered example (so a new one is checked
 * by being registered): its project is in the jar and validates, {@code strata init --example}
 * writes a project that validates, its name is unique and typeable, its description one line, and
 * the variable each need names is the one its strata.yaml reads.
 */
class ExamplesContractTest {
    @TempDir
    Path dir;

    private record Run(int exitCode, String out, String err) {
    }

    private static Run strata(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.execute(new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void shouldRegisterTheBundledExamplesUnderUniqueNames() {
        List<String> names = Examples.names();
        assertThat(names).contains("food-delivery", "fintech").doesNotHaveDuplicates();
        assertThat(names.get(0)).as("strata demo's default").isEqualTo("food-delivery");
        assertThat(ExampleProjects.NAMES).isEqualTo(names);
    }

    @TestFactory
    Stream<DynamicTest> shouldKeepTheContractForEveryRegisteredExample() {
        return Examples.all().stream().map(e -> DynamicTest.dynamicTest(e.name(), () -> {
            assertThat(e.name()).matches("[a-z][a-z0-9]*(-[a-z0-9]+)*");
            assertThat(e.description()).isNotBlank().doesNotContain("\n");
            assertThat(getClass().getClassLoader().getResource(e.resources() + "/strata.yaml"))
                    .as("%s/strata.yaml in the jar", e.resources()).isNotNull();
            assertThat(e.scenario(DemoOptions.defaults())).isNotNull();

            // the project the demo copies validates as it is
            Path copied = dir.resolve("copy-" + e.name());
            assertThat(ExampleProjects.copy(e.name(), copied)).isNotEmpty();
            Run validCopy = strata("validate", copied.toString());
            assertThat(validCopy.exitCode()).as(validCopy.toString()).isZero();

            // strata init --example writes one that validates too
            Path initialised = dir.resolve("init-" + e.name());
            Run init = strata("init", initialised.toString(), "--example", e.name());
            assertThat(init.exitCode()).as(init.toString()).isZero();
            assertThat(initialised.resolve("strata.yaml")).exists();
            Run valid = strata("validate", initialised.toString());
            assertThat(valid.exitCode()).as(valid.toString()).isZero();

            // "unset X" in the demo's refusal must name what the project really reads
            String yaml = Files.readString(initialised.resolve("strata.yaml"));
            for (Example.Need need : e.needs()) {
                if (need.server() == Example.Server.SOURCE_REPLICA) {
                    // a standby is what the demo's checks read (the project captures from the primary)
                    continue;
                }
                assertThat(yaml).as("%s reads %s", e.name(), need.variable()).contains("${" + need.variable());
            }
        }));
    }

    @Test
    void shouldListEveryExampleWithItsDescription() {
        for (String command : List.of("demo", "init")) {
            Run list = strata(command, "--list");
            assertThat(list.exitCode()).as(list.toString()).isZero();
            for (Example e : Examples.all()) {
                assertThat(list.out()).as(command + " --list").contains(e.name() + " ").contains(e.description());
            }
        }
    }

    @Test
    void shouldRefuseAnUnknownExampleWithExitTwoNamingTheKnownOnes() {
        Path target = dir.resolve("nope");
        for (String[] args : List.of(new String[] {"demo", "no-such-example"},
                new String[] {"init", target.toString(), "--example", "no-such-example"})) {
            Run r = strata(args);
            assertThat(r.exitCode()).as(r.toString()).isEqualTo(2);
            assertThat(r.err()).contains("no-such-example");
            Examples.names().forEach(n -> assertThat(r.err()).contains(n));
        }
        assertThat(target).as("init creates nothing for an unknown example").doesNotExist();
    }
}
