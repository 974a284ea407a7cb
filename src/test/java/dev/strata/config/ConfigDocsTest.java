package dev.strata.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Keeps docs/config.md from drifting: every key a config reader asks for (a string literal passed
 * to a {@link ConfigReader} accessor in {@code dev.strata.config}) must be documented there.
 */
class ConfigDocsTest {
    private static final Pattern ASKED = Pattern.compile(
            "\\.(?:optional|required|string|requiredString|integer|bool|duration|size|secret|mapping|namedEntries|has)\\(\"([a-z_]+)\"");

    @Test
    void shouldDocumentEveryKeyTheReadersAccept() throws IOException {
        Set<String> keys = new TreeSet<>();
        try (Stream<Path> files = Files.list(Path.of("src/main/java/dev/strata/config"))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                Matcher m = ASKED.matcher(Files.readString(f));
                while (m.find()) {
                    keys.add(m.group(1));
                }
            }
        }
        assertThat(keys).as("keys found in the readers").hasSizeGreaterThan(30);
        String docs = Files.readString(Path.of("docs/config.md"));
        Set<String> missing = new TreeSet<>();
        for (String k : keys) {
            if (!docs.contains("`" + k + "`") && !docs.contains("." + k + "`") && !docs.contains("`" + k + ".")
                    && !docs.contains("`" + k + ":")) {
                missing.add(k);
            }
        }
        assertThat(missing).as("config keys not documented in docs/config.md").isEmpty();
    }
}
