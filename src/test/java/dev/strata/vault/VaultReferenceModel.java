package dev.strata.vault;

import com.fasterxml.jackson.databind.JsonNode;
import dev.strata.config.ColumnType;
import dev.strata.config.HubConfig;
import dev.strata.config.JsonPath;
import dev.strata.config.LinkConfig;
import dev.strata.config.MissingKeys;
import dev.strata.config.SatelliteConfig;
import dev.strata.config.VaultExpression;
import dev.strata.config.VaultMapping;
import dev.strata.config.VaultSection;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

/**
 * A straightforward, row-at-a-time Java model of Data Vault loading, following the rules of
 * docs/vault.md literally: it is what the set-based SQL is checked against. Supports text key
 * columns and text or integer attributes written as JSON strings or integers, which is what the
 * model-based test generates.
 */
final class VaultReferenceModel {
    /** One STG row as landed. */
    record StgRow(String source, long seq, JsonNode payload, OffsetDateTime eventTime, OffsetDateTime loadedAt) {
    }

    /** One row a mapping derives from an STG row (one per {@code each:} element). */
    record Derived(List<String> keyTexts, List<String> attrTexts, OffsetDateTime loadDt, int input, long seq,
                   int item, String source, boolean deleted) {
    }

    private final VaultSection vault;
    /** table → stored rows, each a list of column values rendered as text, in table column order. */
    private final Map<String, List<List<String>>> tables = new LinkedHashMap<>();
    /** What the generated data exercised, so a test can check it is not trivial. */
    long late;
    long collapsed;
    long versionsAfterOthersInBatch;
    /** satellite → parent hk → load_dt → hashdiff */
    private final Map<String, Map<UUID, TreeMap<OffsetDateTime, UUID>>> versions = new HashMap<>();
    private final Map<String, Map<UUID, Boolean>> keys = new HashMap<>();
    /** satellite → parent hk → the newest load_dt of any row considered (stored or collapsed) */
    private final Map<String, Map<UUID, OffsetDateTime>> seen = new HashMap<>();
    private final Map<String, Map<String, Long>> watermarks = new HashMap<>();

    VaultReferenceModel(VaultSection vault) {
        this.vault = vault;
        VaultTarget.all(vault).forEach(t -> tables.put(t.name(), new ArrayList<>()));
    }

    List<List<String>> rows(String table) {
        SatelliteConfig s = vault.satellites().get(table);
        if (s != null && s.effectivity().isPresent()) {
            return effectivityRows(s);
        }
        return tables.get(table);
    }

    /** Loads {@code target} from every STG row past its watermarks; returns rows inserted. */
    long load(String target, List<StgRow> stg) {
        List<VaultMapping> mappings = VaultLoader.mappingsOf(vault, target);
        Map<String, Long> marks = watermarks.computeIfAbsent(target, t -> new HashMap<>());
        List<Derived> batch = new ArrayList<>();
        Map<String, Long> before = new HashMap<>(marks);
        for (int i = 0; i < mappings.size(); i++) {
            VaultMapping m = mappings.get(i);
            long after = before.getOrDefault(m.source(), 0L);
            long upTo = after;
            for (StgRow r : stg) {
                if (r.source().equals(m.source()) && r.seq() > after) {
                    batch.addAll(derive(m, i, r, target));
                    upTo = Math.max(upTo, r.seq());
                }
            }
            marks.put(m.source(), upTo);
        }
        if (vault.satellites().containsKey(target) && vault.satellites().get(target).effectivity().isPresent()) {
            return loadEffectivity(vault.satellites().get(target), batch);
        }
        if (vault.satellites().containsKey(target) && vault.satellites().get(target).multiActive().isPresent()) {
            return loadMultiActive(vault.satellites().get(target), batch);
        }
        if (vault.satellites().containsKey(target)) {
            return loadSatellite(vault.satellites().get(target), batch);
        }
        return loadKeys(target, batch);
    }

    /** Text ordered by code point, NULL after every value (the SQL's tie-break order). */
    static final Comparator<String> TEXT_ORDER = Comparator.nullsLast(Comparator.naturalOrder());

    private static Comparator<List<String>> texts() {
        return (a, b) -> {
            for (int i = 0; i < a.size(); i++) {
                int c = TEXT_ORDER.compare(a.get(i), b.get(i));
                if (c != 0) {
                    return c;
                }
            }
            return 0;
        };
    }

