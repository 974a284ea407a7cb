package dev.strata.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Reads the {@code vault:} section into a {@link VaultSection}. Every problem is recorded with its
 * file, line and key path: unknown keys, unsafe names, unparsable paths and types, references to
 * undeclared sources, hubs or links, key expressions that do not match the hub's key columns,
 * {@code $item} paths without {@code each:}. The syntax is documented in {@code docs/vault.md}.
 */
public final class VaultConfigReader {
    /**
     * The STG columns an expression may name ({@code ingest.StgTable}; {@code _payload} is reached
     * through {@code $} paths). Kept here because config does not depend on ingest; a test keeps
     * the two in step.
     */
    public static final Set<String> STG_COLUMNS = Set.of(
            "_seq", "_key", "_partition", "_offset", "_event_time", "_source_time", "_loaded_at", "_batch_id");
    /** Columns every vault table has; declared columns may not take these names. */
    public static final Set<String> RESERVED_COLUMNS = Set.of("load_dt", "record_source", "hashdiff");
    /** Keys of a {@code from.<source>} mapping that are options rather than column names. */
    static final String EACH = "each";
    static final String LOAD_DT = "load_dt";
    static final String WHERE = "where";
    static final String DELETED = "deleted";
    static final String MISSING_KEYS = "missing_keys";
    /** Longest target or role name, so that {@code <name>_hk} is still a valid identifier. */
    static final int MAX_NAME = 60;
    private static final String ITEM = "$item";

    private final Set<String> sources;
    /** The sources that land typed columns ({@code jdbc}): their expressions name columns, not JSON paths. */
    private final Set<String> tableSources;
    /**
     * Whether the {@code from.<source>} entry being parsed is of a {@link #tableSources table source}
     * (set by {@link #readFrom} around each parse: mappings are parsed one at a time).
     */
    private boolean tabular;
    /** Columns of a jdbc source's STG table that Strata adds, beside the source's own ({@code ingest.JdbcStgTable}). */
    static final Set<String> TABLE_STG_COLUMNS = Set.of("_seq", "_key", "_loaded_at", "_batch_id", "_snapshot_date");
    private final Map<String, HubConfig> hubs = new LinkedHashMap<>();
    private final Map<String, LinkConfig> links = new LinkedHashMap<>();
    private final Map<String, SatelliteConfig> satellites = new LinkedHashMap<>();
    private final Map<String, PitConfig> pits = new LinkedHashMap<>();
    private final Map<String, BridgeConfig> bridges = new LinkedHashMap<>();
    private final Set<String> targetNames = new LinkedHashSet<>();
    private MissingKeys defaultMissingKeys = MissingKeys.UNKNOWN;
    private final TestsConfigReader tests;

    private VaultConfigReader(Set<String> sources, Set<String> tableSources, TestsConfigReader tests) {
        this.sources = sources;
        this.tableSources = tableSources;
        this.tests = tests;
    }

    /**
     * Reads {@code vault} (the section's mapping); {@code sourceNames} are the sources the project
     * declares, whatever their kind.
     */
    public static VaultSection read(ConfigReader vault, Set<String> sourceNames) {
        return read(vault, sourceNames, new TestsConfigReader(java.nio.file.Path.of(".")));
    }

    /** Like {@link #read(ConfigReader, Set)}, handing each table's {@code tests:} to {@code tests}. */
    static VaultSection read(ConfigReader vault, Set<String> sourceNames, TestsConfigReader tests) {
        return read(vault, sourceNames, Set.of(), tests);
    }

    /**
     * Like {@link #read(ConfigReader, Set, TestsConfigReader)}; {@code tableSources} (a subset of the
     * names) land typed columns ({@code jdbc}), so their mappings name columns ({@code modify_date}).
     */
    static VaultSection read(ConfigReader vault, Set<String> sourceNames, Set<String> tableSources, TestsConfigReader tests) {
        return new VaultConfigReader(Set.copyOf(sourceNames), Set.copyOf(tableSources), tests).readSection(vault);
    }

    private VaultSection readSection(ConfigReader vault) {
        String schema = vault.optional("schema").flatMap(ConfigValue::asIdentifier).orElse(VaultSection.DEFAULT_SCHEMA);
        if (schema.equals("stg") || schema.equals("strata")) {
            vault.problem("schema", "'" + schema + "' is Strata's own schema; choose another (default: dds)");
        }
        long sortMemory = vault.size("sort_memory", VaultSection.DEFAULT_SORT_MEMORY);
        if (sortMemory < 64 * 1024) {
            vault.problem("sort_memory", "must be at least 64KB");
        }
        defaultMissingKeys = readMissingKeys(vault).orElse(MissingKeys.UNKNOWN);
        boolean ghostRecords = vault.bool("ghost_records", false);
        vault.namedEntries("hubs").forEach((name, v) -> {
            if (claimName(name, v)) {
                v.asMapping().map(m -> readHub(name, m)).ifPresent(h -> hubs.put(name, h));
            }
        });
        vault.namedEntries("links").forEach((name, v) -> {
            if (claimName(name, v)) {
                v.asMapping().map(m -> readLink(name, m)).ifPresent(l -> links.put(name, l));
            }
        });
        vault.namedEntries("satellites").forEach((name, v) -> {
            if (claimName(name, v)) {
                v.asMapping().map(m -> readSatellite(name, m)).ifPresent(s -> satellites.put(name, s));
            }
        });
        vault.namedEntries("pits").forEach((name, v) -> {
            if (claimName(name, v)) {
                v.asMapping().map(m -> readPit(name, m)).ifPresent(p -> pits.put(name, p));
            }
        });
        vault.namedEntries("bridges").forEach((name, v) -> {
            if (claimName(name, v)) {
                v.asMapping().map(m -> readBridge(name, m)).ifPresent(b -> bridges.put(name, b));
            }
        });
        vault.finish();
        return new VaultSection(schema, hubs, links, satellites, sortMemory, defaultMissingKeys, ghostRecords, pits, bridges);
    }

