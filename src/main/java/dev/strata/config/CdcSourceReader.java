package dev.strata.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads a {@code cdc:} source into one {@link SourceConfig} per captured table:
 *
 * <pre>{@code
 * sources:
 *   airline:
 *     cdc:
 *       postgres: { host: db, port: 5432, database: airline, user: "${PG_USER}", password: "${PG_PASSWORD}" }
 *       tables: [flights, public.airports]      # schema defaults to public
 *       snapshot: initial                       # initial | no_data | when_needed | always
 *       slot: strata_airline                    # default strata_<source>
 *       publication: strata_airline             # default strata_<source>
 *     batch: { max_records: 20000, max_wait: 1s }
 * }</pre>
 *
 * The tables land into {@code stg.airline_flights} and {@code stg.airline_airports}, which the rest
 * of the project (vault mappings, tests, status) names like any other source.
 */
final class CdcSourceReader {
    /** Debezium settings Strata sets itself; setting them in {@code properties:} would break exactly-once. */
    static final Set<String> OWNED_PROPERTIES = Set.of("name", "connector.class", "offset.storage",
            "offset.flush.interval.ms", "offset.commit.policy", "topic.prefix", "database.hostname", "database.port",
            "database.user", "database.password", "database.dbname", "table.include.list", "table.exclude.list",
            "schema.include.list", "schema.exclude.list", "slot.name", "publication.name", "snapshot.mode",
            "provide.transaction.metadata", "plugin.name", "heartbeat.interval.ms", "tombstones.on.delete",
            "key.converter", "value.converter");
    private static final Pattern SLOT = Pattern.compile("[a-z0-9_]{1,63}");

    private CdcSourceReader() {
    }

    static List<SourceConfig> read(String name, ConfigReader m) {
        Optional<ConfigReader> cdc = m.mapping("cdc");
        Optional<JsonPath> eventTime = m.optional("event_time").flatMap(ConfigValue::asJsonPath);
        BatchConfig batch = m.mapping("batch").map(ProjectLoader::readBatch).orElse(BatchConfig.defaults());
        for (String notForCdc : List.of("key", "filter", "dedup")) {
            if (m.has(notForCdc)) {
                m.problem(notForCdc, "a cdc source's rows are identified by their position in the source's log "
                        + "(each change lands once); '" + notForCdc + "' does not apply");
            }
        }
        long maxBytes = m.size("max_message_bytes", SourceConfig.DEFAULT_MAX_MESSAGE_BYTES);
        m.finish();
        if (cdc.isEmpty()) {
            return List.of();
        }
        Optional<CdcSourceSpec> spec = readSpec(name, cdc.get());
        if (spec.isEmpty()) {
            return List.of();
        }
        List<SourceConfig> out = new ArrayList<>();
        for (CdcTable t : spec.get().tables()) {
            out.add(new SourceConfig(t.stgName(name), new CdcTableSpec(spec.get(), t), List.of(), Optional.empty(),
                    eventTime, Optional.empty(), batch, maxBytes, m.position()));
        }
        return out;
    }