    /** The key texts of each hub reference (a hub, or each role of a link), in order. */
    private List<List<String>> groups(String table, List<String> keyTexts) {
        List<Integer> sizes = new ArrayList<>();
        if (vault.hubs().containsKey(table)) {
            sizes.add(vault.hubs().get(table).keyColumns().size());
        } else {
            vault.links().get(table).roles().values().forEach(h -> sizes.add(vault.hubs().get(h).keyColumns().size()));
        }
        List<List<String>> out = new ArrayList<>();
        int from = 0;
        for (int n : sizes) {
            out.add(keyTexts.subList(from, from + n));
            from += n;
        }
        return out;
    }

    private static boolean missing(List<String> parts) {
        return parts.stream().allMatch(p -> HashStandard.normalizeKeyPart(p) == null);
    }

    /** Rule 8 and the parent's policy: whether a row of {@code table}'s key (a hub or link) is left out. */
    private boolean skipped(String table, List<String> keyTexts, boolean satellite) {
        List<List<String>> groups = groups(table, keyTexts);
        boolean skip = vault.hubs().containsKey(table) ? vault.hubs().get(table).missingKeys() == MissingKeys.SKIP
                : vault.links().get(table).missingKeys() == MissingKeys.SKIP;
        if (skip) {
            return groups.stream().anyMatch(VaultReferenceModel::missing);
        }
        return satellite && missing(keyTexts);
    }

    private long loadKeys(String target, List<Derived> batch) {
        batch.removeIf(d -> skipped(target, d.keyTexts(), false));
        boolean hub = vault.hubs().containsKey(target);
        // the unknown member's key columns are NULL
        List<Derived> stored = new ArrayList<>();
        for (Derived d : batch) {
            stored.add(hub && missing(d.keyTexts()) ? new Derived(java.util.Collections.nCopies(d.keyTexts().size(), null),
                    d.attrTexts(), d.loadDt(), d.input(), d.seq(), d.item(), d.source(), d.deleted()) : d);
        }
        batch = stored;
        batch.sort(Comparator.comparing(Derived::loadDt).thenComparingInt(Derived::input)
                .thenComparing(d -> hub ? d.keyTexts() : d.attrTexts(), texts())
                .thenComparingLong(Derived::seq).thenComparingInt(Derived::item));
        Map<UUID, Boolean> present = keys.computeIfAbsent(target, t -> new HashMap<>());
        long inserted = 0;
        LinkConfig link = vault.links().get(target);
        for (Derived d : batch) {
            List<String> parts = new ArrayList<>(d.keyTexts());
            if (link != null) {
                // a non-historized link's event key is part of its hash key
                List<String> payload = List.copyOf(link.payload().keySet());
                link.eventKey().forEach(col -> parts.add(d.attrTexts().get(payload.indexOf(col))));
            }
            UUID hk = HashStandard.hashKey(parts);
            if (present.putIfAbsent(hk, true) != null) {
                continue;
            }
            List<String> row = new ArrayList<>();
            row.add(hk.toString());
            if (link == null) {
                row.addAll(d.keyTexts());
            } else {
                int from = 0;
                for (String roleHub : link.roles().values()) {
                    int n = vault.hubs().get(roleHub).keyColumns().size();
                    row.add(HashStandard.hashKey(d.keyTexts().subList(from, from + n)).toString());
                    from += n;
                }
            }
            row.add(d.loadDt().toInstant().toString());
            row.add(d.source());
            if (link != null) {
                row.addAll(d.attrTexts());
            }
            tables.get(target).add(row);
            inserted++;
        }
        return inserted;
    }

    /**
     * Of several rows of a parent at one load_dt in one load, the one kept: the later source's,
     * then the highest hashdiff (compared as its 32 hex digits), then the greatest stored values,
     * then the last landed — so that the order rows landed in never decides.
     */
    static final Comparator<Derived> SAME_INSTANT = Comparator.comparingInt(Derived::input)
            .thenComparing(d -> HashStandard.hashDiff(d.attrTexts()).toString())
            .thenComparing(Derived::attrTexts, texts())
            .thenComparingLong(Derived::seq).thenComparingInt(Derived::item);