    /** {@code missing_keys: unknown | skip}, if given. */
    private static Optional<MissingKeys> readMissingKeys(ConfigReader m) {
        return m.optional(MISSING_KEYS).flatMap(v -> v.asOneOf("unknown", "skip")).map(MissingKeys::of);
    }

    private boolean claimName(String name, ConfigValue v) {
        if (name.length() > MAX_NAME) {
            v.problem("name '" + name + "' is longer than " + MAX_NAME + " characters (its hash key column adds '_hk')");
            return false;
        }
        if (!targetNames.add(name)) {
            v.problem("'" + name + "' is already declared; hubs, links, satellites, pits and bridges share one schema, so names must differ");
            return false;
        }
        return true;
    }

    // ---- hubs ----

    private HubConfig readHub(String name, ConfigReader m) {
        Map<String, ColumnType> keyColumns = m.required("key").map(this::readKeyColumns).orElse(Map.of());
        List<VaultMapping> from = readFrom(m, keyColumns.isEmpty() ? null : (source, value) -> {
            if (!value.isMapping()) {
                List<VaultExpression> exprs = shorthandKeys(value, keyColumns.size(), false);
                return exprs == null ? null : new VaultMapping(source, Optional.empty(), Map.of(name, exprs), Map.of(),
                        Optional.empty(), List.of(), List.of(), value.position(), tabular);
            }
            ConfigReader mm = value.asMapping().orElseThrow();
            Optional<JsonPath> each = readEach(mm);
            List<VaultExpression> exprs = new ArrayList<>();
            for (String col : keyColumns.keySet()) {
                mm.required(col).flatMap(v -> expression(v, each.isPresent())).ifPresent(exprs::add);
            }
            Optional<VaultExpression> loadDt = readLoadDt(mm, each.isPresent());
            List<VaultMapping.Filter> where = readWhere(mm, WHERE, each.isPresent());
            mm.finish();
            return exprs.size() != keyColumns.size() ? null
                    : new VaultMapping(source, each, Map.of(name, exprs), Map.of(), loadDt, where, List.of(), value.position(),
                    tabular);
        });
        MissingKeys missing = readMissingKeys(m).orElse(defaultMissingKeys);
        tests.read(m, new TestsConfigReader.NodeShape(name, TestsConfigReader.hubColumns(name, keyColumns), false,
                Optional.of("load_dt")));
        m.finish();
        return new HubConfig(name, keyColumns, from, missing, m.position());
    }

    /** {@code key: id}, {@code key: [a, b]} (text columns) or {@code key: {a: text, b: integer}}. */
    private Map<String, ColumnType> readKeyColumns(ConfigValue v) {
        Map<String, ColumnType> cols = new LinkedHashMap<>();
        if (v.isMapping()) {
            ConfigReader types = v.asMapping().orElseThrow();
            for (String col : types.keys()) {
                ConfigValue t = types.optional(col).orElse(null);
                if (t != null && checkColumnName(col, t)) {
                    cols.put(col, readType(t));
                } else if (t == null) {
                    types.problem(col, "needs a type (" + ColumnType.ACCEPTED + ")");
                }
            }
        } else {
            for (ConfigValue item : v.asList().orElse(List.of())) {
                item.asIdentifier().filter(col -> checkColumnName(col, item)).ifPresent(col -> {
                    if (cols.put(col, ColumnType.TEXT) != null) {
                        item.problem("'" + col + "' is listed twice");
                    }
                });
            }
        }
        if (cols.isEmpty()) {
            v.problem("a hub needs at least one business key column");
        }
        return cols;
    }

    // ---- links ----

