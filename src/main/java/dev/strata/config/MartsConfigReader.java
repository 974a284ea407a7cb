package dev.strata.config;

import dev.strata.config.MartConfig.Check;
import dev.strata.config.MartConfig.Materialization;
import dev.strata.config.MartConfig.NamedRef;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Reads the {@code marts:} section and discovers undeclared {@code marts/*.sql} files. Only
 * settings are read here; templates are parsed (and {@code ref()}s resolved) by
 * {@code dev.strata.marts} when the graph is built.
 */
final class MartsConfigReader {
    static final String MARTS_DIR = "marts";

    private MartsConfigReader() {
    }

    static MartsSection read(Path projectDir, ConfigReader root, Problems problems) {
        return read(projectDir, root, problems, new TestsConfigReader(projectDir));
    }

    /** Like {@link #read(Path, ConfigReader, Problems)}; each mart's {@code tests:} and {@code checks:} go to {@code tests}. */
    static MartsSection read(Path projectDir, ConfigReader root, Problems problems, TestsConfigReader tests) {
        Map<String, MartConfig> marts = new LinkedHashMap<>();
        root.namedEntries("marts").forEach((name, value) -> {
            Optional<ConfigReader> m = value.isNull() ? Optional.empty() : value.asMapping();
            if (!value.isNull() && m.isEmpty()) {
                return;
            }
            MartConfig mart = m.map(r -> readMart(projectDir, name, r, value.position(), tests))
                    .orElse(defaults(name, value.position()));
            boolean namedFile = m.map(r -> r.has("file")).orElse(false);
            Position fileAt = namedFile ? m.get().keyPosition("file") : value.position();
            String fileKey = "marts." + name + (namedFile ? ".file" : "");
            if (!ProjectFiles.checkInside(projectDir, mart.file(), fileAt, fileKey, problems)) {
                marts.put(name, mart);
                return;
            }
            if (mart.call().isEmpty() && !Files.isRegularFile(projectDir.resolve(mart.file()))) {
                problems.add(value.position(), "marts." + name,
                        "no SQL file " + mart.file() + " (a mart is one select in marts/<name>.sql)");
            }
            marts.put(name, mart);
        });
        discoverFiles(projectDir, marts, problems);
        return new MartsSection(marts);
    }

    private static MartConfig defaults(String name, Position position) {
        return new MartConfig(name, Path.of(MARTS_DIR, name + ".sql"), Optional.empty(), Optional.empty(),
                Optional.empty(), List.of(), List.of(), List.of(), position);
    }

    private static MartConfig readMart(Path projectDir, String name, ConfigReader m, Position position,
                                       TestsConfigReader tests) {
        Path file = m.string("file").map(Path::of).orElse(Path.of(MARTS_DIR, name + ".sql"));
        Optional<Materialization> materialized = m.optional("materialized")
                .flatMap(v -> v.asOneOf(Materialization.WORDS)).map(Materialization::of);
        Optional<String> schema = m.optional("schema").flatMap(ConfigValue::asIdentifier);
        Optional<String> timeColumn = m.optional("time_column").flatMap(ConfigValue::asIdentifier);
        List<String> uniqueKey = identifiers(m, "unique_key");
        List<NamedRef> dependsOn = new ArrayList<>();
        m.optional("depends_on").flatMap(ConfigValue::asList).ifPresent(items -> {
            for (ConfigValue item : items) {
                item.asIdentifier().ifPresent(n -> dependsOn.add(new NamedRef(n, item.position())));
            }
        });
        List<Check> checks = new ArrayList<>();
        m.namedEntries("checks").forEach((checkName, v) -> readCheck(projectDir, checkName, v).ifPresent(checks::add));
        // checks: are the tests feature's `sql` tests (kept for compatibility); both run after each build
        checks.forEach(c -> tests.addCheck(name, c));
        tests.read(m, new TestsConfigReader.NodeShape(name, null, false, Optional.empty()));
        Optional<MartConfig.Call> call = readCall(m, materialized);
        m.finish();
        return new MartConfig(name, file, materialized, schema, timeColumn, uniqueKey, dependsOn, checks, position, call);
    }

    /** What {@code call:} accepts: a routine's name, optionally schema-qualified, and its arguments in parentheses. */
    private static final java.util.regex.Pattern CALL = java.util.regex.Pattern.compile(
            "[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)?\\s*\\(.*\\)\\s*", java.util.regex.Pattern.DOTALL);

    private static Optional<MartConfig.Call> readCall(ConfigReader m, Optional<Materialization> materialized) {
        Optional<ConfigValue> v = m.optional("call");
        if (v.isEmpty()) {
            return Optional.empty();
        }
        Optional<String> text = v.get().asString();
        if (text.isEmpty()) {
            return Optional.empty();
        }
        String call = text.get().strip();
        if (!CALL.matcher(call).matches() || call.contains(";")) {
            m.problem("call", "expected a procedure call such as insert_procedure_info() or dwh.load_day('{{ ds }}'), "
                    + "without CALL and without ';'");
            return Optional.empty();
        }
        if (m.has("file")) {
            m.problem("call", "a task runs either a file or a call; remove 'file' or 'call'");
        }
        if (materialized.isPresent() && materialized.get() != Materialization.SCRIPT) {
            m.problem("call", "a call task is an SQL task (materialized: script); it builds no " + materialized.get().word());
        }
        return Optional.of(new MartConfig.Call(call, v.get().position()));
    }

    private static List<String> identifiers(ConfigReader m, String key) {
        List<String> out = new ArrayList<>();
        m.optional(key).flatMap(ConfigValue::asList).ifPresent(items -> {
            for (ConfigValue item : items) {
                item.asIdentifier().ifPresent(out::add);
            }
        });
        return out;
    }

    /** A check is either inline SQL ({@code name: select ...}) or a mapping with {@code sql:} or {@code file:}. */
    private static Optional<Check> readCheck(Path projectDir, String name, ConfigValue v) {
        if (v.isScalar()) {
            return v.asString().map(sql -> new Check(name, Optional.of(sql), Optional.empty(), v.position()));
        }
        Optional<ConfigReader> m = v.asMapping();
        if (m.isEmpty()) {
            return Optional.empty();
        }
        ConfigReader c = m.get();
        Optional<String> sql = c.string("sql");
        Optional<Path> file = c.string("file").map(Path::of);
        c.finish();
        if (sql.isPresent() == file.isPresent()) {
            c.problem("a check needs exactly one of 'sql' (a query returning the offending rows) or 'file'");
            return Optional.empty();
        }
        Optional<String> outside = file.flatMap(f -> ProjectFiles.outside(projectDir, f));
        if (outside.isPresent()) {
            c.problem("file", outside.get());
            return Optional.empty();
        }
        if (file.isPresent() && !Files.isRegularFile(projectDir.resolve(file.get()))) {
            c.problem("file", "no such file: " + file.get());
            return Optional.empty();
        }
        return Optional.of(new Check(name, sql, file, v.position()));
    }

    /** Every {@code marts/*.sql} without a declaration is a mart with default settings. */
    private static void discoverFiles(Path projectDir, Map<String, MartConfig> marts, Problems problems) {
        Path dir = projectDir.resolve(MARTS_DIR);
        if (!Files.isDirectory(dir)) {
            return;
        }
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(p -> p.getFileName().toString().endsWith(".sql") && Files.isRegularFile(p))
                    .sorted().toList();
        } catch (IOException e) {
            problems.add(new Position(dir.toString(), 1, 1), "marts", "cannot list the marts folder: " + e.getMessage());
            return;
        }
        java.util.Set<Path> declaredFiles = new java.util.HashSet<>();
        for (MartConfig m : marts.values()) {
            declaredFiles.add(projectDir.resolve(m.file()).normalize());
        }
        for (Path f : files) {
            String fileName = f.getFileName().toString();
            String name = fileName.substring(0, fileName.length() - ".sql".length());
            if (marts.containsKey(name) || declaredFiles.contains(f.normalize())) {
                continue;
            }
            Position at = new Position(f.normalize().toString(), 1, 1);
            if (!ProjectFiles.checkInside(projectDir, projectDir.relativize(f), at, "marts", problems)) {
                continue;
            }
            if (!Identifiers.isSafe(name)) {
                problems.add(at, "marts", "'" + name + "' is not a safe SQL name for a mart (" + Identifiers.RULE
                        + "); rename the file");
                continue;
            }
            marts.put(name, defaults(name, at));
        }
    }
}
