package dev.strata.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExampleProjectsTest {
    private static final Pattern LINK = Pattern.compile("\\]\\(([^)#]+)(#[^)]*)?\\)");

    @Test
    void shouldLeaveNoBrokenRelativeLinkInACopiedReadme(@TempDir Path dir) throws Exception {
        // issue 19.9: the fintech README copied by init linked to ../../../../../docs/from-airflow.md
        Path project = dir.resolve("nested/my-fintech");
        ExampleProjects.copy("fintech", project);
        String readme = Files.readString(project.resolve("README.md"));
        Matcher m = LINK.matcher(readme);
        int links = 0;
        while (m.find()) {
            String target = m.group(1);
            if (target.startsWith("http")) {
                continue;
            }
            links++;
            Path resolved = project.resolve(target).normalize();
            assertThat(resolved).as("link %s in the copied README", target).exists();
        }
        assertThat(readme).contains("from-airflow.md");
        assertThat(links).isPositive();
    }
}