    private LinkConfig readLink(String name, ConfigReader m) {
        Map<String, String> roles = m.required("hubs").map(this::readRoles).orElse(Map.of());
        Map<String, ColumnType> payload = m.optional("payload").flatMap(ConfigValue::asMapping)
                .map(p -> readAttributes(p, m, "payload", "a non-historized link needs at least one payload column"))
                .orElse(Map.of());
        payload.keySet().stream().filter(roles::containsKey).forEach(col ->
                m.problem("payload", "'" + col + "' is both a role and a payload column; rename the column"));
        List<String> eventKey = new ArrayList<>();
        m.optional("event_key").flatMap(ConfigValue::asList).ifPresent(items -> {
            if (payload.isEmpty()) {
                m.problem("event_key", "only a link with payload: (a non-historized link) has an event key");
                return;
            }
            for (ConfigValue item : items) {
                item.asString().ifPresent(col -> {
                    if (!payload.containsKey(col)) {
                        item.problem("'" + col + "' is not a payload column" + knownNames(col, payload.keySet(), "payload columns"));
                    } else if (eventKey.contains(col)) {
                        item.problem("'" + col + "' is listed twice");
                    } else {
                        eventKey.add(col);
                    }
                });
            }
        });
        List<VaultMapping> from = readFrom(m, roles.isEmpty() ? null : (source, value) -> {
            Optional<ConfigReader> mm = value.asMapping();
            if (mm.isEmpty()) {
                return null;
            }
            Optional<JsonPath> each = readEach(mm.get());
            Map<String, List<VaultExpression>> keys = readRoleKeys(mm.get(), roles, each.isPresent());
            Map<String, VaultExpression> attrs = new LinkedHashMap<>();
            for (String col : payload.keySet()) {
                mm.get().required(col).flatMap(v -> expression(v, each.isPresent())).ifPresent(e -> attrs.put(col, e));
            }
            Optional<VaultExpression> loadDt = readLoadDt(mm.get(), each.isPresent());
            List<VaultMapping.Filter> where = readWhere(mm.get(), WHERE, each.isPresent());
            mm.get().finish();
            return keys == null || !attrs.keySet().equals(payload.keySet()) ? null
                    : new VaultMapping(source, each, keys, attrs, loadDt, where, List.of(), value.position(), tabular);
        });
        MissingKeys missing = readMissingKeys(m).orElse(defaultMissingKeys);
        Set<String> columns = new LinkedHashSet<>(TestsConfigReader.linkColumns(name, roles.keySet()));
        columns.addAll(payload.keySet());
        tests.read(m, new TestsConfigReader.NodeShape(name, columns, false, Optional.of("load_dt")));
        m.finish();
        return new LinkConfig(name, roles, from, missing, payload, eventKey, m.position());
    }

    /** {@code hubs: [h_a, h_b]} or {@code hubs: {role_a: h_a, role_b: h_a}}; role → hub. */
    private Map<String, String> readRoles(ConfigValue v) {
        Map<String, String> roles = new LinkedHashMap<>();
        boolean ok = true;
        if (v.isMapping()) {
            ConfigReader r = v.asMapping().orElseThrow();
            for (String role : r.keys()) {
                ConfigValue hub = r.optional(role).orElse(null);
                Optional<String> hubName = hub == null ? Optional.empty() : hub.asString();
                if (hub == null) {
                    r.problem(role, "names no hub");
                    ok = false;
                } else if (!checkRoleName(role, hub) || hubName.isEmpty() || !checkHub(hubName.get(), hub)) {
                    ok = false;
                } else {
                    roles.put(role, hubName.get());
                }
            }
        } else {
            for (ConfigValue item : v.asList().orElse(List.of())) {
                Optional<String> hub = item.asString();
                if (hub.isEmpty() || !checkHub(hub.get(), item)) {
                    ok = false;
                } else if (roles.put(hub.get(), hub.get()) != null) {
                    item.problem("'" + hub.get() + "' is listed twice; to link a hub to itself, name the roles: "
                            + "hubs: {from_" + hub.get() + ": " + hub.get() + ", to_" + hub.get() + ": " + hub.get() + "}");
                    ok = false;
                }
            }
        }
        if (ok && roles.size() < 2) {
            v.problem("a link joins at least two hubs");
            return Map.of();
        }
        return ok ? roles : Map.of();
    }

    private boolean checkHub(String hub, ConfigValue at) {
        if (hubs.containsKey(hub)) {
            return true;
        }
        at.problem("'" + hub + "' is not a declared hub" + knownNames(hub, hubs.keySet(), "hubs"));
        return false;
    }

    /** For each role, the key expressions of its hub: a scalar for one-column keys, a list otherwise. */
    private Map<String, List<VaultExpression>> readRoleKeys(ConfigReader mm, Map<String, String> roles, boolean each) {
        Map<String, List<VaultExpression>> keys = new LinkedHashMap<>();
        boolean ok = true;
        for (Map.Entry<String, String> role : roles.entrySet()) {
            int parts = hubs.get(role.getValue()).keyColumns().size();
            Optional<ConfigValue> v = mm.required(role.getKey());
            List<VaultExpression> exprs = v.map(value -> shorthandKeys(value, parts, each)).orElse(null);
            if (exprs == null) {
                ok = false;
            } else {
                keys.put(role.getKey(), exprs);
            }
        }
        return ok ? keys : null;
    }

    // ---- satellites ----

