package dev.strata.vault;

import dev.strata.config.ColumnType;
import dev.strata.config.HubConfig;
import dev.strata.config.LinkConfig;
import dev.strata.config.SatelliteConfig;
import dev.strata.config.VaultSection;
import dev.strata.warehouse.SqlDialect;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The tables of a vault declaration: their columns, the DDL that creates them, and the additive
 * changes that bring an existing table up to date. Column layout (see {@code docs/vault.md}):
 * <ul>
 *   <li>hub: {@code <hub>_hk} (primary key), the business key columns, {@code load_dt}, {@code record_source};</li>
 *   <li>link: {@code <link>_hk} (primary key), {@code <role>_hk} per hub, {@code load_dt}, {@code record_source};</li>
 *   <li>satellite: {@code <parent>_hk}, {@code load_dt}, {@code hashdiff}, {@code record_source},
 *       {@code is_deleted} when its mappings say {@code deleted:}, the attributes; primary key ({@code <parent>_hk}, {@code load_dt}), which is also the index the
 *       load's "latest version at or before" lookup uses.</li>
 * </ul>
 * The only changes applied to an existing table are adding a satellite attribute (a nullable column)
 * and adding {@code is_deleted} (false on the rows already there);
 * anything else would rewrite history or hash keys and is refused, naming the table and column.
 */
final class VaultTables {
    static final String LOAD_DT = "load_dt";
    static final String RECORD_SOURCE = "record_source";
    static final String HASHDIFF = "hashdiff";
    /** Effectivity satellites: when a relationship started and ended, and whether it is in effect now. */
    static final String START_DT = "start_dt";
    static final String END_DT = "end_dt";
    static final String IS_CURRENT = "is_current";
    /** The {@code end_dt} of a relationship still in effect: the last day every supported warehouse can store. */
    static final java.time.Instant END_OF_TIME = java.time.Instant.parse("9999-12-31T00:00:00Z");

    private final SqlDialect d;
    private final VaultSection vault;

    VaultTables(SqlDialect dialect, VaultSection vault) {
        this.d = dialect;
        this.vault = vault;
    }

    static String hashKeyColumn(String tableOrRole) {
        return tableOrRole + "_hk";
    }

    /** A standard satellite's deletion flag ({@link SatelliteConfig#tracksDeletes()}). */
    static final String IS_DELETED = SatelliteConfig.IS_DELETED;

    /** One column of a vault table; {@code defaultValue} (SQL, or null) fills it where no value is given. */
    record Column(String name, ColumnType type, boolean notNull, boolean mayBeAdded, String defaultValue) {
        Column(String name, ColumnType type, boolean notNull, boolean mayBeAdded) {
            this(name, type, notNull, mayBeAdded, null);
        }
    }

    /**
     * A vault table's columns in order, its primary key (empty: none), and the column of its
     * load-order index ({@link SqlDialect#createLoadOrderIndex}), if it has one.
     */
    record Table(String name, List<Column> columns, List<String> primaryKey, java.util.Optional<String> loadOrderIndex) {
        Table(String name, List<Column> columns, List<String> primaryKey) {
            this(name, columns, primaryKey, java.util.Optional.empty());
        }
    }

    /** The column's SQL type in its table: a key column's is one the warehouse can index ({@link SqlDialect#keySqlType}). */
    private String sqlType(Table t, Column c) {
        return t.primaryKey().contains(c.name()) ? d.keySqlType(c.type()) : d.sqlType(c.type());
    }

    List<Table> tables() {
        List<Table> out = new ArrayList<>();
        vault.hubs().values().forEach(h -> out.add(hub(h)));
        vault.links().values().forEach(l -> out.add(link(l)));
        vault.satellites().values().forEach(s -> out.add(satellite(s)));
        vault.pits().values().forEach(p -> out.add(pit(p)));
        vault.bridges().values().forEach(b -> out.add(bridge(b)));
        return out;
    }

    /** Point-in-time and bridge tables: the snapshot's time. */
    static final String SNAPSHOT_DT = "snapshot_dt";

    /** A PIT's columns per satellite: the hash key and {@code load_dt} of its version in effect at the snapshot. */
    static String pitHashKey(String satellite) {
        return satellite + "_hk";
    }

    static String pitLoadDt(String satellite) {
        return satellite + "_load_dt";
    }

