package dev.strata.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads a project folder into a {@link ProjectConfig}, or throws a {@link ConfigException} listing
 * every problem found (file:line:column, key path, message). Reading has no side effects: no
 * connection is opened, nothing is started.
 */
public final class ProjectLoader {
    public static final String FILE_NAME = "strata.yaml";
    private final EnvResolver env;

    public ProjectLoader(EnvResolver env) {
        this.env = env;
    }

    public static ProjectLoader withSystemEnv() {
        return new ProjectLoader(EnvResolver.system());
    }

    /**
     * Loads {@code dir/strata.yaml}. {@code dir} may also name the {@code strata.yaml} itself (a
     * path a user often pastes); any other file is refused as not a project folder.
     */
    public ProjectConfig load(Path dir) {
        if (Files.isRegularFile(dir) && dir.getFileName() != null && dir.getFileName().toString().equals(FILE_NAME)) {
            dir = dir.toAbsolutePath().getParent();
        }
        Path file = dir.resolve(FILE_NAME);
        String display = displayName(file);
        Problems problems = new Problems();
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            problems.add(new Position(displayName(dir), 1, 1), "", "this is a file, not a project folder: give the "
                    + "folder that holds " + FILE_NAME);
            problems.throwIfAny();
        }
        if (!Files.isRegularFile(file)) {
            problems.add(new Position(display, 1, 1), "", "no " + FILE_NAME + " here; `strata init` creates one");
            problems.throwIfAny();
        }
        Optional<ConfigReader> root = YamlDocument.read(file, display, problems, env);
        problems.throwIfAny();
        ProjectConfig config = read(dir, root.orElseThrow(), problems);
        problems.throwIfAny();
        return config;
    }

    /** Reads a project from YAML text (tests, bundled examples); {@code displayName} is used in messages. */
    public ProjectConfig parse(Path dir, String yaml, String displayName) {
        Problems problems = new Problems();
        Optional<ConfigReader> root = YamlDocument.parse(yaml, displayName, problems, env);
        problems.throwIfAny();
        ProjectConfig config = read(dir, root.orElseThrow(), problems);
        problems.throwIfAny();
        return config;
    }

    private static String displayName(Path file) {
        Path normalized = file.normalize();
        return normalized.toString().isEmpty() ? FILE_NAME : normalized.toString();
    }

    private ProjectConfig read(Path dir, ConfigReader root, Problems problems) {
        String name = root.required("name").flatMap(ConfigValue::asIdentifier).orElse("unnamed");
        WarehouseConfig warehouse = root.mapping("warehouse").map(ProjectLoader::readWarehouse)
                .orElse(new WarehouseConfig(WarehouseConfig.EMBEDDED_POSTGRES, "strata", Secret.empty(),
                        WarehouseConfig.DEFAULT_POOL_SIZE));
        Map<String, SourceConfig> sources = new LinkedHashMap<>();
        TestsConfigReader tests = new TestsConfigReader(dir);
        root.namedEntries("sources").forEach((sourceName, value) -> value.asMapping().ifPresent(m -> {
            if (m.has("cdc")) {
                // one stream per captured table: stg.<source>_<table>
                for (SourceConfig table : CdcSourceReader.read(sourceName, m)) {
                    addSource(sources, table, m);
                }
            } else {
                addSource(sources, readSource(sourceName, m, tests), m);
            }
        }));
        Map<String, ProjectVar> vars = VarsConfigReader.read(root);
        ConsoleConfig console = root.mapping("console").map(ProjectLoader::readConsole).orElse(ConsoleConfig.defaults());
        java.util.Set<String> tableSources = sources.entrySet().stream()
                .filter(e -> e.getValue().spec() instanceof JdbcSourceSpec).map(Map.Entry::getKey)
                .collect(java.util.stream.Collectors.toSet());
        VaultSection vault = root.mapping("vault").map(v -> VaultConfigReader.read(v, sources.keySet(), tableSources, tests))
                .orElse(VaultSection.none());
        MartsSection marts = MartsConfigReader.read(dir, root, problems, tests);
        ScheduleSection schedule = ScheduleConfigReader.read(root);
        DashboardsSection dashboards = DashboardsConfigReader.read(root);
        OperationsSection operations = OperationsConfigReader.read(dir, root, problems);
        root.finish();
        java.util.Set<String> nodes = new java.util.LinkedHashSet<>(sources.keySet());
        nodes.addAll(vault.hubs().keySet());
        nodes.addAll(vault.links().keySet());
        nodes.addAll(vault.satellites().keySet());
        nodes.addAll(marts.marts().keySet());
        TestsSection testsSection = tests.finish(nodes, problems);
        return new ProjectConfig(dir, name, warehouse, sources, vault, marts, schedule, dashboards, console, vars,
                testsSection, operations);
    }

    private static void addSource(Map<String, SourceConfig> sources, SourceConfig s, ConfigReader at) {
        SourceConfig earlier = sources.putIfAbsent(s.name(), s);
        if (earlier != null) {
            at.problem("lands into stg." + s.name() + ", which source '" + earlier.name() + "' (line "
                    + earlier.position().line() + ") lands into too; rename one of them");
        }
    }

    private static WarehouseConfig readWarehouse(ConfigReader m) {
        String url = m.string("url").filter(s -> !s.isBlank()).orElse(WarehouseConfig.EMBEDDED_POSTGRES);
        if (!url.startsWith("jdbc:") && !WarehouseConfig.EMBEDDED_KINDS.contains(url)) {
            m.problem("url", "expected a JDBC URL (jdbc:postgresql://host:5432/db), embedded:postgres or embedded:mariadb");
        }
        String user = m.string("user").filter(s -> !s.isBlank()).orElse("strata");
        Secret password = m.secret("password");
        int pool = m.integer("pool_size", WarehouseConfig.DEFAULT_POOL_SIZE);
        if (pool < 1 || pool > 200) {
            m.problem("pool_size", "must be between 1 and 200");
        }
        m.finish();
        return new WarehouseConfig(url, user, password, pool);
    }

    private static SourceConfig readSource(String name, ConfigReader m, TestsConfigReader tests) {
        SourceSpec spec = null;
        int kinds = 0;
        if (m.has("kafka")) {
            kinds++;
            spec = m.mapping("kafka").map(k -> readKafka(name, k)).orElse(null);
        }
        if (m.has("redis")) {
            kinds++;
            spec = m.mapping("redis").map(ProjectLoader::readRedis).orElse(null);
        }
        if (m.has("jdbc")) {
            kinds++;
            spec = m.mapping("jdbc").map(j -> JdbcSourceConfigReader.read(m, j)).orElse(null);
        } else if (m.has("schedule")) {
            m.problem("schedule", "only a jdbc source runs on a schedule; kafka and redis sources land continuously");
        }
        m.optional("schedule");   // read with the jdbc spec
        if (kinds == 0) {
            m.problem("needs a kind: kafka, redis, jdbc or cdc");
        } else if (kinds > 1) {
            m.problem("has more than one kind: choose kafka, redis, jdbc or cdc");
        }
        List<JsonPath> key = m.optional("key").map(ProjectLoader::readKey).orElse(List.of());
        if (!key.isEmpty() && spec instanceof RedisSourceSpec) {
            m.problem("key", "a Redis source is keyed by each entry's Redis key and value; remove 'key'");
        }
        if (!key.isEmpty() && spec instanceof KafkaSourceSpec k && k.isDebezium()) {
            m.problem("key", "format: debezium lands every change event of a row (a key would keep only its first); "
                    + "_key holds the change's record key, remove 'key'");
        }
        Optional<RecordFilter> filter = m.optional("filter").flatMap(ProjectLoader::readFilter);
        Optional<JsonPath> eventTime = m.optional("event_time").flatMap(ConfigValue::asJsonPath);
        Optional<Duration> window = Optional.empty();
        Optional<ConfigReader> dedup = m.mapping("dedup");
        if (dedup.isPresent()) {
            window = dedup.get().optional("window").flatMap(ConfigValue::asDuration);
            dedup.get().finish();
            if (window.isPresent() && key.isEmpty()) {
                m.problem("dedup", "a dedup window needs a 'key' to deduplicate on");
            }
        }
        BatchConfig batch = m.mapping("batch").map(ProjectLoader::readBatch).orElse(BatchConfig.defaults());
        long maxBytes = m.size("max_message_bytes", SourceConfig.DEFAULT_MAX_MESSAGE_BYTES);
        // a jdbc source's columns are the source table's, known when it is read
        tests.read(m, spec instanceof JdbcSourceSpec
                ? new TestsConfigReader.NodeShape(name, null, false, Optional.of("_loaded_at"))
                : new TestsConfigReader.NodeShape(name, TestsConfigReader.STG_COLUMNS, true, Optional.of("_loaded_at")));
        m.finish();
        return new SourceConfig(name, spec, key, filter, eventTime, window, batch, maxBytes, m.position());
    }

    /** {@code key: $.id}, or several paths whose values together are the key: {@code key: [$.id, $.sent]}. */
    private static List<JsonPath> readKey(ConfigValue v) {
        List<JsonPath> paths = new java.util.ArrayList<>();
        v.asList().ifPresent(items -> {
            if (items.isEmpty()) {
                v.problem("give at least one JSON path, or leave 'key' out to identify records by their position");
            }
            for (ConfigValue item : items) {
                item.asJsonPath().ifPresent(p -> {
                    if (paths.stream().anyMatch(q -> q.segments().equals(p.segments()))) {
                        item.problem("'" + p + "' is already part of the key");
                    } else {
                        paths.add(p);
                    }
                });
            }
        });
        return paths;
    }

    /** {@code filter: { path: $.type, equals: A }} or {@code filter: { path: $.type, in: [A, B] }}. */
    private static Optional<RecordFilter> readFilter(ConfigValue v) {
        Optional<ConfigReader> m = v.asMapping();
        if (m.isEmpty()) {
            return Optional.empty();
        }
        ConfigReader f = m.get();
        Optional<JsonPath> path = f.required("path").flatMap(ConfigValue::asJsonPath);
        List<String> values = new java.util.ArrayList<>();
        boolean equals = f.has("equals");
        boolean in = f.has("in");
        if (equals == in) {
            f.problem("give one of 'equals' (a value) or 'in' (a list of values): the records whose value at 'path' "
                    + "matches are this source's, the others are skipped");
        }
        f.optional("equals").flatMap(ConfigValue::asString).ifPresent(values::add);
        f.optional("in").flatMap(ConfigValue::asStringList).ifPresent(list -> {
            if (list.isEmpty()) {
                f.problem("in", "give at least one value");
            }
            values.addAll(list);
        });
        path.filter(JsonPath::isRoot).ifPresent(p -> f.problem("path", "the whole record ($) is an object, never "
                + "equal to a value; give the path of a field, such as $.object_type"));
        f.finish();
        if (path.isEmpty() || path.get().isRoot() || values.isEmpty() || equals == in) {
            return Optional.empty();
        }
        return Optional.of(new RecordFilter(path.get(), values));
    }

    private static KafkaSourceSpec readKafka(String sourceName, ConfigReader k) {
        String bootstrap = k.string("bootstrap").filter(s -> !s.isBlank()).orElse(KafkaSourceSpec.EMBEDDED);
        String topic = k.requiredString("topic");
        String format = k.optional("format").flatMap(v -> v.asOneOf(KafkaSourceSpec.FORMAT_JSON, KafkaSourceSpec.FORMAT_DEBEZIUM))
                .orElse(KafkaSourceSpec.FORMAT_JSON);
        String group = k.string("group").orElse(null);
        Map<String, String> props = new LinkedHashMap<>();
        k.mapping("properties").ifPresent(p -> {
            for (String key : p.keys()) {
                p.string(key).ifPresent(v -> props.put(key, v));
            }
        });
        k.finish();
        return new KafkaSourceSpec(bootstrap, topic, format, group, props);
    }

    private static RedisSourceSpec readRedis(ConfigReader r) {
        String url = r.string("url").filter(s -> !s.isBlank()).orElse(RedisSourceSpec.EMBEDDED);
        if (!url.equals(RedisSourceSpec.EMBEDDED) && !url.startsWith("redis://") && !url.startsWith("rediss://")) {
            r.problem("url", "expected redis://host:port[/db] or embedded");
        }
        String keys = r.requiredString("keys");
        Duration refresh = r.duration("refresh", RedisSourceSpec.DEFAULT_REFRESH);
        Secret password = r.secret("password");
        r.finish();
        return new RedisSourceSpec(url, keys, refresh, password);
    }

    static BatchConfig readBatch(ConfigReader b) {
        int records = b.integer("max_records", BatchConfig.DEFAULT_MAX_RECORDS);
        long bytes = b.size("max_bytes", BatchConfig.DEFAULT_MAX_BYTES);
        Duration wait = b.duration("max_wait", BatchConfig.DEFAULT_MAX_WAIT);
        if (records < 1) {
            b.problem("max_records", "must be at least 1");
        }
        b.finish();
        return new BatchConfig(records, bytes, wait);
    }

    private static ConsoleConfig readConsole(ConfigReader c) {
        String bind = c.string("bind").orElse(ConsoleConfig.LOOPBACK);
        int port = c.integer("port", 0);
        if (port < 0 || port > 65535) {
            c.problem("port", "must be between 0 (any free port) and 65535");
        }
        Secret token = c.secret("token");
        java.time.Duration lagWarning = c.duration("lag_warning", ConsoleConfig.DEFAULT_LAG_WARNING);
        c.finish();
        return new ConsoleConfig(bind, port, token, lagWarning);
    }
}