    private SatelliteConfig readSatellite(String name, ConfigReader m) {
        String parent = m.required("parent").flatMap(ConfigValue::asString).orElse(null);
        boolean parentOk = false;
        if (parent != null) {
            parentOk = hubs.containsKey(parent) || links.containsKey(parent);
            if (!parentOk) {
                Set<String> known = new LinkedHashSet<>(hubs.keySet());
                known.addAll(links.keySet());
                m.problem("parent", "'" + parent + "' is not a declared hub or link" + knownNames(parent, known, "hubs or links"));
            }
        }
        if (m.has(MISSING_KEYS)) {
            m.problem(MISSING_KEYS, "a satellite never keeps rows for a missing parent key, whatever the policy; "
                    + "missing_keys: belongs to the parent hub or link (or the vault)");
        }
        Optional<SatelliteConfig.Effectivity> effectivity = m.optional("effectivity").flatMap(ConfigValue::asMapping)
                .flatMap(e -> readEffectivity(e, parent, m));
        boolean effective = m.has("effectivity");
        Map<String, ColumnType> attributes = new LinkedHashMap<>();
        ConfigReader[] attributesReader = new ConfigReader[1];
        if (effective) {
            if (m.has("attributes")) {
                m.problem("attributes", "an effectivity satellite has no attributes: it records when each relationship of "
                        + (parent == null ? "its link" : parent) + " starts and ends (declare attributes in another satellite)");
            }
        } else {
            m.required("attributes").flatMap(ConfigValue::asMapping).ifPresent(a -> {
                attributesReader[0] = a;
                attributes.putAll(readAttributes(a, m, "attributes", "a satellite needs at least one attribute"));
            });
        }
        Optional<SatelliteConfig.MultiActive> multiActive = m.optional("multi_active").flatMap(ConfigValue::asMapping)
                .flatMap(ma -> readMultiActive(ma, attributes));
        if (effective && m.has("multi_active")) {
            m.problem("multi_active", "a satellite is either an effectivity or a multi-active satellite, not both");
        }
        String parentName = parentOk && (!effective || effectivity.isPresent()) ? parent : null;
        List<VaultMapping> from = readFrom(m, parentName == null ? null : (source, value) -> {
            Optional<ConfigReader> mm = value.asMapping();
            if (mm.isEmpty()) {
                return null;
            }
            ConfigReader r = mm.get();
            Optional<JsonPath> each = readEach(r);
            Map<String, List<VaultExpression>> keys;
            HubConfig hub = hubs.get(parentName);
            if (hub != null) {
                List<VaultExpression> exprs = new ArrayList<>();
                for (String col : hub.keyColumns().keySet()) {
                    if (attributes.containsKey(col)) {
                        r.problem(col, "'" + col + "' is both a key column of " + parentName
                                + " and an attribute; rename the attribute");
                    }
                    r.required(col).flatMap(v -> expression(v, each.isPresent())).ifPresent(exprs::add);
                }
                keys = exprs.size() == hub.keyColumns().size() ? Map.of(parentName, exprs) : null;
            } else {
                keys = readRoleKeys(r, links.get(parentName).roles(), each.isPresent());
            }
            Map<String, VaultExpression> attrs = new LinkedHashMap<>();
            for (String attr : attributes.keySet()) {
                r.required(attr).flatMap(v -> expression(v, each.isPresent())).ifPresent(e -> attrs.put(attr, e));
            }
            Optional<VaultExpression> loadDt = readLoadDt(r, each.isPresent());
            List<VaultMapping.Filter> where = readWhere(r, WHERE, each.isPresent());
            List<VaultMapping.Filter> deleted = List.of();
            if (!m.has("multi_active")) {
                // an effectivity satellite's rows that end a relationship; a standard satellite's deletions
                deleted = readWhere(r, DELETED, each.isPresent());
            } else if (r.has(DELETED)) {
                r.problem(DELETED, "a multi-active satellite has no deletions; only the mappings of standard and "
                        + "effectivity satellites say which rows are deletes (deleted:)");
            }
            r.finish();
            return keys == null || !attrs.keySet().equals(attributes.keySet()) ? null
                    : new VaultMapping(source, each, keys, attrs, loadDt, where, deleted, value.position(), tabular);
        });
        boolean tracksDeletes = !effective && from.stream().anyMatch(f -> !f.deleted().isEmpty());
        if (tracksDeletes && attributes.containsKey(SatelliteConfig.IS_DELETED)) {
            attributesReader[0].problem(SatelliteConfig.IS_DELETED, "'" + SatelliteConfig.IS_DELETED + "' is the column "
                    + "Strata adds to a satellite whose mappings say deleted: (true on a deletion's row); remove the "
                    + "attribute, or rename it");
        }
        if (effectivity.isPresent()) {
            tests.read(m, new TestsConfigReader.NodeShape(name, new LinkedHashSet<>(List.of(parent + "_hk",
                    effectivity.get().drivingRole() + "_hk", "start_dt", "end_dt", "is_current", "record_source")), false,
                    Optional.of("start_dt")));
        } else {
            Set<String> columns = parent == null || effective ? null : TestsConfigReader.satelliteColumns(parent, attributes.keySet());
            if (columns != null && tracksDeletes) {
                columns.add(SatelliteConfig.IS_DELETED);
            }
            tests.read(m, new TestsConfigReader.NodeShape(name, columns, false, Optional.of("load_dt")));
        }
        m.finish();
        return new SatelliteConfig(name, parent == null ? "" : parent, attributes, from, effectivity, multiActive, m.position());
    }