    /**
     * A point-in-time table: per snapshot and hub key, each satellite's version in effect (NULLs,
     * or the ghost record, when there is none). A satellite added to the declaration adds its two
     * columns (older snapshots have NULL there until rebuilt).
     *
     * <p>No primary key: a snapshot's rows are unique by construction (one per hub key, the
     * snapshot deleted and inserted whole in one transaction, under its task's lock), and a unique
     * index on (snapshot, hub key) was a third of a snapshot's build ({@code strata bench vault},
     * docs/performance.md). Indexed as it is written and read instead: by {@code snapshot_dt}, the
     * runs of one snapshot contiguous (BRIN on PostgreSQL). Tables created before keep their key.
     */
    private static Table pit(dev.strata.config.PitConfig p) {
        List<Column> cols = new ArrayList<>();
        cols.add(new Column(hashKeyColumn(p.hub()), ColumnType.HASH_KEY, true, false));
        cols.add(new Column(SNAPSHOT_DT, ColumnType.TIMESTAMPTZ, true, false));
        for (String sat : p.satellites()) {
            cols.add(new Column(pitHashKey(sat), ColumnType.HASH_KEY, false, true));
            cols.add(new Column(pitLoadDt(sat), ColumnType.TIMESTAMPTZ, false, true));
        }
        return new Table(p.name(), cols, List.of(), java.util.Optional.of(SNAPSHOT_DT));
    }

    /**
     * A bridge table: per snapshot, one row per chain of link rows along the path, with every hub's
     * and link's hash key. Like a PIT, unique by construction and indexed by {@code snapshot_dt}.
     */
    private static Table bridge(dev.strata.config.BridgeConfig b) {
        List<Column> cols = new ArrayList<>();
        cols.add(new Column(SNAPSHOT_DT, ColumnType.TIMESTAMPTZ, true, false));
        for (int i = 0; i < b.hubs().size(); i++) {
            cols.add(new Column(hashKeyColumn(b.hubs().get(i)), ColumnType.HASH_KEY, true, false));
            if (i < b.links().size()) {
                cols.add(new Column(hashKeyColumn(b.links().get(i).link()), ColumnType.HASH_KEY, true, false));
            }
        }
        return new Table(b.name(), cols, List.of(), java.util.Optional.of(SNAPSHOT_DT));
    }

    Table table(String name) {
        if (vault.satellites().containsKey(name)) {
            return satellite(vault.satellites().get(name));
        }
        if (vault.pits().containsKey(name)) {
            return pit(vault.pits().get(name));
        }
        if (vault.bridges().containsKey(name)) {
            return bridge(vault.bridges().get(name));
        }
        if (vault.hubs().containsKey(name)) {
            return hub(vault.hubs().get(name));
        }
        if (vault.links().containsKey(name)) {
            return link(vault.links().get(name));
        }
        return satellite(vault.satellites().get(name));
    }

    private static Table hub(HubConfig h) {
        List<Column> cols = new ArrayList<>();
        cols.add(new Column(hashKeyColumn(h.name()), ColumnType.HASH_KEY, true, false));
        // Business key columns are nullable: the unknown key's row has none.
        h.keyColumns().forEach((name, type) -> cols.add(new Column(name, type, false, false)));
        cols.add(new Column(LOAD_DT, ColumnType.TIMESTAMPTZ, true, false));
        cols.add(new Column(RECORD_SOURCE, ColumnType.TEXT, true, false));
        return new Table(h.name(), cols, List.of(hashKeyColumn(h.name())));
    }

    private static Table link(LinkConfig l) {
        List<Column> cols = new ArrayList<>();
        cols.add(new Column(hashKeyColumn(l.name()), ColumnType.HASH_KEY, true, false));
        l.roles().keySet().forEach(role -> cols.add(new Column(hashKeyColumn(role), ColumnType.HASH_KEY, true, false)));
        cols.add(new Column(LOAD_DT, ColumnType.TIMESTAMPTZ, true, false));
        cols.add(new Column(RECORD_SOURCE, ColumnType.TEXT, true, false));
        // a non-historized link's payload; columns of its event key are part of the hash key and cannot be added later
        l.payload().forEach((name, type) -> cols.add(new Column(name, type, false, !l.eventKey().contains(name))));
        return new Table(l.name(), cols, List.of(hashKeyColumn(l.name())));
    }

