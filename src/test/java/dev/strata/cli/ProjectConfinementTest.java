package dev.strata.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A project someone hands you must not make {@code strata validate} or {@code strata plan} read and
 * print files from outside its folder (issue 20 item 5): every file it names resolves, after links,
 * inside the project, or it is a config error (rc 2) at the place that names it.
 */
@Tag("reliability")
class ProjectConfinementTest {
    private static final String SECRET = "TOP-SECRET-OUTSIDE-THE-PROJECT";
    @TempDir
    Path root;
    private Path project;
    private Path outside;

    @BeforeEach
    void files() throws Exception {
        project = Files.createDirectories(root.resolve("project"));
        Files.createDirectories(project.resolve("marts"));
        Files.writeString(project.resolve("marts/m1.sql"), "select 1 as x\n");
        outside = Files.createDirectories(root.resolve("outside"));
        Files.writeString(outside.resolve("secret.sql"), "select '" + SECRET + "' as leaked\n");
    }

    private record Result(int rc, String out, String err) {
        String all() {
            return out + err;
        }
    }

    private Result run(String command) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int rc = Main.execute(new PrintWriter(out, true), new PrintWriter(err, true), command, project.toString());
        return new Result(rc, out.toString(), err.toString());
    }

    private String yaml() {
        return project.resolve("strata.yaml").toString();
    }

    /** Both commands refuse the project with rc 2 and the given problem, and print nothing of the outside file. */
    private void assertRefused(String problem, String leak) {
        for (String command : new String[] {"validate", "plan"}) {
            Result r = run(command);
            assertThat(r.rc()).as(command + ": " + r.all()).isEqualTo(2);
            assertThat(r.err()).as(command).contains(problem).contains("outside the project folder");
            assertThat(r.all()).as(command).doesNotContain(leak);
        }
    }

    @Test
    void shouldRefuseACheckFileThatClimbsOutOfTheProject() throws Exception {
        Files.writeString(project.resolve("strata.yaml"), """
                name: demo
                marts:
                  m1:
                    checks: { c1: { file: ../outside/secret.sql } }
                """);
        assertRefused(yaml() + ":4:21: marts.m1.checks.c1.file: '../outside/secret.sql' resolves to "
                + outside.toRealPath().resolve("secret.sql"), SECRET);
    }

    @Test
    void shouldRefuseTheShadowFileOfIssue20() throws Exception {
        Files.writeString(project.resolve("strata.yaml"), """
                name: demo
                marts:
                  m1:
                    checks: { c1: { file: ../../../../../../../../../../etc/shadow } }
                """);
        assertRefused(yaml() + ":4:21: marts.m1.checks.c1.file: '../../../../../../../../../../etc/shadow' resolves to /etc/shadow",
                "root:");
    }

    @Test
    void shouldRefuseAnAbsoluteMartFileOutsideTheProject() throws Exception {
        Files.writeString(project.resolve("strata.yaml"), """
                name: demo
                marts:
                  m1: { file: /etc/passwd }
                  m2: { file: %s }
                """.formatted(outside.resolve("secret.sql")));
        assertRefused(yaml() + ":3:9: marts.m1.file: '/etc/passwd' resolves to /etc/passwd", "root:x:0");
        assertThat(run("plan").err()).contains(yaml() + ":4:9: marts.m2.file: ").doesNotContain(SECRET);
    }

    @Test
    void shouldRefuseALinkUnderMartsPointingOutside() throws Exception {
        Files.writeString(project.resolve("strata.yaml"), "name: demo\n");
        Path link = Files.createSymbolicLink(project.resolve("marts/leak.sql"), outside.resolve("secret.sql"));
        assertRefused(project.resolve("marts/leak.sql") + ":1:1: marts: 'marts/leak.sql' links to "
                + outside.toRealPath().resolve("secret.sql"), SECRET);
        assertThat(Files.isSymbolicLink(link)).isTrue();
    }

    @Test
    void shouldRefuseADeclaredMartWhoseDefaultFileLinksOutside() throws Exception {
        Files.writeString(project.resolve("strata.yaml"), "name: demo\nmarts:\n  leak: { materialized: table }\n");
        Files.createSymbolicLink(project.resolve("marts/leak.sql"), outside.resolve("secret.sql"));
        assertRefused(yaml() + ":3:9: marts.leak: 'marts/leak.sql' links to", SECRET);
    }

    @Test
    void shouldRefuseAMartsFolderThatLinksOutside() throws Exception {
        Files.writeString(project.resolve("strata.yaml"), "name: demo\n");
        Files.delete(project.resolve("marts/m1.sql"));
        Files.delete(project.resolve("marts"));
        Files.createSymbolicLink(project.resolve("marts"), outside);
        assertRefused("marts: 'marts/secret.sql' links to " + outside.toRealPath().resolve("secret.sql"), SECRET);
    }

    @Test
    void shouldAcceptLinksAndFilesThatStayInsideTheProject() throws Exception {
        Files.createDirectories(project.resolve("sql"));
        Files.writeString(project.resolve("sql/real.sql"), "select 2 as y\n");
        Files.createSymbolicLink(project.resolve("marts/alias.sql"), Path.of("../sql/real.sql"));
        Files.createDirectories(project.resolve("checks"));
        Files.writeString(project.resolve("checks/no_rows.sql"), "select * from {{ this }} where x <> 1\n");
        Files.writeString(project.resolve("strata.yaml"), """
                name: demo
                marts:
                  m1:
                    checks: { c1: { file: checks/no_rows.sql }, c2: { file: ./checks/../checks/no_rows.sql } }
                  m3: { file: sql/real.sql }
                """);
        Result validate = run("validate");
        assertThat(validate.rc()).as(validate.all()).isZero();
        assertThat(validate.out()).contains("ok: project 'demo' (0 sources, 3 marts)");
        Result plan = run("plan");
        assertThat(plan.rc()).as(plan.all()).isZero();
        assertThat(plan.out()).contains("select 2 as y", "where x <> 1");
    }

    /** Jinjava's default locator let {@code {% include %}} read any resource on Strata's class path. */
    @Test
    void shouldNotLetATemplateIncludeOrImportOtherFiles() throws Exception {
        Files.writeString(project.resolve("strata.yaml"), "name: demo\n");
        for (String tag : new String[] {"{% include 'META-INF/MANIFEST.MF' %}", "{% import 'META-INF/MANIFEST.MF' as m %}",
                "{% from 'META-INF/MANIFEST.MF' import x %}", "{% include '../outside/secret.sql' %}"}) {
            Files.writeString(project.resolve("marts/m1.sql"), "select 1 as x\n" + tag + "\n");
            for (String command : new String[] {"validate", "plan"}) {
                Result r = run(command);
                assertThat(r.rc()).as(command + " " + tag + ": " + r.all()).isEqualTo(2);
                assertThat(r.err()).as(tag).contains(project.resolve("marts/m1.sql") + ":2:1: m1: ")
                        .contains("mart SQL cannot include or import other files");
                assertThat(r.all()).as(tag).doesNotContain("Manifest-Version").doesNotContain(SECRET);
            }
        }
    }
}