    /** {@code effectivity: { driving_key: <role of the parent link> }}. */
    private Optional<SatelliteConfig.Effectivity> readEffectivity(ConfigReader e, String parent, ConfigReader satellite) {
        Optional<String> role = e.required("driving_key").flatMap(ConfigValue::asString);
        e.finish();
        if (parent == null || role.isEmpty()) {
            return Optional.empty();
        }
        LinkConfig link = links.get(parent);
        if (link == null) {
            if (hubs.containsKey(parent)) {
                satellite.problem("effectivity", "an effectivity satellite describes a link, but '" + parent + "' is a hub");
            }
            return Optional.empty();
        }
        if (link.transactional()) {
            satellite.problem("effectivity", "'" + parent + "' is a non-historized link: its events are never ended");
            return Optional.empty();
        }
        if (!link.roles().containsKey(role.get())) {
            e.problem("driving_key", "'" + role.get() + "' is not a role of " + parent
                    + knownNames(role.get(), link.roles().keySet(), "roles"));
            return Optional.empty();
        }
        return Optional.of(new SatelliteConfig.Effectivity(role.get()));
    }

    /** {@code multi_active: { key: phone_type }} or {@code key: [a, b]}: attributes of the satellite. */
    private Optional<SatelliteConfig.MultiActive> readMultiActive(ConfigReader ma, Map<String, ColumnType> attributes) {
        List<String> key = new ArrayList<>();
        boolean ok = true;
        for (ConfigValue item : ma.required("key").flatMap(ConfigValue::asList).orElse(List.of())) {
            Optional<String> col = item.asString();
            if (col.isEmpty()) {
                ok = false;
            } else if (!attributes.containsKey(col.get())) {
                item.problem("'" + col.get() + "' is not an attribute of this satellite"
                        + knownNames(col.get(), attributes.keySet(), "attributes"));
                ok = false;
            } else if (key.contains(col.get())) {
                item.problem("'" + col.get() + "' is listed twice");
                ok = false;
            } else if (attributes.get(col.get()).kind() == ColumnType.Kind.JSON) {
                item.problem("'" + col.get() + "' is json; a multi-active key must be a type a primary key can hold");
                ok = false;
            } else {
                key.add(col.get());
            }
        }
        ma.finish();
        if (ok && key.size() == attributes.size() && !key.isEmpty()) {
            ma.problem("key", "the key may not be every attribute: leave at least one attribute that describes each row");
            ok = false;
        }
        return ok && !key.isEmpty() ? Optional.of(new SatelliteConfig.MultiActive(key)) : Optional.empty();
    }

    /** {@code name: type} pairs of satellite attributes or link payload, in order; {@code owner} gets the "empty" problem. */
    private Map<String, ColumnType> readAttributes(ConfigReader a, ConfigReader owner, String key, String emptyProblem) {
        Map<String, ColumnType> out = new LinkedHashMap<>();
        for (String attr : a.keys()) {
            ConfigValue t = a.optional(attr).orElse(null);
            if (t == null) {
                a.problem(attr, "needs a type (" + ColumnType.ACCEPTED + ")");
            } else if (checkColumnName(attr, t)) {
                out.put(attr, readType(t));
            }
        }
        if (a.keys().isEmpty()) {
            owner.problem(key, emptyProblem);
        }
        return out;
    }

    // ---- point-in-time and bridge tables ----

    private PitConfig readPit(String name, ConfigReader m) {
        String hub = m.required("hub").flatMap(ConfigValue::asString).orElse(null);
        boolean hubOk = hub != null && hubs.containsKey(hub);
        if (hub != null && !hubOk) {
            m.problem("hub", "'" + hub + "' is not a declared hub" + knownNames(hub, hubs.keySet(), "hubs"));
        }
        List<String> sats = new ArrayList<>();
        Optional<List<ConfigValue>> listed = m.required("satellites").flatMap(ConfigValue::asList);
        if (listed.isPresent() && listed.get().isEmpty()) {
            m.problem("satellites", "a point-in-time table needs at least one satellite");
        }
        for (ConfigValue item : listed.orElse(List.of())) {
            item.asString().ifPresent(sat -> {
                SatelliteConfig s = satellites.get(sat);
                if (s == null) {
                    item.problem("'" + sat + "' is not a declared satellite" + knownNames(sat, satellites.keySet(), "satellites"));
                } else if (hubOk && !s.parent().equals(hub)) {
                    item.problem("'" + sat + "' describes " + s.parent() + ", not " + hub + "; a point-in-time table covers "
                            + "satellites of its hub" + knownNames(sat, satellites.values().stream()
                            .filter(x -> x.parent().equals(hub)).map(SatelliteConfig::name)
                            .collect(java.util.stream.Collectors.toCollection(LinkedHashSet::new)), "satellites of " + hub));
                } else if (sats.contains(sat)) {
                    item.problem("'" + sat + "' is listed twice");
                } else if (sat.length() + "_load_dt".length() > Identifiers.MAX_LENGTH) {
                    item.problem("the column " + sat + "_load_dt would be longer than " + Identifiers.MAX_LENGTH
                            + " characters; shorten the satellite's name");
                } else {
                    sats.add(sat);
                }
            });
        }
        Optional<java.time.Duration> keep = readKeep(m);
        m.finish();
        return new PitConfig(name, hub == null ? "" : hub, sats, keep, m.position());
    }