    private long loadSatellite(SatelliteConfig s, List<Derived> batch) {
        batch.removeIf(d -> skipped(s.parent(), d.keyTexts(), true));
        Map<UUID, TreeMap<OffsetDateTime, Derived>> runs = new HashMap<>();
        for (Derived d : batch) {
            UUID hk = HashStandard.hashKey(d.keyTexts());
            runs.computeIfAbsent(hk, k -> new TreeMap<>()).merge(d.loadDt(), d, (a, b) -> SAME_INSTANT.compare(a, b) >= 0 ? a : b);
        }
        Map<UUID, TreeMap<OffsetDateTime, UUID>> stored = versions.computeIfAbsent(s.name(), n -> new HashMap<>());
        Map<UUID, OffsetDateTime> newestSeen = seen.computeIfAbsent(s.name(), n -> new HashMap<>());
        long inserted = 0;
        for (Map.Entry<UUID, TreeMap<OffsetDateTime, Derived>> parent : runs.entrySet()) {
            TreeMap<OffsetDateTime, UUID> history = stored.computeIfAbsent(parent.getKey(), k -> new TreeMap<>());
            OffsetDateTime seenBefore = newestSeen.get(parent.getKey());
            UUID previous = history.isEmpty() ? null : history.lastEntry().getValue();
            int freshBefore = -1;
            for (Derived d : parent.getValue().values()) {
                if (seenBefore != null && !d.loadDt().isAfter(seenBefore)) {
                    late++;
                    continue; // late: not newer than a row already seen for this parent
                }
                newestSeen.merge(parent.getKey(), d.loadDt(), (a, b) -> a.isAfter(b) ? a : b);
                freshBefore++;
                UUID hd = HashStandard.hashDiff(d.attrTexts());
                if (hd.equals(previous)) {
                    collapsed++;
                    continue; // the same as the version before it: collapsed
                }
                if (freshBefore > 0) {
                    versionsAfterOthersInBatch++;
                }
                previous = hd;
                history.put(d.loadDt(), hd);
                List<String> row = new ArrayList<>();
                row.add(parent.getKey().toString());
                row.add(d.loadDt().toInstant().toString());
                row.add(hd.toString());
                row.add(d.source());
                row.addAll(d.attrTexts());
                tables.get(s.name()).add(row);
                inserted++;
            }
        }
        return inserted;
    }

    /** One period of an effectivity satellite; {@code end} null while open. */
    private record Period(UUID link, OffsetDateTime start, OffsetDateTime end, String source) {
    }

    /** effectivity satellite → driving key → its periods by start */
    private final Map<String, Map<UUID, TreeMap<OffsetDateTime, Period>>> periods = new HashMap<>();
    long effChanges;

    /** One event per driving key and instant: the later source's, a delete over a statement, the higher link key. */
    private static final Comparator<Derived> SAME_EVENT_INSTANT = Comparator.comparingInt(Derived::input)
            .thenComparing(Derived::deleted)
            .thenComparing(d -> HashStandard.hashKey(d.keyTexts()).toString())
            .thenComparingLong(Derived::seq).thenComparingInt(Derived::item);