    private static Optional<CdcSourceSpec> readSpec(String name, ConfigReader c) {
        boolean ok = true;
        Optional<ConfigReader> pg = c.mapping("postgres");
        if (pg.isEmpty()) {
            c.problem("needs the database to capture: postgres: { host, port, database, user, password }");
            ok = false;
        }
        String host = null;
        int port = 5432;
        String database = null;
        String user = null;
        Secret password = Secret.empty();
        if (pg.isPresent()) {
            ConfigReader p = pg.get();
            host = p.string("host").filter(s -> !s.isBlank()).orElse("localhost");
            port = p.integer("port", 5432);
            if (port < 1 || port > 65535) {
                p.problem("port", "must be between 1 and 65535");
                ok = false;
            }
            database = p.requiredString("database");
            user = p.requiredString("user");
            password = p.secret("password");
            p.finish();
            ok &= database != null && user != null;
        }
        List<CdcTable> tables = new ArrayList<>();
        Optional<ConfigValue> tablesValue = c.required("tables");
        tablesValue.flatMap(ConfigValue::asList).ifPresent(items -> {
            if (items.isEmpty()) {
                tablesValue.get().problem("list at least one table to capture (table or schema.table)");
            }
            Map<String, String> byStgName = new LinkedHashMap<>();
            for (ConfigValue item : items) {
                item.asString().ifPresent(text -> readTable(name, item, text, byStgName).ifPresent(tables::add));
            }
        });
        ok &= !tables.isEmpty();
        String snapshot = c.optional("snapshot").flatMap(v -> {
            if (v.isScalar() && v.asString().map("never"::equals).orElse(false)) {
                v.problem("'never' is called no_data now: stream changes from now on without a snapshot");
                return Optional.empty();
            }
            return v.asOneOf(CdcSourceSpec.SNAPSHOT_MODES.toArray(String[]::new));
        }).orElse("initial");
        String defaultName = ("strata_" + name.toLowerCase(java.util.Locale.ROOT));
        defaultName = defaultName.substring(0, Math.min(63, defaultName.length()));
        String slot = readSlotName(c, "slot", defaultName);
        String publication = readSlotName(c, "publication", defaultName);
        Duration heartbeat = c.duration("heartbeat", CdcSourceSpec.DEFAULT_HEARTBEAT);
        if (heartbeat.toMillis() < 100) {
            c.problem("heartbeat", "must be at least 100ms");
        }
        Map<String, String> props = new LinkedHashMap<>();
        c.mapping("properties").ifPresent(p -> {
            for (String key : p.keys()) {
                if (OWNED_PROPERTIES.contains(key)) {
                    p.problem(key, "Strata sets '" + key + "' itself (from the cdc settings, and to keep each change "
                            + "landing exactly once); remove it from properties");
                    p.optional(key);
                    continue;
                }
                p.string(key).ifPresent(v -> props.put(key, v));
            }
            p.finish();
        });
        c.finish();
        if (!ok || slot == null || publication == null) {
            return Optional.empty();
        }
        return Optional.of(new CdcSourceSpec(name, CdcSourceSpec.POSTGRES, host, port, database, user, password, tables,
                snapshot, slot, publication, heartbeat, props));
    }

    private static Optional<CdcTable> readTable(String source, ConfigValue item, String text, Map<String, String> byStgName) {
        String[] parts = text.trim().split("\\.", -1);
        if (parts.length > 2 || parts.length == 0) {
            item.problem("expected table or schema.table, got '" + text + "'");
            return Optional.empty();
        }
        String schema = parts.length == 2 ? parts[0] : CdcTable.DEFAULT_SCHEMA;
        String table = parts[parts.length - 1];
        for (String part : List.of(schema, table)) {
            if (!Identifiers.isSafe(part)) {
                item.problem("'" + part + "' is not a name Strata can capture (" + Identifiers.RULE + ")");
                return Optional.empty();
            }
        }
        CdcTable t = new CdcTable(schema, table);
        String stg = t.stgName(source);
        if (!Identifiers.isSafe(stg)) {
            item.problem("its STG table '" + stg + "' would not be a safe SQL name (" + Identifiers.RULE
                    + "); give the source a shorter name");
            return Optional.empty();
        }
        String earlier = byStgName.putIfAbsent(stg, t.qualified());
        if (earlier != null) {
            item.problem(earlier.equals(t.qualified()) ? "'" + t.qualified() + "' is listed twice"
                    : "'" + t.qualified() + "' and '" + earlier + "' would both land into stg." + stg
                    + "; capture them in two sources");
            return Optional.empty();
        }
        return Optional.of(t);
    }

    private static String readSlotName(ConfigReader c, String key, String defaultName) {
        Optional<String> v = c.string(key);
        if (v.isEmpty()) {
            return defaultName;
        }
        if (!SLOT.matcher(v.get()).matches()) {
            c.problem(key, "PostgreSQL " + (key.equals("slot") ? "replication slot" : "publication")
                    + " names here are lower-case letters, digits and _, at most 63 characters");
            return null;
        }
        return v.get();
    }
}