    private BridgeConfig readBridge(String name, ConfigReader m) {
        List<String> pathHubs = new ArrayList<>();
        List<BridgeConfig.Step> steps = new ArrayList<>();
        List<ConfigValue> path = m.required("path").flatMap(ConfigValue::asList).orElse(List.of());
        boolean ok = true;
        // hub, link, hub, link, hub ...: links are resolved once the hubs on both sides are known
        for (int i = 0; i < path.size(); i += 2) {
            Optional<String> hub = path.get(i).asString();
            if (hub.isEmpty()) {
                ok = false;
            } else if (!hubs.containsKey(hub.get())) {
                path.get(i).problem("'" + hub.get() + "' is not a declared hub" + (links.containsKey(hub.get())
                        ? " (a path starts and ends with a hub and alternates hub, link, hub)" : knownNames(hub.get(), hubs.keySet(), "hubs")));
                ok = false;
            } else if (pathHubs.contains(hub.get())) {
                path.get(i).problem("'" + hub.get() + "' is on the path twice; its columns would be ambiguous (declare two bridges)");
                ok = false;
            } else {
                pathHubs.add(hub.get());
            }
        }
        if (path.size() % 2 == 0 || path.size() < 3) {
            if (!path.isEmpty()) {
                m.problem("path", "a path is hub, link, hub (and more links and hubs, alternating): it has an odd number of "
                        + "at least three entries, got " + path.size());
            }
            ok = false;
        }
        if (ok) {
            for (int i = 1; i < path.size(); i += 2) {
                BridgeConfig.Step step = readStep(path.get(i), pathHubs.get(i / 2), pathHubs.get(i / 2 + 1));
                if (step == null) {
                    ok = false;
                } else {
                    steps.add(step);
                }
            }
        }
        Optional<java.time.Duration> keep = readKeep(m);
        m.finish();
        return new BridgeConfig(name, ok ? pathHubs : List.of(), ok ? steps : List.of(), keep, m.position());
    }

    /** One link of a bridge path: its name, or {@code { link: l, from: role, to: role }} when a hub has several roles in it. */
    private BridgeConfig.Step readStep(ConfigValue v, String before, String after) {
        String link;
        Optional<String> from = Optional.empty();
        Optional<String> to = Optional.empty();
        if (v.isMapping()) {
            ConfigReader r = v.asMapping().orElseThrow();
            link = r.required("link").flatMap(ConfigValue::asString).orElse(null);
            from = r.string("from");
            to = r.string("to");
            r.finish();
            if (link == null) {
                return null;
            }
        } else {
            link = v.asString().orElse(null);
            if (link == null) {
                return null;
            }
        }
        LinkConfig l = links.get(link);
        if (l == null) {
            v.problem("'" + link + "' is not a declared link" + (hubs.containsKey(link)
                    ? " (a path alternates hub, link, hub)" : knownNames(link, links.keySet(), "links")));
            return null;
        }
        String fromRole = role(v, l, before, from, "from");
        String toRole = role(v, l, after, to, "to");
        if (fromRole == null || toRole == null) {
            return null;
        }
        if (fromRole.equals(toRole)) {
            v.problem("enters and leaves " + link + " through the same role '" + fromRole + "'");
            return null;
        }
        return new BridgeConfig.Step(link, fromRole, toRole);
    }

    /** The role of {@code link} that refers to {@code hub}: the one given, or the only one. */
    private String role(ConfigValue at, LinkConfig link, String hub, Optional<String> given, String which) {
        List<String> candidates = link.roles().entrySet().stream().filter(e -> e.getValue().equals(hub)).map(Map.Entry::getKey).toList();
        if (given.isPresent()) {
            if (!candidates.contains(given.get())) {
                at.problem("'" + given.get() + "' is not a role of " + link.name() + " for " + hub
                        + (candidates.isEmpty() ? "" : " (roles for " + hub + ": " + String.join(", ", candidates) + ")"));
                return null;
            }
            return given.get();
        }
        if (candidates.isEmpty()) {
            at.problem(link.name() + " does not link " + hub + " (its hubs: "
                    + String.join(", ", link.roles().values().stream().distinct().toList()) + ")");
            return null;
        }
        if (candidates.size() > 1) {
            at.problem(link.name() + " refers to " + hub + " through several roles (" + String.join(", ", candidates)
                    + "); write { link: " + link.name() + ", " + which + ": <role> }");
            return null;
        }
        return candidates.get(0);
    }