    private long loadEffectivity(SatelliteConfig s, List<Derived> batch) {
        LinkConfig link = vault.links().get(s.parent());
        String role = s.effectivity().orElseThrow().drivingRole();
        int index = List.copyOf(link.roles().keySet()).indexOf(role);
        Map<UUID, TreeMap<OffsetDateTime, Derived>> events = new HashMap<>();
        for (Derived d : batch) {
            List<List<String>> groups = groups(s.parent(), d.keyTexts());
            if (missing(groups.get(index))) {
                continue; // no driving key: whose relationship would it be?
            }
            boolean partnerMissing = false;
            for (int g = 0; g < groups.size(); g++) {
                partnerMissing |= g != index && missing(groups.get(g));
            }
            if (link.missingKeys() == MissingKeys.SKIP && partnerMissing && !d.deleted()) {
                continue;
            }
            UUID dk = HashStandard.hashKey(groups.get(index));
            events.computeIfAbsent(dk, k -> new TreeMap<>()).merge(d.loadDt(), d, (a, b) -> SAME_EVENT_INSTANT.compare(a, b) >= 0 ? a : b);
        }
        Map<UUID, TreeMap<OffsetDateTime, Period>> table = periods.computeIfAbsent(s.name(), n -> new HashMap<>());
        Map<UUID, OffsetDateTime> newestSeen = seen.computeIfAbsent(s.name(), n -> new HashMap<>());
        long written = 0;
        for (Map.Entry<UUID, TreeMap<OffsetDateTime, Derived>> e : events.entrySet()) {
            UUID dk = e.getKey();
            TreeMap<OffsetDateTime, Period> history = table.computeIfAbsent(dk, k -> new TreeMap<>());
            Period current = history.isEmpty() ? null : history.lastEntry().getValue();
            OffsetDateTime seenBefore = newestSeen.get(dk);
            UUID state = current != null && current.end() == null ? current.link() : null;
            boolean openedHere = false;
            for (Derived d : e.getValue().values()) {
                OffsetDateTime t = d.loadDt();
                boolean late = (seenBefore != null && !t.isAfter(seenBefore))
                        || (current != null && !(t.isAfter(current.start()) && (current.end() == null || t.isAfter(current.end()))));
                if (late) {
                    this.late++;
                    continue;
                }
                newestSeen.merge(dk, t, (a, b) -> a.isAfter(b) ? a : b);
                UUID next = d.deleted() ? null : HashStandard.hashKey(d.keyTexts());
                if (java.util.Objects.equals(next, state)) {
                    collapsed++;
                    continue;
                }
                effChanges++;
                if (state != null) {
                    Map.Entry<OffsetDateTime, Period> open = history.lastEntry();
                    history.put(open.getKey(), new Period(open.getValue().link(), open.getValue().start(), t, open.getValue().source()));
                    if (!openedHere) {
                        written++; // a period stored before this load is closed
                    }
                }
                if (next != null) {
                    history.put(t, new Period(next, t, null, d.source()));
                    written++;
                    openedHere = true;
                }
                state = next;
            }
        }
        return written;
    }

    long setVersions;

    /**
     * Multi-active: the rows of a parent at one load_dt are its set (one per trimmed child key, the
     * greatest by {@link #SAME_INSTANT}); sets version like satellite rows, by their rule-9 hashdiff.
     */
    private long loadMultiActive(SatelliteConfig s, List<Derived> batch) {
        List<String> names = List.copyOf(s.attributes().keySet());
        List<Integer> keyIndexes = s.multiActive().orElseThrow().key().stream().map(names::indexOf).toList();
        batch.removeIf(d -> skipped(s.parent(), d.keyTexts(), true)
                || keyIndexes.stream().anyMatch(i -> d.attrTexts().get(i) == null));
        // parent → load_dt → child key → row
        Map<UUID, TreeMap<OffsetDateTime, Map<List<String>, Derived>>> sets = new HashMap<>();
        for (Derived d : batch) {
            List<String> childKey = keyIndexes.stream().map(i -> HashStandard.trim(d.attrTexts().get(i))).toList();
            sets.computeIfAbsent(HashStandard.hashKey(d.keyTexts()), k -> new TreeMap<>())
                    .computeIfAbsent(d.loadDt(), k -> new HashMap<>())
                    .merge(childKey, d, (a, b) -> SAME_INSTANT.compare(a, b) >= 0 ? a : b);
        }
        Map<UUID, TreeMap<OffsetDateTime, UUID>> stored = versions.computeIfAbsent(s.name(), n -> new HashMap<>());
        Map<UUID, OffsetDateTime> newestSeen = seen.computeIfAbsent(s.name(), n -> new HashMap<>());
        long inserted = 0;
        for (Map.Entry<UUID, TreeMap<OffsetDateTime, Map<List<String>, Derived>>> parent : sets.entrySet()) {
            TreeMap<OffsetDateTime, UUID> history = stored.computeIfAbsent(parent.getKey(), k -> new TreeMap<>());
            OffsetDateTime latestStored = history.isEmpty() ? null : history.lastKey();
            OffsetDateTime seenBefore = newestSeen.get(parent.getKey());
            UUID previous = history.isEmpty() ? null : history.lastEntry().getValue();
            for (Map.Entry<OffsetDateTime, Map<List<String>, Derived>> set : parent.getValue().entrySet()) {
                OffsetDateTime t = set.getKey();
                if (latestStored != null && (!t.isAfter(latestStored) || (seenBefore != null && !t.isAfter(seenBefore)))) {
                    late++;
                    continue;
                }
                UUID hd = HashStandard.setHashDiff(set.getValue().values().stream().map(d -> HashStandard.hashDiff(d.attrTexts())).toList());
                if (hd.equals(previous)) {
                    collapsed++;
                    newestSeen.merge(parent.getKey(), t, (a, b) -> a.isAfter(b) ? a : b);
                    continue;
                }
                previous = hd;
                setVersions++;
                history.put(t, hd);
                for (Derived d : set.getValue().values()) {
                    List<String> row = new ArrayList<>();
                    row.add(parent.getKey().toString());
                    row.add(t.toInstant().toString());
                    row.add(hd.toString());
                    row.add(d.source());
                    row.addAll(d.attrTexts());
                    tables.get(s.name()).add(row);
                    inserted++;
                }
            }
        }
        return inserted;
    }