    private Table satellite(SatelliteConfig s) {
        if (s.effectivity().isPresent()) {
            return effectivity(s);
        }
        List<Column> cols = new ArrayList<>();
        String parent = hashKeyColumn(s.parent());
        cols.add(new Column(parent, ColumnType.HASH_KEY, true, false));
        cols.add(new Column(LOAD_DT, ColumnType.TIMESTAMPTZ, true, false));
        cols.add(new Column(HASHDIFF, ColumnType.HASH_KEY, true, false));
        cols.add(new Column(RECORD_SOURCE, ColumnType.TEXT, true, false));
        if (s.tracksDeletes()) {
            // added in place to a satellite that starts declaring deletes: its rows so far were no deletions
            cols.add(new Column(IS_DELETED, ColumnType.BOOLEAN, true, true, "FALSE"));
        }
        List<String> key = new ArrayList<>(List.of(parent, LOAD_DT));
        List<String> childKey = s.multiActive().map(SatelliteConfig.MultiActive::key).orElse(List.of());
        // a multi-active satellite: one row per child key in each version of a parent's set
        s.attributes().forEach((name, type) -> cols.add(new Column(name, type, childKey.contains(name), !childKey.contains(name))));
        key.addAll(childKey);
        return new Table(s.name(), cols, key);
    }

    /**
     * An effectivity satellite: one row per period in which a relationship (a row of the link) is
     * the one in effect for its driving key; keyed by driving key and start, which is also the
     * index the load's "current relationship of this driving key" lookup uses.
     */
    private Table effectivity(SatelliteConfig s) {
        String driving = hashKeyColumn(s.effectivity().orElseThrow().drivingRole());
        List<Column> cols = new ArrayList<>();
        cols.add(new Column(hashKeyColumn(s.parent()), ColumnType.HASH_KEY, true, false));
        cols.add(new Column(driving, ColumnType.HASH_KEY, true, false));
        cols.add(new Column(START_DT, ColumnType.TIMESTAMPTZ, true, false));
        cols.add(new Column(END_DT, ColumnType.TIMESTAMPTZ, true, false));
        cols.add(new Column(IS_CURRENT, ColumnType.BOOLEAN, true, false));
        cols.add(new Column(RECORD_SOURCE, ColumnType.TEXT, true, false));
        return new Table(s.name(), cols, List.of(driving, START_DT));
    }

    /** The {@code load_dt} (and {@code start_dt}, {@code end_dt}) of every ghost record: before any real row. */
    static final java.time.Instant GHOST_LOAD_DT = java.time.Instant.parse("1900-01-01T00:00:00Z");
    /** The {@code record_source} of ghost records. */
    static final String GHOST_SOURCE = "SYSTEM";

    /**
     * With {@code ghost_records: true}, one statement per hub and satellite inserting its ghost
     * record unless it is there: hash keys and hashdiff {@link HashStandard#GHOST_KEY}, times
     * {@link #GHOST_LOAD_DT}, {@code record_source} {@code SYSTEM}, business keys and attributes
     * NULL — except where a column cannot be (a multi-active child key: the type's zero, {@code ''},
     * {@code 0}, {@code false}, 1900-01-01). An effectivity satellite's ghost is an empty period
     * (start = end, not current), so no "in effect at T" query ever finds it.
     */
    List<String> ghostRecords() {
        if (!vault.ghostRecords()) {
            return List.of();
        }
        List<String> out = new ArrayList<>();
        for (Table t : tables()) {
            if (!vault.hubs().containsKey(t.name()) && !vault.satellites().containsKey(t.name())) {
                continue;
            }
            List<String> names = new ArrayList<>();
            List<String> values = new ArrayList<>();
            for (Column c : t.columns()) {
                names.add(c.name());
                values.add(ghostValue(c));
            }
            out.add(d.insertSkippingConflicts(d.qualified(vault.schema(), t.name()), names,
                    "VALUES (" + String.join(", ", values) + ")", t.primaryKey()));
        }
        return out;
    }