    /** {@code keep: 30d}: snapshots older than this before the newest are deleted. */
    private static Optional<java.time.Duration> readKeep(ConfigReader m) {
        Optional<java.time.Duration> keep = m.optional("keep").flatMap(ConfigValue::asDuration);
        if (keep.isPresent() && (keep.get().isZero() || keep.get().isNegative())) {
            m.problem("keep", "must be a positive duration, e.g. 30d");
            return Optional.empty();
        }
        return keep;
    }

    // ---- shared parts ----

    /** Reads one {@code from.<source>} value into a mapping, or null after recording why not. */
    private interface MappingParser {
        VaultMapping parse(String source, ConfigValue value);
    }

    /**
     * {@code from:} maps each source name to how it feeds the target. When {@code parser} is null
     * (the target's own declaration is broken) the sources are still checked, but not parsed.
     */
    private List<VaultMapping> readFrom(ConfigReader target, MappingParser parser) {
        List<VaultMapping> out = new ArrayList<>();
        Optional<ConfigReader> from = target.required("from").flatMap(ConfigValue::asMapping);
        if (from.isEmpty()) {
            return out;
        }
        for (String source : from.get().keys()) {
            Optional<ConfigValue> value = from.get().optional(source);
            if (!sources.contains(source)) {
                from.get().problem(source, "'" + source + "' is not a declared source"
                        + knownNames(source, sources, "sources"));
                continue;
            }
            if (value.isEmpty()) {
                from.get().problem(source, "says nothing about how " + source + " feeds " + target.path());
                continue;
            }
            if (parser == null) {
                continue;
            }
            // a list of mappings: the source feeds the target in several ways (both accounts of a transfer)
            List<ConfigValue> ways = value.get().isSequence() && value.get().asList().orElse(List.of()).stream()
                    .anyMatch(ConfigValue::isMapping) ? value.get().asList().orElse(List.of()) : List.of(value.get());
            for (ConfigValue way : ways) {
                tabular = tableSources.contains(source);
                VaultMapping mapping = parser.parse(source, way);
                tabular = false;
                if (mapping != null) {
                    out.add(mapping);
                }
            }
        }
        if (from.get().keys().isEmpty()) {
            target.problem("from", "needs at least one source");
        }
        return out;
    }

    private Optional<JsonPath> readEach(ConfigReader mapping) {
        return mapping.optional(EACH).flatMap(v -> v.asString().flatMap(s -> {
            if (tabular) {
                v.problem("each: reads a JSON array, and a jdbc source lands columns, not JSON");
                return Optional.empty();
            }
            if (s.startsWith(ITEM)) {
                v.problem("each: takes a path of the row ($.payload.items), not of an item");
                return Optional.empty();
            }
            return v.asJsonPath();
        }));
    }

    private Optional<VaultExpression> readLoadDt(ConfigReader mapping, boolean each) {
        return mapping.optional(LOAD_DT).flatMap(v -> expression(v, each));
    }

    /**
     * {@code where: {$.object_type: TRANSACTION}}: per expression, the text value (or list of
     * values) a row must have to be read. Several entries must all match.
     */
    private List<VaultMapping.Filter> readWhere(ConfigReader mapping, String option, boolean each) {
        List<VaultMapping.Filter> out = new ArrayList<>();
        mapping.optional(option).flatMap(ConfigValue::asMapping).ifPresent(w -> {
            for (String key : w.keys()) {
                ConfigValue values = w.optional(key).orElse(null);
                if (values == null) {
                    w.problem(key, "needs the value (or list of values) to match");
                    continue;
                }
                Optional<VaultExpression> expr = expression(key, values, each);
                List<String> texts = values.asStringList().orElse(List.of());
                if (expr.isPresent() && !texts.isEmpty()) {
                    out.add(new VaultMapping.Filter(expr.get(), texts));
                }
            }
            if (w.keys().isEmpty()) {
                mapping.problem(option, "names no condition");
            }
        });
        return out;
    }

    /** A key given without a mapping: one expression, or a list with one per key column. */
    private List<VaultExpression> shorthandKeys(ConfigValue value, int parts, boolean each) {
        if (value.isMapping()) {
            value.problem("expected " + (parts == 1 ? "an expression" : "a list of " + parts + " expressions")
                    + " for the business key, got a mapping");
            return null;
        }
        List<ConfigValue> items = value.asList().orElse(null);
        if (items == null) {
            return null;
        }
        if (items.size() != parts) {
            value.problem("the hub's business key has " + parts + " column" + (parts == 1 ? "" : "s") + ", but "
                    + items.size() + " expression" + (items.size() == 1 ? " is" : "s are") + " given");
            return null;
        }
        List<VaultExpression> exprs = new ArrayList<>();
        for (ConfigValue item : items) {
            expression(item, each).ifPresent(exprs::add);
        }
        return exprs.size() == parts ? exprs : null;
    }

    /** {@code $.path}, {@code $item.path} (only with each:) or an STG column name. */
    private Optional<VaultExpression> expression(ConfigValue v, boolean each) {
        return v.asString().flatMap(text -> expression(text, v, each));
    }

