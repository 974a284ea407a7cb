package dev.strata.vault;

import dev.strata.config.ColumnType;
import dev.strata.config.HubConfig;
import dev.strata.config.LinkConfig;
import dev.strata.config.MissingKeys;
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

    /** The bind values of one mapping's range: its {@code _seq} bounds, then its {@code where:} values. */
    static List<Object> parameters(VaultMapping m, long after, long upTo) {
        List<Object> out = new ArrayList<>(List.of(after, upTo));
        m.where().forEach(f -> out.addAll(f.values()));
        return out;
    }

    /**
     * The bind values of one mapping's part of a load {@link #statement}: the values of its
     * {@code deleted:} filters (effectivity satellites, in the select list), then {@link #parameters}.
     */
    static List<Object> statementParameters(VaultMapping m, long after, long upTo) {
        List<Object> out = new ArrayList<>();
        m.deleted().forEach(f -> out.addAll(f.values()));
        out.addAll(parameters(m, after, upTo));
        return out;
    }

    /** The bind values of one mapping's part of a statement that skips rejected rows. */
    static List<Object> skipParameters(VaultMapping m, long after, long upTo, String pipeline, String target) {
        List<Object> out = statementParameters(m, after, upTo);
        out.addAll(List.of(pipeline, target, VaultLoader.input(m)));
        return out;
    }

    /** A group of key parts: one hub reference (a hub, or a link's role) and the types of its key columns. */
    record KeyGroup(String name, List<ColumnType> types) {
    }

    /**
     * The statement loading {@code target} from {@code mappings} (a subset of its own, in order): one
     * {@code INSERT ... SELECT} for a hub or link; for a satellite the warehouse's form of "compute
     * the candidate rows once, insert the versions, remember the collapsed" ({@link SqlDialect#insertIntoTwo}),
     * whose count is the versions inserted.
     */
    SqlScript statement(String target, List<VaultMapping> mappings) {
        return statement(target, mappings, false);
    }

    /**
     * As {@link #statement(String, List)}; with {@code intoEmpty} (a standard satellite that has no
     * rows but its ghost, as seen under the target's lock), the satellite's first load: no row
     * can be late and no stored version can equal a new one, so it neither looks up latest
     * versions nor reads remembered rows (ignored for an empty satellite anyway). The result is the
     * same as the general statement's; a million-row first load saves about half a second.
     */
    SqlScript statement(String target, List<VaultMapping> mappings, boolean intoEmpty) {
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
        if (s.effectivity().isPresent()) {
            return effectivity(s, mappings);
        }
        if (s.multiActive().isPresent()) {
            return multiActive(s, mappings);
        }
        return satellite(s, mappings, intoEmpty);
    }

    /** True for a standard satellite, whose first load has a plan of its own ({@link #statement(String, List, boolean)}). */
    boolean hasFirstLoadPlan(String target) {
        SatelliteConfig s = vault.satellites().get(target);
        return s != null && s.effectivity().isEmpty() && s.multiActive().isEmpty();
    }

    /** A query whose one boolean is true when {@code target} has a row other than its ghost. */
    String hasRows(String target) {
        SatelliteConfig s = vault.satellites().get(target);
        return "SELECT " + nonEmpty(d.qualified(vault.schema(), s.name()), d.quote(VaultTables.hashKeyColumn(s.parent())));
    }

    private String hub(HubConfig h, List<VaultMapping> mappings) {
        List<KeyGroup> groups = List.of(new KeyGroup(h.name(), List.copyOf(h.keyColumns().values())));
        String table = d.qualified(vault.schema(), h.name());
        String hk = d.quote(VaultTables.hashKeyColumn(h.name()));
        List<String> cols = new ArrayList<>(List.of(hk));
        List<String> vals = new ArrayList<>(List.of("x.hk"));
        List<String> carried = new ArrayList<>();
        List<String> ties = new ArrayList<>();
        String missing = missing(groups, false);
        int k = 0;
        for (Map.Entry<String, ColumnType> col : h.keyColumns().entrySet()) {
            cols.add(d.quote(col.getKey()));
            vals.add("x._k" + k);
            // the unknown member's key columns are NULL, whichever blank spelling arrived first
            carried.add("CASE WHEN " + missing + " THEN NULL ELSE n._k" + k + " END AS _k" + k);
            ties.addAll(ordered("x._k" + k, col.getValue(), ""));
            k++;
        }
        return firstPerKey(table, hk, cols, vals, List.of(hash.hashKey(normalized(0, totalParts(groups))) + " AS hk"),
                carried, ties, h.missingKeys() == MissingKeys.SKIP ? "NOT " + missing : null, mappings, groups, Map.of());
    }

    private String link(LinkConfig l, List<VaultMapping> mappings) {
        List<KeyGroup> groups = roleGroups(l);
        String table = d.qualified(vault.schema(), l.name());
        String hk = d.quote(VaultTables.hashKeyColumn(l.name()));
        List<String> cols = new ArrayList<>(List.of(hk));
        List<String> vals = new ArrayList<>(List.of("x.hk"));
        List<String> hashes = new ArrayList<>();
        // a non-historized link's event key joins the hubs' keys in its hash key, normalized as key parts
        List<String> keyParts = new ArrayList<>(normalized(0, totalParts(groups)));
        List<String> names = List.copyOf(l.payload().keySet());
        for (String col : l.eventKey()) {
            keyParts.add("NULLIF(" + d.asciiUpper("n._t" + names.indexOf(col)) + ", '')");
        }
        hashes.add(hash.hashKey(keyParts) + " AS hk");
        int from = 0;
        int g = 0;
        for (KeyGroup group : groups) {
            hashes.add(hash.hashKey(normalized(from, from + group.types().size())) + " AS _h" + g);
            cols.add(d.quote(VaultTables.hashKeyColumn(group.name())));
            vals.add("x._h" + g++);
            from += group.types().size();
        }
        // its payload: the first event's, ordered by content where rows tie, as a hub's key text
        List<String> carried = new ArrayList<>();
        List<String> ties = new ArrayList<>();
        int a = 0;
        for (Map.Entry<String, ColumnType> col : l.payload().entrySet()) {
            cols.add(d.quote(col.getKey()));
            vals.add("x._a" + a);
            carried.add("n._a" + a);
            ties.addAll(ordered("x._a" + a, col.getValue(), ""));
            a++;
        }
        return firstPerKey(table, hk, cols, vals, hashes, carried, ties,
                l.missingKeys() == MissingKeys.SKIP ? "NOT " + missing(groups, true) : null, mappings, groups, l.payload());
    }

    /**
     * SQL over the normalized key parts {@code n._n0..} that is true when the key is missing: every
     * part NULL (hashing rule 8); with {@code anyGroup}, when every part of any one group (a link's
     * role) is NULL.
     */
    static String missing(List<KeyGroup> groups, boolean anyGroup) {
        List<String> perGroup = new ArrayList<>();
        List<String> all = new ArrayList<>();
        int k = 0;
        for (KeyGroup g : groups) {
            List<String> parts = new ArrayList<>();
            for (int j = 0; j < g.types().size(); j++) {
                parts.add("n._n" + k++ + " IS NULL");
            }
            all.addAll(parts);
            perGroup.add(parts.size() == 1 ? parts.get(0) : "(" + String.join(" AND ", parts) + ")");
        }
        return anyGroup && perGroup.size() > 1 ? "(" + String.join(" OR ", perGroup) + ")" : "(" + String.join(" AND ", all) + ")";
    }

    /**
     * ORDER BY terms for a typed value that every warehouse sorts alike: NULL after every value
     * (databases disagree on where NULLs go), text by code point whatever the collation.
     * {@code direction} is {@code ""} or {@code " DESC"}.
     */
    private List<String> ordered(String expr, ColumnType type, String direction) {
        String value = type.kind() == ColumnType.Kind.TEXT || type.kind() == ColumnType.Kind.VARCHAR ? d.codePointOrder(expr) : expr;
        return List.of("CASE WHEN " + expr + " IS NULL THEN 1 ELSE 0 END" + direction, value + direction);
    }

    /**
     * Hubs and links: the rows of new hash keys, the first per key by (load_dt, source, {@code ties},
     * _seq, item); {@code ties} (the stored key texts of a hub) come before {@code _seq} so that the
     * row kept does not depend on the order rows landed in. Keys already stored are dropped before
     * ranking, so a run over mostly known keys sorts little. {@code filter} (over {@code n.}, may be
     * null) leaves rows out before anything else.
     */
    private String firstPerKey(String table, String hk, List<String> cols, List<String> vals, List<String> hashes,
                               List<String> carried, List<String> ties, String filter, List<VaultMapping> mappings,
                               List<KeyGroup> groups, Map<String, ColumnType> payload) {
        cols.add(d.quote(VaultTables.LOAD_DT));
        vals.add("x.load_dt");
        cols.add(d.quote(VaultTables.RECORD_SOURCE));
        vals.add("x.record_source");
        List<String> select = new ArrayList<>(hashes);
        select.addAll(carried);
        select.addAll(List.of("n.load_dt", "n.record_source", "n._input", "n._seq", "n._item"));
        String unknown = "    SELECT * FROM (\n"
                + "      SELECT " + String.join(",\n        ", select) + "\n"
                + "      FROM (\n" + normalizedLayer(mappings, groups, payload) + "      ) n"
                + (filter == null ? "" : " WHERE " + filter) + d.subqueryFence() + "\n"
                + "    ) p\n"
                + "    WHERE NOT EXISTS (SELECT 1 FROM " + table + " t WHERE t." + hk + " = p.hk)\n";
        List<String> order = new ArrayList<>(List.of("x.load_dt", "x._input"));
        order.addAll(ties);
        order.addAll(List.of("x._seq", "x._item"));
        return "INSERT INTO " + table + " (" + String.join(", ", cols) + ")\n"
                + "SELECT " + String.join(", ", vals) + "\n"
                + "FROM (\n"
                + "  " + d.firstPerGroup(unknown, "x", List.of("x.hk"), order) + "\n"
                // no ON CONFLICT: known keys are filtered above and the target's lock keeps other loads out,
                // and a speculative insert per row would cost about a third of the statement
                + ") x";
    }

    private SqlScript satellite(SatelliteConfig s, List<VaultMapping> mappings, boolean intoEmpty) {
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
        // with deletes, a version is a change of (hashdiff, is_deleted): a delete of an unchanged row and a
        // re-insert of the deleted attributes are versions too. The hashdiff stays the attributes' alone
        boolean deletes = s.tracksDeletes();
        String collapsed = intoEmpty ? d.nullSafeEquals("o.hd", "o._prev_hd")
                : d.nullSafeEquals("o.hd", "COALESCE(o._prev_hd, o._cur_hd)");
        if (deletes) {
            collapsed = "(" + collapsed + " AND o._del = " + (intoEmpty ? "o._prev_del" : "COALESCE(o._prev_del, o._cur_del)") + ")";
            cols.add(VaultTables.IS_DELETED);
            vals.add("CASE WHEN o._del = 1 THEN TRUE ELSE FALSE END");
        }
        String batch = "      SELECT " + hash.hashKey(normalized(0, totalParts(groups))) + " AS hk,\n"
                + "        " + hash.hashDiff(normalizedAttributes(s.attributes().size())) + " AS hd,\n"
                + "        " + (attrs.isEmpty() ? "" : String.join(", ", attrs) + ", ")
                + (deletes ? "n._del, " : "") + "n.load_dt, n.record_source, n._input, n._seq, n._item\n"
                + "      FROM (\n" + normalizedLayer(mappings, groups, s.attributes(), deletes) + "      ) n"
                + " WHERE NOT " + parentMissing(s) + d.subqueryFence() + "\n";
        // of several rows of a parent at one load_dt: the later source's, then a delete, then the highest hashdiff
        // (then the values as stored, which only differ in blanks at the ends), so that the landing order never decides
        List<String> ties = new ArrayList<>(List.of("p._input DESC"));
        if (deletes) {
            ties.add("p._del DESC");
        }
        ties.add("p.hd DESC");
        int ta = 0;
        for (ColumnType type : s.attributes().values()) {
            ties.addAll(ordered("p._a" + ta++, type, " DESC"));
        }
        ties.addAll(List.of("p._seq DESC", "p._item DESC"));
        List<String> freshCols = new ArrayList<>(List.of("b.hk", "b.hd", "b.load_dt", "b.record_source"));
        freshCols.addAll(attrs.stream().map(a -> "b." + a.substring(2)).toList());
        String isDeleted = d.quote(VaultTables.IS_DELETED);
        if (deletes) {
            freshCols.add("b._del");
            freshCols.add("lag(b._del) OVER w AS _prev_del");
            if (!intoEmpty) {
                freshCols.add("CASE WHEN cur." + isDeleted + " THEN 1 WHEN NOT cur." + isDeleted + " THEN 0 END AS _cur_del");
            }
        }
        List<String> current = deletes ? List.of(loadDt, hashdiff, isDeleted) : List.of(loadDt, hashdiff);
        // rows newer than everything seen for their parent: its latest version, or a newer collapsed row.
        // The batch keeps one row per parent and load_dt (the last landed of equal ones). The latest
        // version's lookup is guarded by an uncorrelated EXISTS, computed once, so a first load into an
        // empty satellite skips a million index probes that could find nothing.
        String fresh = "  SELECT " + String.join(", ", freshCols) + (intoEmpty ? "" : ", cur." + hashdiff + " AS _cur_hd")
                + ", lag(b.hd) OVER w AS _prev_hd, lead(b.load_dt) OVER w IS NULL AS _newest\n"
                + "  FROM (\n  " + d.firstPerGroup(batch, "p", List.of("p.hk", "p.load_dt"), ties) + "\n  ) b\n"
                + (intoEmpty ? "" : "  " + d.latestRowJoin(table, parent, loadDt, current, "b.hk", "cur",
                        nonEmpty(table, parent)) + "\n"
                + "  LEFT JOIN " + SEEN_TABLE + " seen ON seen.satellite = " + self + " AND seen.parent_hk = b.hk\n"
                + "  WHERE cur." + loadDt + " IS NULL OR (b.load_dt > cur." + loadDt
                + " AND (seen.seen_dt IS NULL OR b.load_dt > seen.seen_dt))\n")
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
     * An effectivity satellite: per driving key, the relationship (link row) in effect over time.
     * Layers: the rows (driving key, link key, delete marker, load_dt), one event per driving key
     * and instant; the fresh events (newer than everything seen for the driving key) with the state
     * each puts in effect (its link key, NULL for a delete) and the state before it (the previous
     * fresh event's, else the table's current relationship); the changes among them, each with the
     * time of the next change. Then, from that one select: the current relationship's period is
     * closed at the first change, each change to a relationship opens a period (closed already
     * when a later change of the same load follows), and the newest event per driving key, when it
     * changed nothing (a change is remembered by its period), in {@code strata.vault_seen}. The count is the periods opened plus those closed.
     */
    private SqlScript effectivity(SatelliteConfig s, List<VaultMapping> mappings) {
        LinkConfig link = vault.links().get(s.parent());
        List<KeyGroup> groups = roleGroups(link);
        String role = s.effectivity().orElseThrow().drivingRole();
        int from = 0;
        int drivingFrom = 0;
        int drivingTo = 0;
        List<KeyGroup> partners = new ArrayList<>();
        List<Integer> partnerStarts = new ArrayList<>();
        for (KeyGroup g : groups) {
            if (g.name().equals(role)) {
                drivingFrom = from;
                drivingTo = from + g.types().size();
            } else {
                partners.add(g);
                partnerStarts.add(from);
            }
            from += g.types().size();
        }
        String table = d.qualified(vault.schema(), s.name());
        String driving = VaultTables.hashKeyColumn(role);
        String self = d.literal(vault.schema() + "." + s.name());
        StringBuilder drivingMissing = new StringBuilder("(");
        for (int k = drivingFrom; k < drivingTo; k++) {
            drivingMissing.append(k == drivingFrom ? "" : " AND ").append("n._n").append(k).append(" IS NULL");
        }
        drivingMissing.append(')');
        List<String> partnerMissing = new ArrayList<>();
        for (int p = 0; p < partners.size(); p++) {
            List<String> parts = new ArrayList<>();
            for (int k = partnerStarts.get(p); k < partnerStarts.get(p) + partners.get(p).types().size(); k++) {
                parts.add("n._n" + k + " IS NULL");
            }
            partnerMissing.add("(" + String.join(" AND ", parts) + ")");
        }
        // a row needs its driving key; with skip, a statement also needs its partners (a delete does not)
        String filter = "NOT " + drivingMissing + (link.missingKeys() == MissingKeys.SKIP
                ? " AND (n._del = 1 OR NOT (" + String.join(" OR ", partnerMissing) + "))" : "");
        String batch = "      SELECT " + hash.hashKey(normalized(drivingFrom, drivingTo)) + " AS dk,\n"
                + "        " + hash.hashKey(normalized(0, totalParts(groups))) + " AS lk,\n"
                + "        n._del, n.load_dt, n.record_source, n._input, n._seq, n._item\n"
                + "      FROM (\n" + normalizedLayer(mappings, groups, Map.of(), true) + "      ) n"
                + " WHERE " + filter + d.subqueryFence() + "\n";
        // one event per driving key and instant, chosen by content: the later source's, a delete over a
        // statement, then the highest link key
        String events = "    SELECT x.*, CASE WHEN x._del = 1 THEN NULL ELSE x.lk END AS _state FROM (\n    "
                + d.firstPerGroup(batch, "p", List.of("p.dk", "p.load_dt"),
                        List.of("p._input DESC", "p._del DESC", "p.lk DESC", "p._seq DESC", "p._item DESC")) + "\n    ) x\n";
        String startDt = d.quote(VaultTables.START_DT);
        String endDt = d.quote(VaultTables.END_DT);
        String isCurrent = d.quote(VaultTables.IS_CURRENT);
        String linkHk = d.quote(VaultTables.hashKeyColumn(s.parent()));
        String fresh = "   SELECT e.dk, e.load_dt, e.record_source, e._state, cur." + startDt + " AS _cur_start,\n"
                + "     CASE WHEN cur." + isCurrent + " THEN cur." + linkHk + " END AS _cur_state,\n"
                + "     row_number() OVER w AS _nth, lag(e._state) OVER w AS _lag_state, lead(e.load_dt) OVER w AS _next_dt\n"
                + "   FROM (\n" + events + "   ) e\n"
                + "   " + d.latestRowJoin(table, d.quote(driving), startDt, List.of(startDt, endDt, isCurrent, linkHk), "e.dk", "cur",
                        nonEmpty(table, d.quote(driving))) + "\n"
                + "   LEFT JOIN " + SEEN_TABLE + " seen ON seen.satellite = " + self + " AND seen.parent_hk = e.dk\n"
                // late: not newer than every event seen for the driving key, nor than its latest period
                + "   WHERE (seen.seen_dt IS NULL OR e.load_dt > seen.seen_dt)\n"
                + "     AND (cur." + startDt + " IS NULL OR (e.load_dt > cur." + startDt + " AND (cur." + isCurrent
                + " OR e.load_dt > cur." + endDt + ")))\n"
                + "   WINDOW w AS (PARTITION BY e.dk ORDER BY e.load_dt)";
        String flagged = "  SELECT c.*, CASE WHEN " + d.nullSafeEquals("c._state", "c._prev") + " THEN 0 ELSE 1 END AS _change FROM (\n"
                + "   SELECT f.*, CASE WHEN f._nth = 1 THEN f._cur_state ELSE f._lag_state END AS _prev FROM (\n"
                + fresh + "\n   ) f\n  ) c";
        // only the changes and each driving key's newest event go on; the newest, when it is not a change,
        // comes last, so lead over these rows is the next change's time (NULL after the last change) and
        // the first of them is the first change. Same window order as the layer below: no second sort
        String select = "SELECT g.*, lead(CASE WHEN g._change = 1 THEN g.load_dt END) OVER v AS _until,"
                + " row_number() OVER v AS _nth_change FROM (\n"
                + flagged + "\n) g\nWHERE g._change = 1 OR g._next_dt IS NULL\nWINDOW v AS (PARTITION BY g.dk ORDER BY g.load_dt)";
        String endOfTime = d.cast(d.literal(VaultTables.END_OF_TIME.toString()), ColumnType.TIMESTAMPTZ);
        return d.writeFromSelect(select, List.of(
                new SqlDialect.UpdateSpec(table, List.of(driving, VaultTables.START_DT), List.of("o.dk", "o._cur_start"),
                        List.of(VaultTables.END_DT, VaultTables.IS_CURRENT), List.of("o.load_dt", "FALSE"),
                        "o._change = 1 AND o._nth_change = 1 AND o._cur_state IS NOT NULL"),
                new SqlDialect.InsertSpec(table, List.of(VaultTables.hashKeyColumn(s.parent()), driving, VaultTables.START_DT,
                        VaultTables.END_DT, VaultTables.IS_CURRENT, VaultTables.RECORD_SOURCE),
                        List.of("o._state", "o.dk", "o.load_dt", "COALESCE(o._until, " + endOfTime + ")",
                                "CASE WHEN o._until IS NULL THEN TRUE ELSE FALSE END", "o.record_source"),
                        "o._change = 1 AND o._state IS NOT NULL", List.of(), List.of()),
                new SqlDialect.InsertSpec(SEEN_TABLE, List.of("satellite", "parent_hk", "seen_dt"), List.of(self, "o.dk", "o.load_dt"),
                        // a change is remembered by the period it opens or closes; only a newest event that
                        // changed nothing needs remembering, so that older events stay recognisably late
                        "o._next_dt IS NULL AND o._change = 0", List.of("satellite", "parent_hk"), List.of("seen_dt"))),
                java.util.Set.of(0, 1));
    }

    /**
     * A multi-active satellite: per parent and {@code load_dt} the set of rows (one per child key;
     * of several with one key the one chosen as for a satellite's same-instant rows) is one state,
     * whose hashdiff is rule 9 over the rows' hashdiffs. Sets are versioned like a satellite's rows:
     * a set newer than everything seen for its parent becomes a version when its hashdiff differs
     * from the set before it (the previous set of the load, else the latest stored one), and then
     * all its rows are inserted with the set's hashdiff; the newest set that collapsed is
     * remembered. The count is the rows inserted.
     */
    private SqlScript multiActive(SatelliteConfig s, List<VaultMapping> mappings) {
        List<KeyGroup> groups = parentGroups(s);
        List<String> names = List.copyOf(s.attributes().keySet());
        List<String> childKey = s.multiActive().orElseThrow().key();
        String table = d.qualified(vault.schema(), s.name());
        String parent = d.quote(VaultTables.hashKeyColumn(s.parent()));
        String loadDt = d.quote(VaultTables.LOAD_DT);
        String hashdiff = d.quote(VaultTables.HASHDIFF);
        String self = d.literal(vault.schema() + "." + s.name());
        List<String> attrs = new ArrayList<>();
        List<String> childKeys = new ArrayList<>();
        List<String> present = new ArrayList<>(List.of("NOT " + parentMissing(s)));
        for (int a = 0; a < names.size(); a++) {
            attrs.add("n._a" + a);
            if (childKey.contains(names.get(a))) {
                childKeys.add("n._t" + a + " AS _c" + childKeys.size());
                present.add("n._t" + a + " IS NOT NULL");
            }
        }
        String rows = "      SELECT " + hash.hashKey(normalized(0, totalParts(groups))) + " AS hk,\n"
                + "        " + hash.hashDiffHex(normalizedAttributes(names.size())) + " AS rhx,\n"
                + "        " + String.join(", ", childKeys) + ", " + String.join(", ", attrs) + ",\n"
                + "        n.load_dt, n.record_source, n._input, n._seq, n._item\n"
                + "      FROM (\n" + normalizedLayer(mappings, groups, s.attributes()) + "      ) n"
                + " WHERE " + String.join(" AND ", present) + d.subqueryFence() + "\n";
        // one row per parent, instant and child key (as hashed: trimmed), chosen by content
        List<String> group = new ArrayList<>(List.of("p.hk", "p.load_dt"));
        for (int c = 0; c < childKey.size(); c++) {
            group.add("p._c" + c);
        }
        List<String> ties = new ArrayList<>(List.of("p._input DESC", "p.rhx DESC"));
        int ta = 0;
        for (ColumnType type : s.attributes().values()) {
            ties.addAll(ordered("p._a" + ta++, type, " DESC"));
        }
        ties.addAll(List.of("p._seq DESC", "p._item DESC"));
        String members = d.firstPerGroup(rows, "p", group, ties);
        String sets = "    SELECT u.hk, u.load_dt, " + hash.setHashDiff("u.rhx") + " AS hd FROM u GROUP BY u.hk, u.load_dt\n";
        String fresh = "  SELECT b.hk, b.load_dt, b.hd, cur." + hashdiff + " AS _cur_hd, lag(b.hd) OVER w AS _prev_hd,"
                + " lead(b.load_dt) OVER w IS NULL AS _newest\n"
                + "  FROM (\n" + sets + "  ) b\n"
                + "  " + d.latestRowJoin(table, parent, loadDt, List.of(loadDt, hashdiff), "b.hk", "cur",
                        nonEmpty(table, parent)) + "\n"
                + "  LEFT JOIN " + SEEN_TABLE + " seen ON seen.satellite = " + self + " AND seen.parent_hk = b.hk\n"
                + "  WHERE cur." + loadDt + " IS NULL OR (b.load_dt > cur." + loadDt
                + " AND (seen.seen_dt IS NULL OR b.load_dt > seen.seen_dt))\n"
                + "  WINDOW w AS (PARTITION BY b.hk ORDER BY b.load_dt)";
        String collapsed = d.nullSafeEquals("f.hd", "COALESCE(f._prev_hd, f._cur_hd)");
        List<String> versionCols = new ArrayList<>();
        List<String> nulls = new ArrayList<>();
        ta = 0;
        for (ColumnType type : s.attributes().values()) {
            versionCols.add("u._a" + ta);
            nulls.add(d.cast("NULL", type) + " AS _a" + ta++);
        }
        // the rows of each new version, and one row per parent whose newest set collapsed
        String select = "WITH u AS (\n  " + members + "\n), f AS (\n" + fresh + "\n)\n"
                + "SELECT f.hk, f.load_dt, f.hd, u.record_source, " + String.join(", ", versionCols) + ", 1 AS _ins\n"
                + "FROM f JOIN u ON u.hk = f.hk AND u.load_dt = f.load_dt\n"
                + "WHERE NOT (" + collapsed + ")\n"
                + "UNION ALL\n"
                + "SELECT f.hk, f.load_dt, f.hd, " + d.cast("NULL", ColumnType.TEXT) + ", " + String.join(", ", nulls) + ", 0\n"
                + "FROM f WHERE f._newest AND " + collapsed;
        List<String> cols = new ArrayList<>(List.of(VaultTables.hashKeyColumn(s.parent()), VaultTables.LOAD_DT,
                VaultTables.HASHDIFF, VaultTables.RECORD_SOURCE));
        List<String> vals = new ArrayList<>(List.of("o.hk", "o.load_dt", "o.hd", "o.record_source"));
        for (int a = 0; a < names.size(); a++) {
            cols.add(names.get(a));
            vals.add("o._a" + a);
        }
        return d.writeFromSelect(select, List.of(
                new SqlDialect.InsertSpec(table, cols, vals, "o._ins = 1", List.of(), List.of()),
                new SqlDialect.InsertSpec(SEEN_TABLE, List.of("satellite", "parent_hk", "seen_dt"), List.of(self, "o.hk", "o.load_dt"),
                        "o._ins = 0", List.of("satellite", "parent_hk"), List.of("seen_dt"))),
                java.util.Set.of(0));
    }

    /**
     * An uncorrelated condition, computed once per statement, that is false while {@code table}
     * holds no real row (nothing, or only its ghost record): it keeps a first load from probing
     * the table once per input row for versions it cannot have.
     */
    private String nonEmpty(String table, String keyColumn) {
        return "(SELECT EXISTS (SELECT 1 FROM " + table + (vault.ghostRecords()
                ? " g WHERE g." + keyColumn + " <> " + d.hashKeyLiteral(HashStandard.GHOST_KEY) : "") + "))";
    }

    /** The key groups of a satellite's parent: the hub, or the link's roles. */
    private List<KeyGroup> parentGroups(SatelliteConfig s) {
        return vault.hubs().containsKey(s.parent())
                ? List.of(new KeyGroup(s.parent(), List.copyOf(vault.hubs().get(s.parent()).keyColumns().values())))
                : roleGroups(vault.links().get(s.parent()));
    }

    /**
     * SQL over {@code n.} that is true when a satellite row's parent key is missing, so that the row
     * is left out whatever the policy: the unknown member (every part missing) never gets a history
     * made of unrelated rows; for a link that skips rows with a missing hub key, neither do those.
     */
    private String parentMissing(SatelliteConfig s) {
        LinkConfig link = vault.links().get(s.parent());
        return missing(parentGroups(s), link != null && link.missingKeys() == MissingKeys.SKIP);
    }

    /**
     * The union of the mappings' projections with each key part normalized ({@code _n0..}) and each
     * attribute in the hashing standard's form ({@code _t0..}), computed once per row: the layer
     * ends with the dialect's subquery fence, so the planner neither repeats these expressions in
     * every hash that uses them nor carries the raw payload through the sorts above.
     */
    private String normalizedLayer(List<VaultMapping> mappings, List<KeyGroup> groups, Map<String, ColumnType> attributes) {
        return normalizedLayer(mappings, groups, attributes, false);
    }

    /** With {@code deletes}, every row also has {@code _del}: 1 when its mapping's {@code deleted:} filters all hold. */
    private String normalizedLayer(List<VaultMapping> mappings, List<KeyGroup> groups, Map<String, ColumnType> attributes,
                                   boolean deletes) {
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
                + "      FROM (\n" + union(mappings, groups, attributes, deletes) + "      ) r" + d.subqueryFence() + "\n";
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
        } else if (vault.satellites().get(target).effectivity().isPresent()) {
            // every row as a period of its own that starts at its load_dt and is open: the rows an
            // effectivity load reads, without change detection, closing or remembering
            SatelliteConfig s = vault.satellites().get(target);
            groups = roleGroups(vault.links().get(s.parent()));
            String role = s.effectivity().orElseThrow().drivingRole();
            cols.add(hash.hashKey(normalized(0, totalParts(groups))));
            int from = 0;
            for (KeyGroup g : groups) {
                if (g.name().equals(role)) {
                    cols.add(hash.hashKey(normalized(from, from + g.types().size())));
                }
                from += g.types().size();
            }
            cols.add("n.load_dt");
            cols.add(d.cast(d.literal(VaultTables.END_OF_TIME.toString()), ColumnType.TIMESTAMPTZ));
            cols.add("TRUE");
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

    /**
     * For benchmarks: an effectivity satellite's periods as one would write them by hand for a first
     * load, into {@code qualifiedTable}: over the same projected rows, an event whose relationship
     * differs from the driving key's previous one ({@code lag}) opens a period, which the next such
     * event closes ({@code lead}). No same-instant tie-breaking, deletes, late events or existing
     * periods. Same bind parameters as {@link #statement}.
     */
    String handWrittenEffectivity(String target, List<VaultMapping> mappings, String qualifiedTable) {
        SatelliteConfig s = vault.satellites().get(target);
        List<KeyGroup> groups = roleGroups(vault.links().get(s.parent()));
        String role = s.effectivity().orElseThrow().drivingRole();
        String dk = null;
        int from = 0;
        for (KeyGroup g : groups) {
            if (g.name().equals(role)) {
                dk = hash.hashKey(normalized(from, from + g.types().size()));
            }
            from += g.types().size();
        }
        String rows = "SELECT " + hash.hashKey(normalized(0, totalParts(groups))) + " AS lk, " + dk + " AS dk, n.load_dt, n.record_source\n"
                + "FROM (\n" + normalizedLayer(mappings, groups, Map.of()) + ") n";
        String changes = "SELECT r.*, lag(r.lk) OVER (PARTITION BY r.dk ORDER BY r.load_dt) AS prev FROM (\n" + rows + "\n) r";
        String endOfTime = d.cast(d.literal(VaultTables.END_OF_TIME.toString()), ColumnType.TIMESTAMPTZ);
        return "INSERT INTO " + qualifiedTable + "\n"
                + "SELECT c.lk, c.dk, c.load_dt, COALESCE(lead(c.load_dt) OVER w, " + endOfTime + "),\n"
                + "  CASE WHEN lead(c.load_dt) OVER w IS NULL THEN TRUE ELSE FALSE END, c.record_source\n"
                + "FROM (\n" + changes + "\n) c\n"
                + "WHERE c.prev IS NULL OR c.prev <> c.lk\n"
                + "WINDOW w AS (PARTITION BY c.dk ORDER BY c.load_dt)";
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

    private String union(List<VaultMapping> mappings, List<KeyGroup> groups, Map<String, ColumnType> attributes,
                         boolean deletes) {
        List<String> parts = new ArrayList<>();
        for (VaultMapping m : mappings) {
            parts.add(projection(m, parts.size(), groups, attributes, deletes));
        }
        return String.join("      UNION ALL\n", parts);
    }

    private String projection(VaultMapping m, int input, List<KeyGroup> groups, Map<String, ColumnType> attributes,
                              boolean deletes) {
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
        // a jdbc source's table has no _event_time: a row's version time is its load_dt: or its landing
        String fallback = m.tabular() ? loadedAt : eventTime + ", " + loadedAt;
        String loadDt = m.loadDt().map(e -> "COALESCE(" + typed(e, ColumnType.TIMESTAMPTZ) + ", " + fallback + ")")
                .orElse(m.tabular() ? loadedAt : "COALESCE(" + fallback + ")");
        sel.add(loadDt + " AS load_dt");
        if (!m.deleted().isEmpty()) {
            // the delete marker (effectivity and standard satellites); its values are the mapping's first bind parameters
            List<String> conditions = new ArrayList<>();
            for (VaultMapping.Filter f : m.deleted()) {
                conditions.add(typed(f.expression(), ColumnType.TEXT) + " IN ("
                        + String.join(", ", java.util.Collections.nCopies(f.values().size(), "?")) + ")");
            }
            sel.add("CASE WHEN " + String.join(" AND ", conditions) + " THEN 1 ELSE 0 END AS _del");
        } else if (deletes) {
            sel.add("0 AS _del");
        }
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
                ? vault.satellites().get(target).attributes()
                : vault.links().containsKey(target) ? vault.links().get(target).payload() : Map.of();
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
            } else if (vault.links().containsKey(target)) {
                // a non-historized link's payload is typed like a satellite's attributes
                vault.links().get(target).payload()
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
        // the dialect's text cast: CAST(? AS longtext), MariaDB's textType(), is a syntax error there (its
        // CAST takes CHAR), which made every rejecting load on MariaDB fail and load nothing
        String param = d.cast("?", ColumnType.TEXT);
        String rows = "SELECT " + param + ", " + param + ", "
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
            case SOURCE_COLUMN -> {
                // typed as the source said, which the declaration cannot know: always cast (a no-op
                // when the types agree), and checked like a path's text by the cast and reject checks
                sql = d.quote(ROW) + "." + d.quote(e.column());
                from = null;
            }
            default -> {
                sql = d.quote(ROW) + "." + d.quote(e.column());
                from = STG_COLUMN_TYPES.get(e.column());
            }
        }
        if (from != null && (type.equals(from)
                || (type.kind() == ColumnType.Kind.VARCHAR && from.kind() == ColumnType.Kind.TEXT))) {
            return sql;
        }
        return d.cast(sql, type);
    }
}
