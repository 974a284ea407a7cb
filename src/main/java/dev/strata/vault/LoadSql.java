package dev.strata.vault;

import dev.strata.config.ColumnType;
import dev.strata.config.HubConfig;
import dev.strata.config.LinkConfig;
import dev.strata.config.SatelliteConfig;
import dev.strata.config.VaultExpression;
import dev.strata.config.VaultMapping;
import dev.strata.config.VaultSection;
import dev.strata.ingest.StgTable;
import dev.strata.warehouse.SqlDialect;
import dev.strata.warehouse.SqlScript;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Generates the one set-based {@code INSERT ... SELECT} that loads a vault target from the new rows
 * of its STG inputs. The statement's bind parameters are, per mapping in order: the exclusive
 * lower and the inclusive upper {@code _seq} bound of the rows to read, then the values of its
 * {@code where:} filters in order ({@link #parameters}). The semantics the
 * SQL implements are written down at {@link VaultLoader}.
 *
 * <p>Every statement reads through the same layers: the projection of each mapping (typed key parts
 * {@code _k0..}, typed attributes {@code _a0..}, {@code load_dt}, {@code record_source} and the
 * ordering columns {@code _input}, {@code _seq}, {@code _item}), unioned over mappings; then the
 * hash keys; then what the target kind needs (first row per key, or versions per parent).
 */
final class LoadSql {
    /** Types of the STG columns an expression may name ({@link StgTable}). */
    static final Map<String, ColumnType> STG_COLUMN_TYPES = Map.of(
            StgTable.SEQ, ColumnType.BIGINT,
            StgTable.KEY, ColumnType.TEXT,
            StgTable.PARTITION, ColumnType.TEXT,
            StgTable.OFFSET, ColumnType.BIGINT,
            StgTable.EVENT_TIME, ColumnType.TIMESTAMPTZ,
            StgTable.SOURCE_TIME, ColumnType.TIMESTAMPTZ,
            StgTable.LOADED_AT, ColumnType.TIMESTAMPTZ,
            StgTable.BATCH_ID, ColumnType.BIGINT);
    /** Where satellites remember the newest collapsed row per parent (migration V20). */
    static final String SEEN_TABLE = "strata.vault_seen";
    /** Where rows a target could not load wait for a reload (migration V40). */
    static final String REJECTS_TABLE = "strata.vault_rejects";
    private static final String ROW = "s";
    private static final String ITEM = "i";

    private final SqlDialect d;
    private final VaultSection vault;
    private final HashSql hash;
    private final boolean skipRejected;

    LoadSql(SqlDialect dialect, VaultSection vault) {
        this(dialect, vault, false);
    }

    /**
     * @param skipRejected whether each mapping reads only the rows not pending in
     *                     {@link #REJECTS_TABLE} for the target: its part of the statement then takes
     *                     three more parameters, pipeline, target and STG table
     *                     ({@link #skipParameters})
     */
    LoadSql(SqlDialect dialect, VaultSection vault, boolean skipRejected) {
        this.d = dialect;
        this.vault = vault;
        this.hash = new HashSql(dialect);
        this.skipRejected = skipRejected;
    }

    /** The bind values of one mapping's part of a statement, given its {@code _seq} bounds. */
    static List<Object> parameters(VaultMapping m, long after, long upTo) {
        List<Object> out = new ArrayList<>(List.of(after, upTo));
        m.where().forEach(f -> out.addAll(f.values()));
        return out;
    }

    /** The bind values of one mapping's part of a statement that skips rejected rows. */
    static List<Object> skipParameters(VaultMapping m, long after, long upTo, String pipeline, String target) {
        List<Object> out = parameters(m, after, upTo);
        out.addAll(List.of(pipeline, target, VaultLoader.input(m)));
        return out;
    }

    /** A group of key parts: one hub reference (a hub, or a link's role) and the types of its key columns. */
    private record KeyGroup(String name, List<ColumnType> types) {
    }

    /**
     * The statement loading {@code target} from {@code mappings} (a subset of its own, in order): one
     * {@code INSERT ... SELECT} for a hub or link; for a satellite the warehouse's form of "compute
     * the candidate rows once, insert the versions, remember the collapsed" ({@link SqlDialect#insertIntoTwo}),
     * whose count is the versions inserted.
     */
    SqlScript statement(String target, List<VaultMapping> mappings) {
        if (vault.hubs().containsKey(target)) {
            return SqlScript.of(hub(vault.hubs().get(target), mappings));
        }
        if (vault.links().containsKey(target)) {
            return SqlScript.of(link(vault.links().get(target), mappings));
        }
        SatelliteConfig s = vault.satellites().get(target);
        if (s == null) {
            throw new IllegalArgumentException("no vault target named '" + target + "'");
        }
        return satellite(s, mappings);
    }

    private String hub(HubConfig h, List<VaultMapping> mappings) {
        List<KeyGroup> groups = List.of(new KeyGroup(h.name(), List.copyOf(h.keyColumns().values())));
        String table = d.qualified(vault.schema(), h.name());
        String hk = d.quote(VaultTables.hashKeyColumn(h.name()));
        List<String> cols = new ArrayList<>(List.of(hk));
        List<String> vals = new ArrayList<>(List.of("x.hk"));
        List<String> carried = new ArrayList<>();
        int k = 0;
        for (String col : h.keyColumns().keySet()) {
            cols.add(d.quote(col));
            vals.add("x._k" + k);
            carried.add("n._k" + k++);
        }
        return firstPerKey(table, hk, cols, vals, List.of(hash.hashKey(normalized(0, totalParts(groups))) + " AS hk"),
                carried, mappings, groups);
    }

    private String link(LinkConfig l, List<VaultMapping> mappings) {
        List<KeyGroup> groups = roleGroups(l);
        String table = d.qualified(vault.schema(), l.name());
        String hk = d.quote(VaultTables.hashKeyColumn(l.name()));
        List<String> cols = new ArrayList<>(List.of(hk));
        List<String> vals = new ArrayList<>(List.of("x.hk"));
        List<String> hashes = new ArrayList<>();
        hashes.add(hash.hashKey(normalized(0, totalParts(groups))) + " AS hk");
        int from = 0;
        int g = 0;
        for (KeyGroup group : groups) {
            hashes.add(hash.hashKey(normalized(from, from + group.types().size())) + " AS _h" + g);
            cols.add(d.quote(VaultTables.hashKeyColumn(group.name())));
            vals.add("x._h" + g++);
            from += group.types().size();
        }
        return firstPerKey(table, hk, cols, vals, hashes, List.of(), mappings, groups);
    }

    /**
     * Hubs and links: the rows of new hash keys, the first per key by (load_dt, source, _seq, item).
     * Keys already stored are dropped before ranking, so a run over mostly known keys sorts little.
     */
    private String firstPerKey(String table, String hk, List<String> cols, List<String> vals, List<String> hashes,
                               List<String> carried, List<VaultMapping> mappings, List<KeyGroup> groups) {
        cols.add(d.quote(VaultTables.LOAD_DT));
        vals.add("x.load_dt");
        cols.add(d.quote(VaultTables.RECORD_SOURCE));
        vals.add("x.record_source");
        List<String> select = new ArrayList<>(hashes);
        select.addAll(carried);
        select.addAll(List.of("n.load_dt", "n.record_source", "n._input", "n._seq", "n._item"));
        String unknown = "    SELECT * FROM (\n"
                + "      SELECT " + String.join(",\n        ", select) + "\n"
                + "      FROM (\n" + normalizedLayer(mappings, groups, Map.of()) + "      ) n" + d.subqueryFence() + "\n"
                + "    ) p\n"
                + "    WHERE NOT EXISTS (SELECT 1 FROM " + table + " t WHERE t." + hk + " = p.hk)\n";
        return "INSERT INTO " + table + " (" + String.join(", ", cols) + ")\n"
                + "SELECT " + String.join(", ", vals) + "\n"
                + "FROM (\n"
                + "  " + d.firstPerGroup(unknown, "x", List.of("x.hk"), List.of("x.load_dt", "x._input", "x._seq", "x._item")) + "\n"
                // no ON CONFLICT: known keys are filtered above and the target's lock keeps other loads out,
                // and a speculative insert per row would cost about a third of the statement
                + ") x";
    }

    private SqlScript satellite(SatelliteConfig s, List<VaultMapping> mappings) {
        List<KeyGroup> groups = vault.hubs().containsKey(s.parent())
                ? List.of(new KeyGroup(s.parent(), List.copyOf(vault.hubs().get(s.parent()).keyColumns().values())))
                : roleGroups(vault.links().get(s.parent()));
        String table = d.qualified(vault.schema(), s.name());
        String parent = d.quote(VaultTables.hashKeyColumn(s.parent()));
        String loadDt = d.quote(VaultTables.LOAD_DT);
        String hashdiff = d.quote(VaultTables.HASHDIFF);
        List<String> cols = new ArrayList<>(List.of(VaultTables.hashKeyColumn(s.parent()), VaultTables.LOAD_DT,
                VaultTables.HASHDIFF, VaultTables.RECORD_SOURCE));
        List<String> vals = new ArrayList<>(List.of("o.hk", "o.load_dt", "o.hd", "o.record_source"));
        List<String> attrs = new ArrayList<>();
        for (int a = 0; a < s.attributes().size(); a++) {
            cols.add(List.copyOf(s.attributes().keySet()).get(a));
            vals.add("o._a" + a);
            attrs.add("n._a" + a);
        }
        String self = d.literal(vault.schema() + "." + s.name());
        String collapsed = d.nullSafeEquals("o.hd", "COALESCE(o._prev_hd, o._cur_hd)");
        String batch = "      SELECT " + hash.hashKey(normalized(0, totalParts(groups))) + " AS hk,\n"
                + "        " + hash.hashDiff(normalizedAttributes(s.attributes().size())) + " AS hd,\n"
                + "        " + (attrs.isEmpty() ? "" : String.join(", ", attrs) + ", ")
                + "n.load_dt, n.record_source, n._input, n._seq, n._item\n"
                + "      FROM (\n" + normalizedLayer(mappings, groups, s.attributes()) + "      ) n" + d.subqueryFence() + "\n";
        List<String> freshCols = new ArrayList<>(List.of("b.hk", "b.hd", "b.load_dt", "b.record_source"));
        freshCols.addAll(attrs.stream().map(a -> "b." + a.substring(2)).toList());
        // rows newer than everything seen for their parent: its latest version, or a newer collapsed row.
        // The batch keeps one row per parent and load_dt (the last landed of equal ones). The latest
        // version's lookup is guarded by an uncorrelated EXISTS, computed once, so a first load into an
        // empty satellite skips a million index probes that could find nothing.
        String fresh = "  SELECT " + String.join(", ", freshCols) + ", cur." + hashdiff + " AS _cur_hd, lag(b.hd) OVER w AS _prev_hd,"
                + " lead(b.load_dt) OVER w IS NULL AS _newest\n"
                + "  FROM (\n  " + d.firstPerGroup(batch, "p", List.of("p.hk", "p.load_dt"),
                        List.of("p._input DESC", "p._seq DESC", "p._item DESC")) + "\n  ) b\n"
                + "  " + d.latestRowJoin(table, parent, loadDt, List.of(loadDt, hashdiff), "b.hk", "cur",
                        "(SELECT EXISTS (SELECT 1 FROM " + table + "))") + "\n"
                + "  LEFT JOIN " + SEEN_TABLE + " seen ON seen.satellite = " + self + " AND seen.parent_hk = b.hk\n"
                + "  WHERE cur." + loadDt + " IS NULL OR (b.load_dt > cur." + loadDt
                + " AND (seen.seen_dt IS NULL OR b.load_dt > seen.seen_dt))\n"
                + "  WINDOW w AS (PARTITION BY b.hk ORDER BY b.load_dt)";
        // a version when it differs from its predecessor: the previous fresh row, else the latest version;
        // a parent's newest row that collapsed is remembered, so that older rows stay recognisably late
        return d.insertIntoTwo(fresh,
                new SqlDialect.InsertSpec(table, cols, vals, "NOT (" + collapsed + ")", List.of(), List.of()),
                new SqlDialect.InsertSpec(SEEN_TABLE, List.of("satellite", "parent_hk", "seen_dt"),
                        List.of(self, "o.hk", "o.load_dt"), "o._newest AND " + collapsed,
                        List.of("satellite", "parent_hk"), List.of("seen_dt")));
    }

    /**
     * The union of the mappings' projections with each key part normalized ({@code _n0..}) and each
     * attribute in the hashing standard's form ({@code _t0..}), computed once per row: the layer
     * ends with the dialect's subquery fence, so the planner neither repeats these expressions in
     * every hash that uses them nor carries the raw payload through the sorts above.
     */
    private String normalizedLayer(List<VaultMapping> mappings, List<KeyGroup> groups, Map<String, ColumnType> attributes) {
        List<ColumnType> types = new ArrayList<>();
        groups.forEach(g -> types.addAll(g.types()));
        List<String> sel = new ArrayList<>();
        for (int k = 0; k < types.size(); k++) {
            sel.add(hash.normalizeKeyPart(d.canonicalText("r._k" + k, types.get(k))) + " AS _n" + k);
        }
        int a = 0;
        for (ColumnType type : attributes.values()) {
            sel.add(hash.normalizeAttribute(d.canonicalText("r._a" + a, type)) + " AS _t" + a);
            a++;
        }
        return "      SELECT " + String.join(",\n        ", sel) + ", r.*\n"
                + "      FROM (\n" + union(mappings, groups, attributes) + "      ) r" + d.subqueryFence() + "\n";
    }

    /** Normalized key parts {@code n._n<from>} .. {@code n._n<to-1>}. */
    private static List<String> normalized(int from, int to) {
        List<String> out = new ArrayList<>();
        for (int k = from; k < to; k++) {
            out.add("n._n" + k);
        }
        return out;
    }

    private static List<String> normalizedAttributes(int count) {
        List<String> out = new ArrayList<>();
        for (int a = 0; a < count; a++) {
            out.add("n._t" + a);
        }
        return out;
    }

    /**
     * For benchmarks: a plain {@code INSERT INTO qualifiedTable SELECT} of the same projected rows
     * the target's load reads (same expressions, hash keys and hashdiff), without deduplication,
     * version detection or constraints. Same bind parameters as {@link #statement}.
     */
    String projectionInsert(String target, List<VaultMapping> mappings, String qualifiedTable) {
        List<KeyGroup> groups;
        Map<String, ColumnType> attributes = Map.of();
        List<String> cols = new ArrayList<>();
        if (vault.hubs().containsKey(target)) {
            HubConfig h = vault.hubs().get(target);
            groups = List.of(new KeyGroup(h.name(), List.copyOf(h.keyColumns().values())));
            cols.add(hash.hashKey(normalized(0, totalParts(groups))));
            for (int k = 0; k < h.keyColumns().size(); k++) {
                cols.add("n._k" + k);
            }
            cols.add("n.load_dt");
            cols.add("n.record_source");
        } else if (vault.links().containsKey(target)) {
            groups = roleGroups(vault.links().get(target));
            cols.add(hash.hashKey(normalized(0, totalParts(groups))));
            int from = 0;
            for (KeyGroup g : groups) {
                cols.add(hash.hashKey(normalized(from, from + g.types().size())));
                from += g.types().size();
            }
            cols.add("n.load_dt");
            cols.add("n.record_source");
        } else {
            SatelliteConfig s = vault.satellites().get(target);
            groups = vault.hubs().containsKey(s.parent())
                    ? List.of(new KeyGroup(s.parent(), List.copyOf(vault.hubs().get(s.parent()).keyColumns().values())))
                    : roleGroups(vault.links().get(s.parent()));
            attributes = s.attributes();
            cols.add(hash.hashKey(normalized(0, totalParts(groups))));
            cols.add("n.load_dt");
            cols.add(hash.hashDiff(normalizedAttributes(attributes.size())));
            cols.add("n.record_source");
            for (int i = 0; i < attributes.size(); i++) {
                cols.add("n._a" + i);
            }
        }
        return "INSERT INTO " + qualifiedTable + "\nSELECT " + String.join(",\n  ", cols) + "\nFROM (\n"
                + normalizedLayer(mappings, groups, attributes) + ") n";
    }

    private List<KeyGroup> roleGroups(LinkConfig l) {
        List<KeyGroup> groups = new ArrayList<>();
        l.roles().forEach((role, hub) ->
                groups.add(new KeyGroup(role, List.copyOf(vault.hubs().get(hub).keyColumns().values()))));
        return groups;
    }

    private static int totalParts(List<KeyGroup> groups) {
        return groups.stream().mapToInt(g -> g.types().size()).sum();
    }

    private String union(List<VaultMapping> mappings, List<KeyGroup> groups, Map<String, ColumnType> attributes) {
        List<String> parts = new ArrayList<>();
        for (VaultMapping m : mappings) {
            parts.add(projection(m, parts.size(), groups, attributes));
        }
        return String.join("      UNION ALL\n", parts);
    }

    private String projection(VaultMapping m, int input, List<KeyGroup> groups, Map<String, ColumnType> attributes) {
        List<String> sel = new ArrayList<>();
        int k = 0;
        for (KeyGroup g : groups) {
            List<VaultExpression> exprs = m.keys().get(g.name());
            for (int j = 0; j < g.types().size(); j++) {
                sel.add(typed(exprs.get(j), g.types().get(j)) + " AS _k" + k++);
            }
        }
        int a = 0;
        for (Map.Entry<String, ColumnType> attr : attributes.entrySet()) {
            sel.add(typed(m.attributes().get(attr.getKey()), attr.getValue()) + " AS _a" + a++);
        }
        String row = d.quote(ROW);
        String eventTime = row + "." + d.quote(StgTable.EVENT_TIME);
        String loadedAt = row + "." + d.quote(StgTable.LOADED_AT);
        String loadDt = m.loadDt().map(e -> "COALESCE(" + typed(e, ColumnType.TIMESTAMPTZ) + ", " + eventTime + ", " + loadedAt + ")")
                .orElse("COALESCE(" + eventTime + ", " + loadedAt + ")");
        sel.add(loadDt + " AS load_dt");
        sel.add(d.literal(m.source()) + " AS record_source");
        sel.add(input + " AS _input");
        String seq = row + "." + d.quote(StgTable.SEQ);
        sel.add(seq + " AS _seq");
        sel.add((m.each().isPresent() ? d.quote(ITEM) + ".ord" : "0") + " AS _item");
        StringBuilder sb = new StringBuilder("      SELECT ").append(String.join(",\n        ", sel)).append('\n')
                .append("      FROM ").append(d.qualified(StgTable.SCHEMA, m.source())).append(' ').append(row).append('\n');
        m.each().ifPresent(each -> sb.append("      ")
                .append(d.jsonArrayItemsJoin(d.jsonValue(row + "." + d.quote(StgTable.PAYLOAD), each), ITEM)).append('\n'));
        sb.append("      WHERE ").append(seq).append(" > ? AND ").append(seq).append(" <= ?");
        for (VaultMapping.Filter f : m.where()) {
            sb.append(" AND ").append(typed(f.expression(), ColumnType.TEXT)).append(" IN (")
                    .append(String.join(", ", java.util.Collections.nCopies(f.values().size(), "?"))).append(')');
        }
        if (skipRejected) {
            sb.append(" AND NOT EXISTS (SELECT 1 FROM ").append(REJECTS_TABLE).append(" rj WHERE rj.pipeline = ? AND rj.target = ?")
                    .append(" AND rj.stg_table = ? AND rj.stg_seq = ").append(seq).append(" AND rj.reloaded_at IS NULL)");
        }
        sb.append('\n');
        return sb.toString();
    }

    /**
     * One query per typed value of a mapping that is read as text and cast (a JSON path into a
     * {@code bigint} column, say): it finds the first row in the range whose text the cast rejects.
     * Run after a load failed with a data error, to name the row. Same parameters as the mapping's
     * part of {@link #statement}.
     */
    record CastCheck(VaultMapping mapping, String column, VaultExpression expression, ColumnType type, String sql) {
    }

    List<CastCheck> castChecks(String target, List<VaultMapping> mappings) {
        List<CastCheck> out = new ArrayList<>();
        Map<String, ColumnType> attributes = vault.satellites().containsKey(target)
                ? vault.satellites().get(target).attributes() : Map.of();
        List<KeyGroup> groups = vault.hubs().containsKey(target)
                ? List.of(new KeyGroup(target, List.copyOf(vault.hubs().get(target).keyColumns().values())))
                : vault.links().containsKey(target) ? roleGroups(vault.links().get(target))
                : vault.hubs().containsKey(vault.satellites().get(target).parent())
                ? List.of(new KeyGroup(vault.satellites().get(target).parent(),
                        List.copyOf(vault.hubs().get(vault.satellites().get(target).parent()).keyColumns().values())))
                : roleGroups(vault.links().get(vault.satellites().get(target).parent()));
        for (VaultMapping m : mappings) {
            for (KeyGroup g : groups) {
                for (int j = 0; j < g.types().size(); j++) {
                    castCheck(m, g.name(), m.keys().get(g.name()).get(j), g.types().get(j)).ifPresent(out::add);
                }
            }
            attributes.forEach((name, type) -> castCheck(m, name, m.attributes().get(name), type).ifPresent(out::add));
            m.loadDt().flatMap(e -> castCheck(m, "load_dt", e, ColumnType.TIMESTAMPTZ)).ifPresent(out::add);
        }
        return out;
    }

    private java.util.Optional<CastCheck> castCheck(VaultMapping m, String column, VaultExpression e, ColumnType type) {
        String text = typed(e, ColumnType.TEXT);
        if (e.kind() == VaultExpression.Kind.COLUMN || type.kind() == ColumnType.Kind.TEXT
                || type.kind() == ColumnType.Kind.VARCHAR) {
            return java.util.Optional.empty();
        }
        String row = d.quote(ROW);
        String seq = row + "." + d.quote(StgTable.SEQ);
        StringBuilder sb = new StringBuilder("SELECT ").append(seq).append(", ").append(text).append(" FROM ")
                .append(d.qualified(StgTable.SCHEMA, m.source())).append(' ').append(row).append(' ');
        m.each().ifPresent(each -> sb.append(d.jsonArrayItemsJoin(d.jsonValue(row + "." + d.quote(StgTable.PAYLOAD), each), ITEM))
                .append(' '));
        sb.append("WHERE ").append(seq).append(" > ? AND ").append(seq).append(" <= ?");
        for (VaultMapping.Filter f : m.where()) {
            sb.append(" AND ").append(typed(f.expression(), ColumnType.TEXT)).append(" IN (")
                    .append(String.join(", ", java.util.Collections.nCopies(f.values().size(), "?"))).append(')');
        }
        sb.append(" AND ").append(text).append(" IS NOT NULL AND NOT ").append(d.isValidInput(text, type))
                .append(" ORDER BY ").append(seq).append(" LIMIT 1");
        return java.util.Optional.of(new CastCheck(m, column, e, type, sb.toString()));
    }

    /**
     * A statement recording in {@link #REJECTS_TABLE} every row of a mapping's range whose value for
     * one typed column the type rejects (text that is not a number for a {@code bigint} key, too long
     * for a {@code varchar(n)}, ...): one entry per row and column, the first offending value of
     * the row (an {@code each:} row may have several). A row already recorded for the column gets
     * the new value and reason and is pending again. Parameters: pipeline, target, then
     * {@link #parameters} of the mapping.
     */
    record RejectCheck(VaultMapping mapping, String column, VaultExpression expression, ColumnType type, String sql) {
        String reason() {
            return column + " = " + expression.text() + " is not a " + type;
        }
    }

    /** The reject checks of every typed value {@code target} reads through {@code mappings}. */
    List<RejectCheck> rejectChecks(String target, List<VaultMapping> mappings) {
        List<RejectCheck> out = new ArrayList<>();
        for (VaultMapping m : mappings) {
            keyColumnsOf(target).forEach((name, part) -> rejectCheck(m, name, m.keys().get(part.group()).get(part.index()),
                    part.type()).ifPresent(out::add));
            if (vault.satellites().containsKey(target)) {
                vault.satellites().get(target).attributes()
                        .forEach((name, type) -> rejectCheck(m, name, m.attributes().get(name), type).ifPresent(out::add));
            }
            m.loadDt().flatMap(e -> rejectCheck(m, VaultTables.LOAD_DT, e, ColumnType.TIMESTAMPTZ)).ifPresent(out::add);
        }
        return out;
    }

    /** One business key part: the hub reference (hub or link role) it belongs to, its position there, its type. */
    private record KeyPart(String group, int index, ColumnType type) {
    }

    /**
     * The key parts a target reads, named as a user knows them: a hub's (or a hub-parented
     * satellite's) key columns; a link's roles ({@code role.column} for multi-column keys).
     */
    private Map<String, KeyPart> keyColumnsOf(String target) {
        String hub = vault.hubs().containsKey(target) ? target
                : vault.satellites().containsKey(target) && vault.hubs().containsKey(vault.satellites().get(target).parent())
                ? vault.satellites().get(target).parent() : null;
        Map<String, KeyPart> out = new java.util.LinkedHashMap<>();
        if (hub != null) {
            int j = 0;
            for (Map.Entry<String, ColumnType> col : vault.hubs().get(hub).keyColumns().entrySet()) {
                out.put(col.getKey(), new KeyPart(hub, j++, col.getValue()));
            }
            return out;
        }
        LinkConfig link = vault.links().containsKey(target) ? vault.links().get(target)
                : vault.links().get(vault.satellites().get(target).parent());
        for (KeyGroup g : roleGroups(link)) {
            List<String> cols = List.copyOf(vault.hubs().get(link.roles().get(g.name())).keyColumns().keySet());
            for (int j = 0; j < g.types().size(); j++) {
                out.put(cols.size() == 1 ? g.name() : g.name() + "." + cols.get(j), new KeyPart(g.name(), j, g.types().get(j)));
            }
        }
        return out;
    }

    private java.util.Optional<RejectCheck> rejectCheck(VaultMapping m, String column, VaultExpression e, ColumnType type) {
        if (e.kind() == VaultExpression.Kind.COLUMN || type.kind() == ColumnType.Kind.TEXT) {
            return java.util.Optional.empty();
        }
        String text = typed(e, ColumnType.TEXT);
        String row = d.quote(ROW);
        String seq = row + "." + d.quote(StgTable.SEQ);
        StringBuilder bad = new StringBuilder("SELECT ").append(seq).append(" AS _seq, ").append(text).append(" AS _v FROM ")
                .append(d.qualified(StgTable.SCHEMA, m.source())).append(' ').append(row).append(' ');
        m.each().ifPresent(each -> bad.append(d.jsonArrayItemsJoin(d.jsonValue(row + "." + d.quote(StgTable.PAYLOAD), each), ITEM))
                .append(' '));
        bad.append("WHERE ").append(seq).append(" > ? AND ").append(seq).append(" <= ?");
        for (VaultMapping.Filter f : m.where()) {
            bad.append(" AND ").append(typed(f.expression(), ColumnType.TEXT)).append(" IN (")
                    .append(String.join(", ", java.util.Collections.nCopies(f.values().size(), "?"))).append(')');
        }
        bad.append(" AND ").append(text).append(" IS NOT NULL AND NOT ").append(d.isValidInput(text, type));
        RejectCheck shape = new RejectCheck(m, column, e, type, null);
        List<String> cols = List.of("pipeline", "target", "stg_table", "stg_seq", "column_name", "expression", "column_type",
                "value", "reason", "reloaded_at");
        String rows = "SELECT CAST(? AS " + d.textType() + "), CAST(? AS " + d.textType() + "), "
                + d.literal(VaultLoader.input(m)) + ", b._seq, " + d.literal(column) + ", " + d.literal(e.text()) + ", "
                + d.literal(type.toString()) + ", SUBSTRING(min(b._v) FROM 1 FOR 1000), " + d.literal(shape.reason()) + ", "
                + d.cast("NULL", ColumnType.TIMESTAMPTZ) + "\nFROM (" + bad + ") b\nGROUP BY b._seq";
        String sql = d.upsert(REJECTS_TABLE, cols, rows, List.of("pipeline", "target", "stg_table", "stg_seq", "column_name"),
                List.of("expression", "column_type", "value", "reason", "reloaded_at"));
        return java.util.Optional.of(new RejectCheck(m, column, e, type, sql));
    }

    /** The expression's SQL, converted to the column's type (text stays text for varchar columns, so over-long values fail). */
    private String typed(VaultExpression e, ColumnType type) {
        String sql;
        ColumnType from;
        switch (e.kind()) {
            case PAYLOAD_PATH -> {
                sql = d.jsonText(d.quote(ROW) + "." + d.quote(StgTable.PAYLOAD), e.path());
                from = ColumnType.TEXT;
            }
            case ITEM_PATH -> {
                String item = d.quote(ITEM) + ".item";
                sql = e.path().isRoot() ? d.jsonScalarText(item) : d.jsonText(item, e.path());
                from = ColumnType.TEXT;
            }
            default -> {
                sql = d.quote(ROW) + "." + d.quote(e.column());
                from = STG_COLUMN_TYPES.get(e.column());
            }
        }
        if (type.equals(from) || (type.kind() == ColumnType.Kind.VARCHAR && from.kind() == ColumnType.Kind.TEXT)) {
            return sql;
        }
        return d.cast(sql, type);
    }
}