    /** Parses {@code text} as an expression; problems are reported at {@code v}. */
    private Optional<VaultExpression> expression(String text, ConfigValue v, boolean each) {
        String s = text.trim();
        if (tabular) {
            return tableExpression(s, v);
        }
        try {
            if (s.equals(ITEM) || s.startsWith(ITEM + ".") || s.startsWith(ITEM + "[")) {
                if (!each) {
                    v.problem("'" + s + "' refers to an array item, but this mapping has no 'each:' "
                            + "(add each: $.path.to.array)");
                    return Optional.empty();
                }
                return Optional.of(VaultExpression.item(JsonPath.parse("$" + s.substring(ITEM.length()))));
            }
            if (s.startsWith("$")) {
                return Optional.of(VaultExpression.payload(JsonPath.parse(s)));
            }
        } catch (IllegalArgumentException e) {
            v.problem(e.getMessage());
            return Optional.empty();
        }
        if (STG_COLUMNS.contains(s)) {
            return Optional.of(VaultExpression.column(s));
        }
        if (s.equals("_payload")) {
            v.problem("use $ for the whole payload, or a path such as $.payload.id");
            return Optional.empty();
        }
        v.problem("'" + s + "' is not an expression: use a JSON path ($.payload.user.id), an item path "
                + "($item.id, with each:) or an STG column (" + String.join(", ", sortedColumns()) + ")"
                + Suggestions.didYouMean(s, STG_COLUMNS));
        return Optional.empty();
    }

    /**
     * An expression of a jdbc source's mapping: a column of its STG table, the source's own (known
     * only when it is read, so checked by the load) or one Strata adds ({@link #TABLE_STG_COLUMNS}).
     */
    private Optional<VaultExpression> tableExpression(String s, ConfigValue v) {
        if (s.startsWith("$")) {
            v.problem("'" + s + "' is a JSON path, but a jdbc source lands the source table's columns: name the column "
                    + "(e.g. modify_date)");
            return Optional.empty();
        }
        // _payload is not in STG_COLUMNS (it is reached through $ paths), so it is named here: without
        // it, '_payload' would pass as a source column and fail only at the load, as a missing column
        if (s.equals("_payload") || (STG_COLUMNS.contains(s) && !TABLE_STG_COLUMNS.contains(s))) {
            v.problem("'" + s + "' is a column of a Kafka source's STG table; a jdbc source's has "
                    + String.join(", ", TABLE_STG_COLUMNS.stream().sorted().toList()) + " beside the source's columns");
            return Optional.empty();
        }
        if (!s.matches("[A-Za-z_][A-Za-z0-9_]{0,62}")) {
            v.problem("'" + s + "' is not a column name (letters, digits and _, at most 63)");
            return Optional.empty();
        }
        return Optional.of(VaultExpression.sourceColumn(s));
    }

    private static List<String> sortedColumns() {
        return STG_COLUMNS.stream().sorted().toList();
    }

    /**
     * The type, or {@code text} after recording why the written one is wrong: the section is
     * rejected anyway, and a stand-in keeps the column known, so its mappings are still checked
     * and no second, misleading problem ("unknown key") follows from the first.
     */
    private ColumnType readType(ConfigValue t) {
        return t.asString().flatMap(s -> {
            try {
                return Optional.of(ColumnType.parse(s));
            } catch (IllegalArgumentException e) {
                t.problem(e.getMessage());
                return Optional.empty();
            }
        }).orElse(ColumnType.TEXT);
    }

    private static boolean checkColumnName(String col, ConfigValue at) {
        if (!Identifiers.isSafe(col)) {
            at.problem("'" + col + "' is not a safe SQL name (" + Identifiers.RULE + ")");
            return false;
        }
        if (RESERVED_COLUMNS.contains(col) || col.equals(EACH) || col.equals(WHERE) || col.equals(DELETED)
                || col.endsWith("_hk") || col.startsWith("_")) {
            at.problem("'" + col + "' is reserved (every vault table has load_dt, record_source, hashdiff and *_hk "
                    + "columns; each:, where: and deleted: are options; names starting with _ are Strata's); choose another name");
            return false;
        }
        return true;
    }

    private static boolean checkRoleName(String role, ConfigValue at) {
        if (!Identifiers.isSafe(role) || role.length() > MAX_NAME) {
            at.problem("role '" + role + "' is not a safe SQL name of at most " + MAX_NAME + " characters");
            return false;
        }
        if (role.equals(EACH) || role.equals(LOAD_DT) || role.equals(WHERE) || role.equals(DELETED)) {
            at.problem("'" + role + "' is reserved; choose another role name");
            return false;
        }
        return true;
    }

    private static String knownNames(String name, Set<String> known, String what) {
        String hint = Suggestions.didYouMean(name, known);
        if (!hint.isEmpty()) {
            return hint;
        }
        return known.isEmpty() ? " (no " + what + " are declared)"
                : " (declared " + what + ": " + String.join(", ", known.stream().sorted().toList()) + ")";
    }
}