    private String ghostValue(Column c) {
        String time = d.cast(d.literal(GHOST_LOAD_DT.toString()), ColumnType.TIMESTAMPTZ);
        if (c.type().kind() == ColumnType.Kind.HASH_KEY) {
            return d.hashKeyLiteral(HashStandard.GHOST_KEY);
        }
        if (c.name().equals(LOAD_DT) || c.name().equals(START_DT) || c.name().equals(END_DT)) {
            return time;
        }
        if (c.name().equals(IS_CURRENT)) {
            return "FALSE";
        }
        if (c.name().equals(RECORD_SOURCE)) {
            return d.literal(GHOST_SOURCE);
        }
        if (!c.notNull()) {
            return d.cast("NULL", c.type());
        }
        return switch (c.type().kind()) {
            case TEXT, VARCHAR -> d.literal("");
            case BOOLEAN -> "FALSE";
            case DATE -> d.cast(d.literal("1900-01-01"), c.type());
            case TIMESTAMP -> d.cast(d.literal("1900-01-01 00:00:00"), c.type());
            case TIMESTAMPTZ -> time;
            default -> d.cast("0", c.type());
        };
    }

    /** {@code CREATE TABLE IF NOT EXISTS} for one table, then its load-order index if it has one. */
    List<String> createTable(Table t) {
        StringBuilder sb = new StringBuilder("CREATE TABLE IF NOT EXISTS ").append(d.qualified(vault.schema(), t.name()))
                .append(" (\n");
        List<String> lines = new ArrayList<>();
        for (Column c : t.columns()) {
            lines.add("    " + d.quote(c.name()) + ' ' + sqlType(t, c) + (c.notNull() ? " NOT NULL" : "") + defaultClause(c));
        }
        if (!t.primaryKey().isEmpty()) {
            lines.add("    PRIMARY KEY (" + String.join(", ", t.primaryKey().stream().map(d::quote).toList()) + ")");
        }
        sb.append(String.join(",\n", lines)).append("\n)");
        List<String> out = new ArrayList<>(List.of(sb.toString()));
        t.loadOrderIndex().ifPresent(column -> {
            String index = t.name() + "_" + column;
            // within both warehouses' identifier limits (PostgreSQL 63, MariaDB 64)
            out.add(d.createLoadOrderIndex(index.length() > 60 ? index.substring(0, 60) : index, vault.schema(), t.name(), column));
        });
        return out;
    }

    private static String defaultClause(Column c) {
        return c.defaultValue() == null ? "" : " DEFAULT " + c.defaultValue();
    }

    /** Everything {@code strata plan} shows: the schema and every table, as they would be created. */
    List<String> createStatements() {
        List<String> out = new ArrayList<>();
        out.add(d.createSchemaIfNotExists(vault.schema()));
        tables().forEach(t -> out.addAll(createTable(t)));
        out.addAll(ghostRecords());
        return out;
    }

    /**
     * The statements that bring an existing table (columns as found, name → type) up to the
     * declaration: nothing, or {@code ALTER TABLE ... ADD COLUMN} for new satellite attributes.
     * Destructive differences are added to {@code refusals} instead.
     */
    List<String> alterStatements(Table t, Map<String, String> existing, List<String> refusals) {
        List<String> out = new ArrayList<>();
        String qualified = vault.schema() + "." + t.name();
        Map<String, Column> declared = new LinkedHashMap<>();
        t.columns().forEach(c -> declared.put(c.name(), c));
        for (Map.Entry<String, String> e : existing.entrySet()) {
            Column c = declared.get(e.getKey());
            if (c == null) {
                refusals.add(qualified + ": column '" + e.getKey() + "' exists but is no longer declared; removing it "
                        + "would lose its history. Declare it again, or drop it yourself (ALTER TABLE " + qualified
                        + " DROP COLUMN " + e.getKey() + ") if that is what you want");
            } else if (!sqlType(t, c).equals(e.getValue())) {
                refusals.add(qualified + ": column '" + c.name() + "' is " + e.getValue() + " in the warehouse but declared "
                        + c.type() + " (" + sqlType(t, c) + "); changing a type in place can fail or change "
                        + "hashes. Declare the existing type, or migrate the column yourself");
            }
        }
        for (Column c : t.columns()) {
            if (existing.containsKey(c.name())) {
                continue;
            }
            if (c.mayBeAdded()) {
                out.add("ALTER TABLE " + d.qualified(vault.schema(), t.name()) + " ADD COLUMN " + d.quote(c.name()) + " "
                        + sqlType(t, c) + (c.notNull() ? " NOT NULL" : "") + defaultClause(c));
            } else {
                refusals.add(qualified + ": column '" + c.name() + "' is declared but missing from the table; only new "
                        + "satellite attributes can be added in place (a changed business key or link would change every "
                        + "hash key). Declare a new table under another name instead");
            }
        }
        return out;
    }
}
