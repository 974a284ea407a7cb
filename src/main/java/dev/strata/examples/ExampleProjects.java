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
 * {@code strata demo} runs one from a copy.
 */
public final class ExampleProjects {
    private static final String ROOT = "examples";
    public static final List<String> NAMES = List.of("food-delivery", "fintech");

    private ExampleProjects() {
    }

    /** Copies example {@code name} into {@code target} (created if needed); existing files are not overwritten. */
    public static List<Path> copy(String name, Path target) {
        if (!NAMES.contains(name)) {
            throw new StrataException(ErrorCode.USAGE, "no example named '" + name + "' (examples: " + String.join(", ", NAMES) + ")");
        }
        URL url = ExampleProjects.class.getClassLoader().getResource(ROOT + "/" + name + "/strata.yaml");
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
                return copyTree(fs.getPath(ROOT, name), target);
            }
            return copyTree(Path.of(uri).getParent(), target);
        } catch (URISyntaxException | IOException e) {
            throw new StrataException(ErrorCode.INTERNAL, "cannot copy example '" + name + "': " + e.getMessage(), e);
        }
    }

    private static List<Path> copyTree(Path source, Path target) throws IOException {
        List<Path> written = new ArrayList<>();
        try (Stream<Path> files = Files.walk(source)) {
            for (Path file : files.filter(Files::isRegularFile).sorted().toList()) {
                Path rel = source.relativize(file);
                Path dest = target.resolve(rel.toString());
                if (Files.exists(dest)) {
                    continue;
                }
                Files.createDirectories(dest.toAbsolutePath().getParent());
                try (InputStream in = Files.newInputStream(file)) {
                    Files.copy(in, dest);
                }
                written.add(dest);
            }
        }
        return written;
    }

    /** The text of one file of an example, e.g. {@code strata.yaml}. */
    public static String read(String name, String file) {
        try (InputStream in = ExampleProjects.class.getClassLoader().getResourceAsStream(ROOT + "/" + name + "/" + file)) {
            if (in == null) {
                throw new StrataException(ErrorCode.INTERNAL, "example file " + name + "/" + file + " is missing");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
