package dev.strata.objects;

import dev.strata.config.Position;
import dev.strata.config.Problems;
import dev.strata.config.ProjectConfig;
import dev.strata.config.ProjectFiles;
import dev.strata.warehouse.WarehouseType;
import dev.strata.warehouse.Warehouses;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The SQL objects of a project for one warehouse. Files:
 * <ul>
 *   <li>{@code objects/<name>.sql}: for every warehouse (SQL that both spell the same way);</li>
 *   <li>{@code objects/<warehouse>/<name>.sql}: for that warehouse only, and in place of a shared
 *       file of the same name. {@code <warehouse>} is a warehouse type's name or its
 *       {@code embedded:} name ({@code postgresql} or {@code postgres}, {@code mariadb}); folders of
 *       other warehouses are ignored, and a folder no warehouse type recognises is a warning.</li>
 * </ul>
 * Objects deploy in the order of their names (prefix a number to order one after another, as with
 * Flyway's repeatable migrations). Files are read under the project's file rules (inside the
 * project, bounded, UTF-8); every problem is reported at once.
 */
public final class ProjectObjects {
    private static final java.util.regex.Pattern NAME = java.util.regex.Pattern.compile("[A-Za-z0-9_]{1,63}");
    private final List<WarehouseObject> objects;
    private final List<String> warnings;

    private ProjectObjects(List<WarehouseObject> objects, List<String> warnings) {
        this.objects = List.copyOf(objects);
        this.warnings = List.copyOf(warnings);
    }

    public static ProjectObjects none() {
        return new ProjectObjects(List.of(), List.of());
    }

    /** The objects of {@code project} for the warehouse whose adapter is named {@code warehouse} ({@code postgresql}). */
    public static ProjectObjects discover(ProjectConfig project, String warehouse, Problems problems) {
        Path rel = project.operations().objects().dir();
        Path dir = project.directory().resolve(rel);
        if (!Files.isDirectory(dir)) {
            if (!rel.equals(dev.strata.config.OperationsSection.ObjectsConfig.DEFAULT_DIR)) {
                problems.add(project.operations().objects().position(), "objects.dir", "no folder " + rel);
            }
            return none();
        }
        Map<String, Path> files = new TreeMap<>();
        List<String> warnings = new ArrayList<>();
        Position at = new Position(dir.toString(), 1, 1);
        try (Stream<Path> entries = Files.list(dir)) {
            for (Path p : entries.sorted().toList()) {
                String fileName = p.getFileName().toString();
                if (Files.isRegularFile(p) && fileName.endsWith(".sql")) {
                    files.putIfAbsent(fileName.substring(0, fileName.length() - 4), p);
                } else if (Files.isDirectory(p)) {
                    Optional<WarehouseType> type = typeOf(fileName);
                    if (type.isEmpty()) {
                        warnings.add(rel.resolve(fileName) + "/: no warehouse "
                                + "is named '" + fileName + "' (known: " + String.join(", ", Warehouses.types().stream()
                                .map(WarehouseType::name).toList()) + "); its files are not deployed");
                    }
                }
            }
            // a warehouse's own folder: its files replace shared files of the same name
            for (String folder : vendorFolders(dir, warehouse)) {
                try (Stream<Path> own = Files.list(dir.resolve(folder))) {
                    for (Path p : own.sorted().toList()) {
                        String fileName = p.getFileName().toString();
                        if (Files.isRegularFile(p) && fileName.endsWith(".sql")) {
                            files.put(fileName.substring(0, fileName.length() - 4), p);
                        }
                    }
                }
            }
        } catch (IOException e) {
            problems.add(at, "objects", "cannot list " + dir + ": " + e.getMessage());
            return none();
        }
        List<WarehouseObject> out = new ArrayList<>();
        files.forEach((name, file) -> {
            Path relative = project.directory().relativize(file);
            String display = file.normalize().toString();
            if (!NAME.matcher(name).matches()) {
                problems.add(new Position(display, 1, 1), "objects", "'" + name + ".sql': an object's file name must be "
                        + "letters, digits and _, at most 63 characters (it names the object in strata.deployed_objects)");
                return;
            }
            ProjectFiles.read(project.directory(), relative, display, new Position(display, 1, 1), "objects." + name, problems)
                    .ifPresent(text -> out.add(WarehouseObject.of(name, display, text)));
        });
        return new ProjectObjects(out, warnings);
    }

    /** The folders under {@code dir} that belong to warehouse {@code warehouse}, by type name or embedded name. */
    private static List<String> vendorFolders(Path dir, String warehouse) throws IOException {
        Optional<WarehouseType> own = Warehouses.types().stream().filter(t -> t.name().equals(warehouse)).findFirst();
        List<String> out = new ArrayList<>();
        try (Stream<Path> entries = Files.list(dir)) {
            for (Path p : entries.filter(Files::isDirectory).sorted().toList()) {
                String f = p.getFileName().toString();
                if (f.equals(warehouse) || own.map(t -> t.handlesEmbedded(f)).orElse(false)) {
                    out.add(f);
                }
            }
        }
        return out;
    }

    private static Optional<WarehouseType> typeOf(String folder) {
        return Warehouses.types().stream().filter(t -> t.name().equals(folder) || t.handlesEmbedded(folder)).findFirst();
    }

    /** In deployment order. */
    public List<WarehouseObject> objects() {
        return objects;
    }

    /** Folders that no warehouse type recognises. */
    public List<String> warnings() {
        return warnings;
    }

    public boolean isEmpty() {
        return objects.isEmpty();
    }
}
