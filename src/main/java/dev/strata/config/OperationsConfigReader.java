package dev.strata.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** Reads {@code run_log:}, {@code objects:} and {@code backup:} (see {@link OperationsSection}). */
final class OperationsConfigReader {
    private OperationsConfigReader() {
    }

    static OperationsSection read(Path projectDir, ConfigReader root, Problems problems) {
        Optional<OperationsSection.RunLogMirror> mirror = root.mapping("run_log").flatMap(OperationsConfigReader::readRunLog);
        OperationsSection.ObjectsConfig objects = root.mapping("objects").map(o -> readObjects(projectDir, o, problems))
                .orElse(OperationsSection.ObjectsConfig.defaults());
        Optional<OperationsSection.BackupConfig> backup = root.mapping("backup").map(b -> readBackup(projectDir, b, problems));
        return new OperationsSection(mirror, objects, backup);
    }

    private static Optional<OperationsSection.RunLogMirror> readRunLog(ConfigReader r) {
        Optional<String> table = r.required("table").flatMap(ConfigValue::asIdentifier);
        String schema = r.optional("schema").flatMap(ConfigValue::asIdentifier).orElse(MartConfig.DEFAULT_SCHEMA);
        List<OperationsSection.RunLogMirror.Column> columns = new ArrayList<>();
        Optional<ConfigValue> cols = r.optional("columns");
        if (cols.isEmpty()) {
            OperationsSection.RunLogMirror.FIELDS.forEach(f -> columns.add(new OperationsSection.RunLogMirror.Column(f, f)));
        } else if (cols.get().isSequence()) {
            // a list of fields: each in a column of its own name
            Set<String> seen = new LinkedHashSet<>();
            cols.get().asList().orElse(List.of()).forEach(item -> item.asString().ifPresent(f -> {
                if (!field(f, item::problem)) {
                    return;
                }
                if (!seen.add(f)) {
                    item.problem("'" + f + "' is listed twice");
                    return;
                }
                columns.add(new OperationsSection.RunLogMirror.Column(f, f));
            }));
        } else {
            // a mapping field -> column name
            cols.get().asMapping().ifPresent(m -> {
                Set<String> names = new LinkedHashSet<>();
                for (String f : m.keys()) {
                    Optional<String> name = m.optional(f).flatMap(ConfigValue::asIdentifier);
                    if (!field(f, msg -> m.problem(f, msg)) || name.isEmpty()) {
                        continue;
                    }
                    if (!names.add(name.get())) {
                        m.problem(f, "column '" + name.get() + "' is used twice");
                        continue;
                    }
                    columns.add(new OperationsSection.RunLogMirror.Column(f, name.get()));
                }
            });
        }
        if (cols.isPresent() && columns.stream().noneMatch(c -> c.field().equals("run_id"))) {
            r.problem("columns", "the mirror needs run_id: it is the key that makes each run one row");
        }
        r.finish();
        return table.map(t -> new OperationsSection.RunLogMirror(schema, t, columns, r.position()));
    }

    private static boolean field(String f, java.util.function.Consumer<String> problem) {
        if (OperationsSection.RunLogMirror.FIELDS.contains(f)) {
            return true;
        }
        problem.accept("'" + f + "' is not a field of a pipeline run" + Suggestions.didYouMean(f,
                OperationsSection.RunLogMirror.FIELDS) + " (fields: " + String.join(", ", OperationsSection.RunLogMirror.FIELDS) + ")");
        return false;
    }

    private static OperationsSection.ObjectsConfig readObjects(Path projectDir, ConfigReader o, Problems problems) {
        Path dir = o.string("dir").map(Path::of).orElse(OperationsSection.ObjectsConfig.DEFAULT_DIR);
        ProjectFiles.checkInside(projectDir, dir, o.keyPosition("dir"), "objects.dir", problems);
        o.finish();
        return new OperationsSection.ObjectsConfig(dir, o.position());
    }

    private static OperationsSection.BackupConfig readBackup(Path projectDir, ConfigReader b, Problems problems) {
        Path to = b.string("to").map(Path::of).orElse(OperationsSection.BackupConfig.DEFAULT_DIR);
        List<String> layers = new ArrayList<>();
        b.optional("layers").flatMap(ConfigValue::asList).ifPresent(items -> {
            for (ConfigValue item : items) {
                item.asIdentifier().ifPresent(l -> {
                    if (layers.contains(l)) {
                        item.problem("'" + l + "' is listed twice");
                    } else {
                        layers.add(l);
                    }
                });
            }
        });
        Optional<Duration> retention = b.optional("retention").flatMap(ConfigValue::asDuration);
        retention.filter(d -> d.isNegative() || d.isZero()).ifPresent(d -> b.problem("retention", "must be positive, e.g. 7d"));
        boolean scheduled = b.bool("scheduled", false);
        List<MartConfig.NamedRef> dependsOn = new ArrayList<>();
        b.optional("depends_on").flatMap(ConfigValue::asList).ifPresent(items -> {
            for (ConfigValue item : items) {
                item.asIdentifier().ifPresent(n -> dependsOn.add(new MartConfig.NamedRef(n, item.position())));
            }
        });
        if (!scheduled && !dependsOn.isEmpty()) {
            b.problem("depends_on", "orders the scheduled backup node; set scheduled: true or remove depends_on");
        }
        b.finish();
        return new OperationsSection.BackupConfig(to, layers, retention, scheduled, dependsOn, b.position());
    }
}