    private List<List<String>> effectivityRows(SatelliteConfig s) {
        List<List<String>> out = new ArrayList<>();
        periods.getOrDefault(s.name(), Map.of()).forEach((dk, history) -> history.values().forEach(p -> out.add(List.of(
                p.link().toString(), dk.toString(), p.start().toInstant().toString(),
                p.end() == null ? VaultTables.END_OF_TIME.toString() : p.end().toInstant().toString(),
                String.valueOf(p.end() == null), p.source()))));
        return out;
    }

    private List<Derived> derive(VaultMapping m, int input, StgRow r, String target) {
        List<JsonNode> items = new ArrayList<>();
        if (m.each().isPresent()) {
            JsonNode array = at(r.payload(), m.each().get());
            if (array != null && array.isArray()) {
                array.forEach(items::add);
            }
        } else {
            items.add(null);
        }
        List<Derived> out = new ArrayList<>();
        int ord = 0;
        for (JsonNode item : items) {
            ord++;
            List<String> keyTexts = new ArrayList<>();
            for (List<VaultExpression> exprs : m.keys().values()) {
                exprs.forEach(e -> keyTexts.add(text(e, r, item)));
            }
            List<String> attrTexts = new ArrayList<>();
            SatelliteConfig s = vault.satellites().get(target);
            if (s != null) {
                s.attributes().forEach((name, type) -> attrTexts.add(canonical(text(m.attributes().get(name), r, item), type)));
            }
            LinkConfig nh = vault.links().get(target);
            if (nh != null) {
                nh.payload().forEach((name, type) -> attrTexts.add(canonical(text(m.attributes().get(name), r, item), type)));
            }
            OffsetDateTime loadDt = r.eventTime() != null ? r.eventTime() : r.loadedAt();
            JsonNode it = item;
            boolean deleted = !m.deleted().isEmpty() && m.deleted().stream()
                    .allMatch(f -> { String v = text(f.expression(), r, it); return v != null && f.values().contains(v); });
            out.add(new Derived(keyTexts, attrTexts, loadDt, input, r.seq(), m.each().isPresent() ? ord : 0, m.source(), deleted));
        }
        return out;
    }

    private static String canonical(String text, ColumnType type) {
        if (text == null || type.kind() == ColumnType.Kind.TEXT) {
            return text;
        }
        if (type.kind() == ColumnType.Kind.INTEGER || type.kind() == ColumnType.Kind.BIGINT) {
            return Long.toString(Long.parseLong(text.trim()));
        }
        throw new IllegalArgumentException("the reference model does not know " + type);
    }

    /** What PostgreSQL's {@code #>>} gives: strings unquoted, numbers and booleans as written, NULL for null or absent. */
    private static String text(VaultExpression e, StgRow r, JsonNode item) {
        JsonNode n = switch (e.kind()) {
            case PAYLOAD_PATH -> at(r.payload(), e.path());
            case ITEM_PATH -> at(item, e.path());
            case COLUMN, SOURCE_COLUMN -> throw new IllegalArgumentException("the reference model reads payload paths only");
        };
        if (n == null || n.isNull()) {
            return null;
        }
        return n.isValueNode() ? n.asText() : n.toString();
    }

    private static JsonNode at(JsonNode node, JsonPath path) {
        JsonNode n = node;
        for (String seg : path.segments()) {
            if (n == null) {
                return null;
            }
            n = n.isArray() && seg.chars().allMatch(Character::isDigit) ? n.get(Integer.parseInt(seg)) : n.get(seg);
        }
        return n;
    }
}
