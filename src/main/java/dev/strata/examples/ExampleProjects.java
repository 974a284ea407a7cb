package dev.strata.examples;

import dev.strata.ErrorCode;
import dev.strata.StrataException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The example projects shipped in the jar under {@code examples/<name>/} ({@code strata.yaml},
 * {@code marts/*.sql}, a README). {@code strata init --example} copies one out as a template, and
 * {@code strata demo} runs one from a copy. Which examples exist, and where each one's files are,
 * is {@link Examples}'s to say.
 */
public final class ExampleProjects {
    private static final String ROOT = "examples";
    /** The registered examples' names ({@link Examples}). */
    public static final List<String> NAMES = Examples.names();

    private ExampleProjects() {
    }

    /** Copies example {@code name} into {@code target} (created if needed); existing files are not overwritten. */
    public static List<Path> copy(String name, Path target) {
        String root = Examples.named(name).resources();
        URL url = ExampleProjects.class.getClassLoader().getResource(root + "/strata.yaml");
        if (url == null) {
            throw new StrataException(ErrorCode.INTERNAL, "example '" + name + "' is missing from this build");
        }
        try {
            URI uri = url.toURI();
            if ("jar".equals(uri.getScheme())) {
                FileSystem fs;
                try {
                    fs = FileSystems.newFileSystem(uri, Map.of());
                } catch (FileSystemAlreadyExistsException e) {
                    fs = FileSystems.getFileSystem(uri);
                }
                return copyTree(fs.getPath(root), target, name);
            }
            return copyTree(Path.of(uri).getParent(), target, name);
        } catch (URISyntaxException | IOException e) {
            throw new StrataException(ErrorCode.INTERNAL, "cannot copy example '" + name + "': " + e.getMessage(), e);
        }
    }

    private static List<Path> copyTree(Path source, Path target, String name) throws IOException {
        List<Path> written = new ArrayList<>();
        try (Stream<Path> files = Files.walk(source)) {
            for (Path file : files.filter(Files::isRegularFile).sorted().toList()) {
                Path rel = source.relativize(file);
                Path dest = target.resolve(rel.toString());
                if (Files.exists(dest)) {
                    continue;
                }
                Files.createDirectories(dest.toAbsolutePath().getParent());
                if (rel.toString().endsWith(".md")) {
                    Files.writeString(dest, relinked(Files.readString(file, StandardCharsets.UTF_8), name),
                            StandardCharsets.UTF_8);
                } else {
                    try (InputStream in = Files.newInputStream(file)) {
                        Files.copy(in, dest);
                    }
                }
                written.add(dest);
            }
        }
        return written;
    }

    private static final java.util.regex.Pattern OUTSIDE_LINK = java.util.regex.Pattern.compile("\\[([^\\]]*)\\]\\((\\.\\./[^)#]*)(#[^)]*)?\\)");

    /**
     * A README's links out of the example's folder ({@code ../../../../../docs/from-airflow.md}, right
     * where the example lives in Strata's source tree) point nowhere once the example is copied out:
     * they become the absolute path of that file in the Strata installation when it is there (a
     * source checkout, where {@code ./strata} runs from), else plain text naming it.
     */
    static String relinked(String markdown, String name) {
        Path home = strataHome();
        java.util.regex.Matcher m = OUTSIDE_LINK.matcher(markdown);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String inRepo = Path.of("src/main/resources", ROOT, name).resolve(m.group(2)).normalize().toString();
            Path file = home == null ? null : home.resolve(inRepo);
            String replacement = file != null && Files.exists(file)
                    ? "[" + m.group(1) + "](" + file + (m.group(3) == null ? "" : m.group(3)) + ")"
                    : m.group(1) + " (`" + inRepo + "` in Strata's source)";
            m.appendReplacement(out, java.util.regex.Matcher.quoteReplacement(replacement));
        }
        m.appendTail(out);
        return out.toString();
    }

    /** The Strata source checkout this code runs from ({@code <home>/target/classes} or {@code <home>/target/strata.jar}), if any. */
    private static Path strataHome() {
        try {
            Path code = Path.of(ExampleProjects.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            for (Path p = code; p != null; p = p.getParent()) {
                if (p.getFileName() != null && p.getFileName().toString().equals("target") && p.getParent() != null
                        && Files.isRegularFile(p.getParent().resolve("pom.xml"))) {
                    return p.getParent();
                }
            }
        } catch (URISyntaxException | RuntimeException e) {
            // no code source (or not a file): say where the file is instead
        }
        return null;
    }

    /** The text of one file of an example, e.g. {@code strata.yaml}. */
    public static String read(String name, String file) {
        try (InputStream in = ExampleProjects.class.getClassLoader().getResourceAsStream(Examples.named(name).resources() + "/" + file)) {
            if (in == null) {
                throw new StrataException(ErrorCode.INTERNAL, "example file " + name + "/" + file + " is missing");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
