package dev.strata.config;

import dev.strata.config.DataTestConfig.Column;
import dev.strata.config.DataTestConfig.Kind;
import dev.strata.config.DataTestConfig.NodeRef;
import dev.strata.config.DataTestConfig.Severity;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Reads {@code tests:} lists (of sources, vault tables and marts), a mart's {@code checks:} as
 * tests, and the files {@code tests/*.sql}, into a {@link TestsSection}. Every problem is recorded
 * at its file:line:column: an unknown or missing test kind (with a suggestion), a setting the kind
 * does not take, a bad severity, a column the relation does not have (where the columns are known
 * before anything runs: sources' STG columns and JSON paths, vault tables), a {@code to:} naming no
 * node. The syntax is documented in {@code docs/tests.md}.
 */
final class TestsConfigReader {
    static final String TESTS = "tests";
    /** The columns of every STG table ({@code ingest.StgTable}), which a source's tests may name. */
    static final Set<String> STG_COLUMNS = stgColumns();
    private static final List<String> COMMON = List.of("name", "severity", "where");
    private final Path projectDir;
    private final Map<String, List<DataTestConfig>> byNode = new LinkedHashMap<>();
    private final Map<String, Set<String>> knownColumns = new LinkedHashMap<>();

    TestsConfigReader(Path projectDir) {
        this.projectDir = projectDir;
    }

    /** The columns a node's tests may name, when they are known before anything runs; null: any name. */
    record NodeShape(String node, Set<String> columns, boolean jsonPaths, Optional<String> freshnessColumn) {
    }

    /** Reads {@code node}'s {@code tests:} value (a list of tests) if present in {@code owner}. */
    void read(ConfigReader owner, NodeShape shape) {
        owner.optional(TESTS).ifPresent(v -> read(v, shape));
        if (shape.columns() != null) {
            knownColumns.put(shape.node(), shape.columns());
        }
    }

    private void read(ConfigValue tests, NodeShape shape) {
        List<DataTestConfig> out = byNode.computeIfAbsent(shape.node(), k -> new ArrayList<>());
        for (ConfigValue item : tests.asList().orElse(List.of())) {
            if (!item.isMapping()) {
                item.problem("a test is a mapping naming its kind, e.g. { not_null: user_id } (kinds: "
                        + String.join(", ", Kind.DECLARABLE) + ")");
                continue;
            }
            readItem(item.asMapping().orElseThrow(), shape).ifPresent(list -> list.forEach(t -> add(out, t, item)));
        }
    }

    /** A mart's {@code checks.<name>}: a query returning offending rows, an error when it returns any. */
    void addCheck(String mart, MartConfig.Check check) {
        byNode.computeIfAbsent(mart, k -> new ArrayList<>()).add(new DataTestConfig(check.name(), Optional.of(mart), Kind.SQL,
                List.of(), List.of(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty(), check.sql(), check.file(), Severity.ERROR, Optional.empty(),
                check.position()));
    }

    private void add(List<DataTestConfig> out, DataTestConfig t, ConfigValue at) {
        if (out.stream().anyMatch(o -> o.name().equals(t.name()))) {
            at.problem("a test named '" + t.name() + "' is already declared on " + t.node().orElse("") + "; give this one "
                    + "another name: (name: ...)");
            return;
        }
        out.add(t);
    }

    private Optional<List<DataTestConfig>> readItem(ConfigReader m, NodeShape shape) {
        List<String> kinds = new ArrayList<>();
        for (String k : Kind.DECLARABLE) {
            if (m.has(k)) {
                kinds.add(k);
            }
        }
        Common sibling = common(m);
        if (kinds.isEmpty()) {
            if (m.keys().stream().allMatch(COMMON::contains)) {
                m.problem("names no test kind (one of " + String.join(", ", Kind.DECLARABLE) + ")");
            } // else finish() reports the unknown key, with the kind it resembles
            m.finish();
            return Optional.empty();
        }
        if (kinds.size() > 1) {
            m.problem("names " + String.join(" and ", kinds) + ": give each test its own list item");
            m.finish();
            return Optional.empty();
        }
        m.finish();
        Kind kind = Kind.of(kinds.get(0));
        ConfigValue v = m.optional(kinds.get(0)).orElseThrow();
        Optional<ConfigReader> options = v.isMapping() ? v.asMapping() : Optional.empty();
        Common inner = options.map(TestsConfigReader::common).orElse(Common.NONE);
        Common c = sibling.merge(inner, m);
        Position at = m.keyPosition(kinds.get(0));
        Settings s = new Settings();
        switch (kind) {
            case NOT_NULL, UNIQUE -> {
                if (options.isPresent()) {
                    ConfigReader o = options.get();
                    if (o.has("column") == o.has("columns")) {
                        o.problem("give 'column' (one) or 'columns' (a list)");
                    }
                    o.optional("column").ifPresent(x -> {
                        s.columnsGiven++;
                        column(x, shape).ifPresent(s.columns::add);
                    });
                    o.optional("columns").flatMap(ConfigValue::asList).ifPresent(l -> l.forEach(x -> {
                        s.columnsGiven++;
                        column(x, shape).ifPresent(s.columns::add);
                    }));
                } else {
                    v.asList().ifPresent(l -> l.forEach(x -> {
                        s.columnsGiven++;
                        column(x, shape).ifPresent(s.columns::add);
                    }));
                }
            }
            case ACCEPTED_VALUES -> options(v, kind, options).ifPresent(o -> {
                o.required("column").flatMap(x -> column(x, shape)).ifPresent(s.columns::add);
                o.required("values").flatMap(ConfigValue::asStringList).ifPresent(list -> {
                    if (list.isEmpty()) {
                        o.problem("values", "give at least one value");
                    }
                    s.values.addAll(list);
                });
            });
            case RELATIONSHIPS -> options(v, kind, options).ifPresent(o -> {
                o.required("column").flatMap(x -> column(x, shape)).ifPresent(s.columns::add);
                o.required("to").ifPresent(x -> x.asIdentifier().ifPresent(n -> s.to = Optional.of(new NodeRef(n, x.position()))));
                o.required("field").flatMap(ConfigValue::asIdentifier).ifPresent(f -> s.field = Optional.of(f));
            });
            case ROW_COUNT -> options(v, kind, options).ifPresent(o -> {
                s.min = o.optional("min").flatMap(ConfigValue::asLong);
                s.max = o.optional("max").flatMap(ConfigValue::asLong);
                o.optional("equal_to").ifPresent(x -> x.asIdentifier().ifPresent(n -> s.to = Optional.of(new NodeRef(n, x.position()))));
                if (s.to.isPresent() && (o.has("min") || o.has("max"))) {
                    o.problem("give either min/max or equal_to, not both");
                } else if (!o.has("equal_to") && !o.has("min") && !o.has("max")) {
                    o.problem("give min, max (or both), or equal_to: another node whose row count must be the same");
                }
                if (s.min.isPresent() && s.max.isPresent() && s.min.get() > s.max.get()) {
                    o.problem("max", "is smaller than min");
                }
                if (s.min.filter(n -> n < 0).isPresent()) {
                    o.problem("min", "must be at least 0");
                }
            });
            case FRESHNESS -> {
                if (v.isScalar()) {
                    v.asDuration().ifPresent(d -> s.maxAge = Optional.of(d));
                } else {
                    options(v, kind, options).ifPresent(o -> {
                        o.optional("column").flatMap(x -> column(x, shape)).ifPresent(s.columns::add);
                        o.required("max_age").flatMap(ConfigValue::asDuration).ifPresent(d -> s.maxAge = Optional.of(d));
                    });
                }
                if (s.columns.isEmpty()) {
                    if (shape.freshnessColumn().isPresent()) {
                        s.columns.add(new Column(shape.freshnessColumn().get(), at));
                    } else {
                        m.problem(kinds.get(0), "name the time column: freshness: { column: updated_at, max_age: 1d }");
                    }
                }
            }
            case EXPRESSION -> {
                if (v.isScalar()) {
                    v.asString().ifPresent(e -> s.expression = Optional.of(e));
                } else {
                    options(v, kind, options).ifPresent(o -> o.required("sql").flatMap(ConfigValue::asString)
                            .ifPresent(e -> s.expression = Optional.of(e)));
                }
                s.expression.filter(String::isBlank).ifPresent(e -> v.problem("the expression is empty"));
            }
            case SQL -> {
                if (v.isScalar()) {
                    v.asString().ifPresent(q -> s.sql = Optional.of(q));
                } else {
                    options(v, kind, options).ifPresent(o -> {
                        Optional<String> q = o.string("sql");
                        Optional<Path> f = o.string("file").map(Path::of);
                        if (q.isPresent() == f.isPresent()) {
                            o.problem("give exactly one of 'sql' (a query returning the offending rows) or 'file'");
                        }
                        f.filter(p -> !Files.isRegularFile(projectDir.resolve(p)))
                                .ifPresent(p -> o.problem("file", "no such file: " + p));
                        s.sql = q;
                        s.file = f;
                    });
                }
                if (c.where().isPresent()) {
                    m.problem("where", "an sql test filters in its own query; 'where' does not apply");
                }
            }
            default -> throw new IllegalStateException(kind.toString());
        }
        options.ifPresent(ConfigReader::finish);
        if ((kind == Kind.NOT_NULL || kind == Kind.UNIQUE) && s.columns.size() < Math.max(1, s.columnsGiven)) {
            if (s.columnsGiven == 0) {
                m.problem(kinds.get(0), "name at least one column");
            }
            return Optional.empty();
        }
        Severity severity = c.severity().orElse(Severity.ERROR);
        List<DataTestConfig> out = new ArrayList<>();
        if (kind == Kind.NOT_NULL && c.name().isEmpty()) {
            // like dbt: one not_null test per column, so each failure names its column
            for (Column col : s.columns) {
                out.add(build(defaultName(kind, List.of(col), s), shape, kind, List.of(col), s, severity, c.where(), at));
            }
        } else {
            out.add(build(c.name().orElseGet(() -> defaultName(kind, s.columns, s)), shape, kind, s.columns, s, severity,
                    c.where(), at));
        }
        return Optional.of(out);
    }

    private static DataTestConfig build(String name, NodeShape shape, Kind kind, List<Column> columns, Settings s,
                                        Severity severity, Optional<String> where, Position at) {
        return new DataTestConfig(name, Optional.of(shape.node()), kind, columns, s.values, s.to, s.field, s.min, s.max,
                s.maxAge, s.expression, s.sql, s.file, severity, where, at);
    }

    /** {@code not_null_user_id}, {@code unique_user_id_product_id}, {@code relationships_user_id__h_user}, ... */
    private static String defaultName(Kind kind, List<Column> columns, Settings s) {
        StringBuilder sb = new StringBuilder(kind.word());
        for (Column c : columns) {
            sb.append('_').append(c.name().replaceAll("[^A-Za-z0-9_]+", "_").replaceAll("^_+|_+$", ""));
        }
        s.to.ifPresent(t -> sb.append("__").append(t.name()));
        String name = sb.toString();
        return name.length() > 63 ? name.substring(0, 63) : name;
    }

    /** What one item set, filled as it is read. */
    private static final class Settings {
        final List<Column> columns = new ArrayList<>();
        int columnsGiven;
        final List<String> values = new ArrayList<>();
        Optional<NodeRef> to = Optional.empty();
        Optional<String> field = Optional.empty();
        Optional<Long> min = Optional.empty();
        Optional<Long> max = Optional.empty();
        Optional<Duration> maxAge = Optional.empty();
        Optional<String> expression = Optional.empty();
        Optional<String> sql = Optional.empty();
        Optional<Path> file = Optional.empty();
    }

    /** name, severity and where: written next to the kind or inside its mapping. */
    private record Common(Optional<String> name, Optional<Severity> severity, Optional<String> where) {
        static final Common NONE = new Common(Optional.empty(), Optional.empty(), Optional.empty());

        Common merge(Common inner, ConfigReader at) {
            if (name.isPresent() && inner.name.isPresent() || severity.isPresent() && inner.severity.isPresent()
                    || where.isPresent() && inner.where.isPresent()) {
                at.problem("a setting is given twice, next to the test kind and inside it; keep one");
            }
            return new Common(name.or(() -> inner.name), severity.or(() -> inner.severity), where.or(() -> inner.where));
        }
    }

    private static Common common(ConfigReader m) {
        Optional<String> name = m.optional("name").flatMap(ConfigValue::asIdentifier);
        Optional<Severity> severity = m.optional("severity").flatMap(v -> v.asOneOf(Severity.WORDS)).map(Severity::of);
        Optional<String> where = m.optional("where").flatMap(ConfigValue::asString);
        where.filter(String::isBlank).ifPresent(w -> m.problem("where", "the condition is empty"));
        return new Common(name, severity, where);
    }

    /** The kind's mapping of settings (already read once for name/severity/where), or a problem when it is not one. */
    private static Optional<ConfigReader> options(ConfigValue v, Kind kind, Optional<ConfigReader> read) {
        if (read.isEmpty()) {
            v.problem(kind.word() + " takes a mapping of settings, e.g. " + example(kind));
        }
        return read;
    }

    private static String example(Kind kind) {
        return switch (kind) {
            case ACCEPTED_VALUES -> "{ column: status, values: [OPEN, CLOSED] }";
            case RELATIONSHIPS -> "{ column: user_id, to: h_user, field: user_id }";
            case ROW_COUNT -> "{ min: 1 } or { equal_to: other_node }";
            case FRESHNESS -> "{ column: updated_at, max_age: 1d }";
            case EXPRESSION -> "{ sql: \"amount >= 0\" }";
            default -> "{ sql: select ... }";
        };
    }

    /** A column name, checked against the node's columns when they are known. */
    private static Optional<Column> column(ConfigValue v, NodeShape shape) {
        Optional<String> text = v.asString();
        if (text.isEmpty()) {
            return Optional.empty();
        }
        String name = text.get().trim();
        if (name.startsWith("$")) {
            if (!shape.jsonPaths()) {
                v.problem("'" + name + "' is a JSON path; only a source's tests read its payload by path "
                        + "(name a column of " + shape.node() + ")");
                return Optional.empty();
            }
            try {
                JsonPath.parse(name);
            } catch (IllegalArgumentException e) {
                v.problem(e.getMessage());
                return Optional.empty();
            }
            return Optional.of(new Column(name, v.position()));
        }
        if (!Identifiers.isSafe(name)) {
            v.problem("'" + name + "' is not a safe SQL name (" + Identifiers.RULE + ")");
            return Optional.empty();
        }
        if (shape.columns() != null && !shape.columns().contains(name)) {
            v.problem("'" + name + "' is not a column of " + shape.node() + Suggestions.didYouMean(name, shape.columns())
                    + " (columns: " + String.join(", ", shape.columns()) + (shape.jsonPaths()
                    ? "; or a JSON path into the payload, such as $.payload.id" : "") + ")");
            return Optional.empty();
        }
        return Optional.of(new Column(name, v.position()));
    }

    /**
     * Finds {@code tests/*.sql} and checks what needs the whole project: that every {@code to:} /
     * {@code equal_to:} names a node, and that {@code field} is a column of it when its columns are known.
     */
    TestsSection finish(Set<String> nodes, Problems problems) {
        for (List<DataTestConfig> tests : byNode.values()) {
            for (DataTestConfig t : tests) {
                if (t.to().isEmpty()) {
                    continue;
                }
                NodeRef to = t.to().get();
                if (!nodes.contains(to.name())) {
                    problems.add(to.position(), t.node().orElse("") + ".tests." + t.name(), "no source, vault table or mart named '"
                            + to.name() + "'" + Suggestions.didYouMean(to.name(), nodes));
                } else if (t.field().isPresent() && knownColumns.containsKey(to.name())
                        && !knownColumns.get(to.name()).contains(t.field().get())) {
                    problems.add(to.position(), t.node().orElse("") + ".tests." + t.name(), "'" + t.field().get()
                            + "' is not a column of " + to.name() + Suggestions.didYouMean(t.field().get(),
                            knownColumns.get(to.name())) + " (columns: " + String.join(", ", knownColumns.get(to.name())) + ")");
                }
            }
        }
        return new TestsSection(byNode, files(problems));
    }

    /** Every {@code tests/*.sql} is a singular test named by its file. */
    private List<DataTestConfig> files(Problems problems) {
        Path dir = projectDir.resolve(TestsSection.TESTS_DIR);
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        List<Path> found;
        try (Stream<Path> s = Files.list(dir)) {
            found = s.filter(p -> p.getFileName().toString().endsWith(".sql") && Files.isRegularFile(p)).sorted().toList();
        } catch (IOException e) {
            problems.add(new Position(dir.toString(), 1, 1), TESTS, "cannot list the tests folder: " + e.getMessage());
            return List.of();
        }
        List<DataTestConfig> out = new ArrayList<>();
        Set<String> names = new LinkedHashSet<>();
        for (Path f : found) {
            String fileName = f.getFileName().toString();
            String name = fileName.substring(0, fileName.length() - ".sql".length());
            Position at = new Position(f.normalize().toString(), 1, 1);
            if (!Identifiers.isSafe(name)) {
                problems.add(at, TESTS, "'" + name + "' is not a safe name for a test (" + Identifiers.RULE + "); rename the file");
                continue;
            }
            names.add(name);
            out.add(new DataTestConfig(name, Optional.empty(), Kind.SQL, List.of(), List.of(), Optional.empty(),
                    Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                    Optional.empty(), Optional.of(projectDir.relativize(f)), Severity.ERROR, Optional.empty(), at));
        }
        return out;
    }

    private static Set<String> stgColumns() {
        Set<String> out = new java.util.TreeSet<>(VaultConfigReader.STG_COLUMNS);
        out.add("_payload");
        out.add("_headers");
        return java.util.Collections.unmodifiableSet(out);
    }

    /** The columns of a vault table as {@code VaultTables} lays them out (docs/vault.md). */
    static Set<String> hubColumns(String hub, Map<String, ColumnType> keys) {
        Set<String> out = new LinkedHashSet<>(List.of(hub + "_hk"));
        out.addAll(keys.keySet());
        out.addAll(List.of("load_dt", "record_source"));
        return out;
    }

    static Set<String> linkColumns(String link, java.util.Collection<String> roles) {
        Set<String> out = new LinkedHashSet<>(List.of(link + "_hk"));
        roles.forEach(r -> out.add(r + "_hk"));
        out.addAll(List.of("load_dt", "record_source"));
        return out;
    }

    static Set<String> satelliteColumns(String parent, java.util.Collection<String> attributes) {
        Set<String> out = new LinkedHashSet<>(List.of(parent + "_hk", "load_dt", "hashdiff", "record_source"));
        out.addAll(attributes);
        return out;
    }
}
