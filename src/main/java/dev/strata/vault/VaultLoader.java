package dev.strata.vault;

import dev.strata.ErrorCode;
import dev.strata.StrataException;
import dev.strata.config.VaultMapping;
import dev.strata.config.VaultSection;
import dev.strata.ingest.StgTable;
import dev.strata.runtime.Environment;
import dev.strata.warehouse.LockKeys;
import dev.strata.warehouse.Locks;
import dev.strata.warehouse.SqlDialect;
import dev.strata.warehouse.SqlScript;
import dev.strata.warehouse.Warehouse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads the vault tables of a project from their STG inputs, inside the warehouse. This is the
 * API the scheduler and {@code strata vault load} call.
 *
 * <h2>Load semantics</h2>
 * <ul>
 *   <li><b>One statement per target per run.</b> {@link #load} runs one {@code INSERT ... SELECT}
 *       over the STG rows of all the target's sources that are new since the last run.</li>
 *   <li><b>Incremental.</b> Each (target, source) keeps a watermark in
 *       {@code strata.layer_watermarks}: the highest STG {@code _seq} consumed. A run reads the rows
 *       in (watermark, current max {@code _seq}] and advances the watermark in the same
 *       transaction as its inserts. Because landing assigns {@code _seq} in commit order, no row
 *       can later appear below a watermark, so nothing is skipped.</li>
 *   <li><b>Idempotent.</b> A run with nothing new inserts nothing; hubs and links insert only keys
 *       they do not have, satellites only changed versions, so re-processing the same STG rows
 *       (after resetting a watermark) inserts nothing either.</li>
 *   <li><b>Hubs and links</b> get one row per new hash key: the first by ({@code load_dt}, source
 *       order, the stored key text in code point order, {@code _seq}, item position).</li>
 *   <li><b>Missing keys.</b> A business key NULL or blank in every part is missing (the unknown
 *       key, {@link HashStandard#UNKNOWN_KEY}). Per hub or link, {@code missing_keys: unknown}
 *       gives the hub one row for it with NULL key columns and links rows pointing to it;
 *       {@code skip} leaves such rows out of the hub, and out of the link when any hub's key is
 *       missing. A satellite never keeps rows for the unknown key, nor for link rows its parent
 *       link skips.</li>
 *   <li><b>Independent of landing order.</b> Every choice between rows of one load is made by
 *       {@code load_dt} and content; {@code _seq} only orders rows that would store the same values,
 *       so permuting the rows of a batch never changes a table.</li>
 *   <li><b>Satellites</b> keep versions per parent ordered by {@code load_dt} (the row's
 *       {@code load_dt:} expression, else {@code _event_time}, else {@code _loaded_at}), then
 *       {@code _seq}. Of several rows of a parent with the same {@code load_dt} in one run, the one
 *       considered is the later source's, then the one with the highest hashdiff, then the greatest
 *       stored values. A row becomes a version when its hashdiff differs from the version before
 *       it (the previous row of the run, else the latest stored version): A→B→A gives three
 *       versions, consecutive duplicates collapse. A row not newer than the newest row already seen
 *       for its parent (stored, or collapsed and remembered in {@code strata.vault_seen}) is late
 *       and ignored, so the latest version always follows the newest row and re-processing is a
 *       no-op.</li>
 *   <li><b>Deletes in a satellite.</b> When a mapping of a standard satellite says {@code deleted:},
 *       its rows matching the filter are deletions: versions with {@code is_deleted} true (the
 *       attributes as mapped), its other rows ordinary versions. A version is then a change of
 *       (hashdiff, is_deleted): deleting an unchanged row, and inserting the same attributes again
 *       after a delete, each give a version; a second delete of a deleted row collapses. Of rows
 *       of a parent at one {@code load_dt}, after the later source's, a delete is considered.</li>
 *   <li><b>Single writer per target.</b> Each load takes a transaction-scoped advisory lock on its
 *       table, so several processes (or threads) may call {@link #load} for the same target at
 *       once: they run one after the other and the later ones find nothing new.</li>
 * </ul>
 *
 * <p>Thread-safe. {@link #prepare()} creates or updates the tables and is called by the first
 * {@link #load} if the caller did not.
 */
public final class VaultLoader {
    private static final Logger LOG = LoggerFactory.getLogger(VaultLoader.class);
    private final Warehouse warehouse;
    private final SqlDialect dialect;
    private final String pipeline;
    private final VaultSection vault;
    private final VaultTables tables;
    private final LoadSql loadSql;
    /** The same statements, reading only rows not pending in strata.vault_rejects: the slow path after a bad value. */
    private final LoadSql skippingRejectsSql;
    private final List<VaultTarget> targets;
    private final Map<String, SqlScript> statements = new ConcurrentHashMap<>();
    private final Map<String, SqlScript> skippingStatements = new ConcurrentHashMap<>();
    private volatile boolean prepared;

    public VaultLoader(Warehouse warehouse, String pipeline, VaultSection vault) {
        this.warehouse = warehouse;
        this.dialect = warehouse.sql();
        this.pipeline = pipeline;
        this.vault = vault;
        this.tables = new VaultTables(dialect, vault);
        this.loadSql = new LoadSql(dialect, vault);
        this.skippingRejectsSql = new LoadSql(dialect, vault, true);
        this.targets = VaultTarget.all(vault);
    }

    /** The loader of a running pipeline's vault. */
    public static VaultLoader of(Environment env) {
        return new VaultLoader(env.warehouse(), env.pipeline(), env.project().vault());
    }

    /** Every target: hubs, then links, then satellites, each in declaration order. */
    public List<VaultTarget> targets() {
        return targets;
    }

    static List<VaultMapping> mappingsOf(VaultSection vault, String target) {
        if (vault.hubs().containsKey(target)) {
            return vault.hubs().get(target).from();
        }
        if (vault.links().containsKey(target)) {
            return vault.links().get(target).from();
        }
        if (vault.satellites().containsKey(target)) {
            return vault.satellites().get(target).from();
        }
        throw new StrataException(ErrorCode.USAGE, "no vault target named '" + target + "'"
                + (vault.declared() ? " (targets: " + String.join(", ", VaultTarget.all(vault).stream().map(VaultTarget::name).toList()) + ")"
                : " (the project declares no vault)"));
    }

    /**
     * Creates the vault schema and tables, adds new satellite attributes, inserts the ghost records
     * ({@code ghost_records: true}) where they are missing, and checks that the
     * warehouse hashes exactly like {@link HashStandard}. Refuses destructive changes (a dropped or
     * retyped column, a changed key) with one message listing them all. Idempotent; safe to call
     * from several processes at once (a lock serializes the DDL).
     */
    public synchronized void prepare() {
        if (prepared) {
            return;
        }
        warehouse.migrate();
        List<String> refusals = new ArrayList<>();
        try {
            warehouse.inTransaction(c -> {
                warehouse.catalog().ensureSchema(c, vault.schema());
                try (Locks.DdlLock lock = warehouse.locks().lockAroundDdl(warehouse, c, LockKeys.vault("ddl:" + vault.schema()))) {
                    // every change is decided before any runs: where DDL commits on its own, a refusal
                    // found half-way could not take back the tables already changed
                    Map<String, List<String>> changes = new LinkedHashMap<>();
                    for (VaultTables.Table t : tables.tables()) {
                        Map<String, String> existing = warehouse.catalog().columnTypes(c, vault.schema(), t.name());
                        changes.put(t.name(), existing.isEmpty() ? tables.createTable(t)
                                : tables.alterStatements(t, existing, refusals));
                    }
                    if (!refusals.isEmpty()) {
                        c.rollback();
                        return null;
                    }
                    try (Statement s = c.createStatement()) {
                        for (Map.Entry<String, List<String>> change : changes.entrySet()) {
                            for (String ddl : change.getValue()) {
                                s.execute(ddl);
                                LOG.info("vault table {}.{}: {}", vault.schema(), change.getKey(),
                                        ddl.startsWith("CREATE TABLE") ? "created" : ddl.startsWith("CREATE INDEX") ? "indexed" : ddl);
                            }
                        }
                    }
                    if (refusals.isEmpty()) {
                        try (Statement s = c.createStatement()) {
                            for (String ghost : tables.ghostRecords()) {
                                s.execute(ghost);
                            }
                        }
                    }
                }
                checkHashing(c);
                return null;
            });
        } catch (SQLException e) {
            throw failure("preparing the vault tables", e);
        }
        if (!refusals.isEmpty()) {
            throw new StrataException(ErrorCode.CONFIG, "the vault declaration no longer matches the warehouse; "
                    + "nothing was changed:\n  " + String.join("\n  ", refusals));
        }
        prepared = true;
    }

    /**
     * Loads one target from the STG rows landed since its last load, in one transaction, and
     * returns the number of rows inserted (0 when nothing was new or another process had just
     * loaded them). A source whose STG table does not exist yet is skipped.
     *
     * <p><b>Rejected rows.</b> When the load fails on a value its declared type rejects (text that
     * is no number in a {@code bigint} key, say), it runs again in a new transaction that first
     * records every such row of the range in {@code strata.vault_rejects} (one entry per row and
     * column: STG table, {@code _seq}, column, value, reason) and then loads the other rows and
     * moves the watermark past all of them, rejected ones included. A clean load never takes this
     * path: its statement is the plain one. Rejected rows wait for {@link #reloadRejected}.
     *
     * @throws StrataException {@link ErrorCode#WAREHOUSE_UNAVAILABLE} when a retry may help (connection
     *                         lost, deadlock), {@link ErrorCode#WAREHOUSE} otherwise (e.g. a data error
     *                         no row could be blamed for), {@link ErrorCode#USAGE} for an unknown target
     */
    public long load(String target) {
        List<VaultMapping> mappings = mappingsOf(vault, target);
        prepare();
        try {
            return warehouse.inTransaction(c -> loadInTransaction(c, target, mappings, false));
        } catch (SQLException e) {
            if (warehouse.errors().isDataError(e) && !warehouse.errors().isUniqueViolation(e)) {
                // a data exception: most likely a value the declared type rejects; set such rows aside
                java.util.Optional<Long> loaded = loadRejecting(target, mappings);
                if (loaded.isPresent()) {
                    return loaded.get();
                }
                // no row to blame was found: name the first bad value if possible, and load nothing
                String where = findBadValue(target, mappings);
                if (where != null) {
                    throw new StrataException(ErrorCode.WAREHOUSE, "loading vault target '" + target + "' failed: " + where
                            + ". Nothing was loaded and the watermark did not move: correct the row, declare the column"
                            + " as text, or leave such rows out with where: (" + e.getMessage() + ")", e);
                }
            }
            throw failure("loading vault target '" + target + "'", e);
        }
    }

    /** The first STG row (in the range the failed load read) whose value its column's type rejects, described; or null. */
    private String findBadValue(String target, List<VaultMapping> mappings) {
        try {
            return warehouse.inTransaction(c -> {
                warehouse.settings().deterministic(c);
                Map<String, Long> marks = Watermarks.read(c, pipeline, target);
                for (LoadSql.CastCheck check : loadSql.castChecks(target, mappings)) {
                    VaultMapping m = check.mapping();
                    if (warehouse.catalog().columnTypes(c, StgTable.SCHEMA, m.source()).isEmpty()) {
                        continue;
                    }
                    try (PreparedStatement ps = c.prepareStatement(check.sql())) {
                        int p = 1;
                        for (Object value : LoadSql.parameters(m, marks.getOrDefault(input(m), 0L), Long.MAX_VALUE)) {
                            ps.setObject(p++, value);
                        }
                        try (ResultSet rs = ps.executeQuery()) {
                            if (rs.next()) {
                                return StgTable.SCHEMA + "." + m.source() + " row _seq " + rs.getLong(1) + ": "
                                        + check.column() + " = " + check.expression().text() + " is '" + shorten(rs.getString(2))
                                        + "', which is not a " + check.type();
                            }
                        }
                    }
                }
                return null;
            });
        } catch (SQLException | RuntimeException e) {
            LOG.debug("could not find the row that failed vault target {}: {}", target, e.getMessage());
            return null;
        }
    }

    /** The point-in-time and bridge tables, in declaration order: built per interval by {@link #buildSnapshot}. */
    public List<String> snapshotTables() {
        List<String> out = new ArrayList<>(vault.pits().keySet());
        out.addAll(vault.bridges().keySet());
        return out;
    }

    /**
     * Builds one snapshot of a point-in-time or bridge table on the caller's connection and
     * transaction (a task run's, so the snapshot and the run's success commit together): deletes
     * the snapshot's rows and inserts them from the vault as it was before {@code snapshot} (see
     * {@code SnapshotSql}), then, with {@code keep:}, deletes the snapshots older than the newest
     * one minus {@code keep}. Idempotent. Returns the rows inserted.
     */
    public long buildSnapshot(Connection c, String table, java.time.Instant snapshot) throws SQLException {
        prepare();
        SnapshotSql sql = new SnapshotSql(dialect, vault);
        List<String> steps = sql.build(table);
        java.time.OffsetDateTime at = snapshot.atOffset(java.time.ZoneOffset.UTC);
        long rows = 0;
        for (int i = 0; i < steps.size(); i++) {
            try (PreparedStatement ps = c.prepareStatement(steps.get(i))) {
                for (int p = 1; p <= SnapshotSql.parameters(steps.get(i)); p++) {
                    ps.setObject(p, at);
                }
                long n = ps.executeLargeUpdate();
                if (i == steps.size() - 1) {
                    rows = n;
                }
            }
        }
        java.util.Optional<java.time.Duration> keep = vault.pits().containsKey(table) ? vault.pits().get(table).keep()
                : vault.bridges().get(table).keep();
        if (keep.isPresent()) {
            java.time.OffsetDateTime newest = at;
            try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql.newest(table))) {
                if (rs.next() && rs.getObject(1) != null) {
                    java.time.OffsetDateTime found = rs.getObject(1, java.time.OffsetDateTime.class);
                    newest = found.isAfter(newest) ? found : newest;
                }
            }
            try (PreparedStatement ps = c.prepareStatement(sql.retention(table))) {
                ps.setObject(1, newest.minus(keep.get()));
                ps.executeLargeUpdate();
            }
        }
        LOG.debug("vault snapshot {} at {}: {} rows", table, snapshot, rows);
        return rows;
    }

    /** Loads every target once, hubs first; returns rows inserted per target. */
    public Map<String, Long> loadAll() {
        Map<String, Long> out = new LinkedHashMap<>();
        for (VaultTarget t : targets) {
            out.put(t.name(), load(t.name()));
        }
        return out;
    }

    /**
     * @param rejecting first record the rows of the range whose values their types reject, then load
     *                  the others ({@link NothingRejected} when there is none to record)
     */
    private long loadInTransaction(Connection c, String target, List<VaultMapping> mappings, boolean rejecting)
            throws SQLException {
        beginLoad(c, target);
        Map<String, Long> marks = Watermarks.read(c, pipeline, target);
        List<VaultMapping> active = new ArrayList<>();
        List<long[]> bounds = new ArrayList<>();
        StringBuilder activeKey = new StringBuilder(target).append(':');
        for (int i = 0; i < mappings.size(); i++) {
            VaultMapping m = mappings.get(i);
            if (warehouse.catalog().columnTypes(c, StgTable.SCHEMA, m.source()).isEmpty()) {
                LOG.debug("vault target {}: {}.{} does not exist yet", target, StgTable.SCHEMA, m.source());
                continue;
            }
            long after = marks.getOrDefault(input(m), 0L);
            long upTo = maxSeq(c, m.source());
            if (upTo > after) {
                active.add(m);
                bounds.add(new long[] {after, upTo});
                activeKey.append(i).append(',');
            }
        }
        if (active.isEmpty()) {
            return 0L;
        }
        long t0 = System.nanoTime();
        long rows;
        if (rejecting) {
            long rejected = rejected(c, target, active, bounds);
            if (rejected == 0) {
                throw new NothingRejected();
            }
            rows = runSkippingRejects(c, target, active, bounds, activeKey.toString());
            LOG.warn("vault target '{}': {}; the other rows loaded. `strata vault rejects list` shows the rejected rows, "
                    + "`strata vault rejects reload` loads them once the row or the declaration is fixed",
                    target, VaultRejects.describeLatest(c, pipeline, target, rejected));
        } else {
            boolean intoEmpty = loadSql.hasFirstLoadPlan(target) && !hasRows(c, target);
            SqlScript script = statements.computeIfAbsent(activeKey + (intoEmpty ? "first" : ""),
                    k -> loadSql.statement(target, active, intoEmpty));
            List<Object> parameters = new ArrayList<>();
            for (int i = 0; i < active.size(); i++) {
                parameters.addAll(LoadSql.statementParameters(active.get(i), bounds.get(i)[0], bounds.get(i)[1]));
            }
            // hubs and links: the INSERT's count; satellites: the versions inserted
            rows = script.run(c, parameters);
        }
        for (int i = 0; i < active.size(); i++) {
            Watermarks.advance(c, pipeline, target, input(active.get(i)), bounds.get(i)[1]);
        }
        LOG.debug("vault target {}: {} rows inserted in {} ms", target, rows, (System.nanoTime() - t0) / 1_000_000);
        return rows;
    }

    /** Whether a satellite has a row other than its ghost; asked under the target's lock, so it holds for the load. */
    private boolean hasRows(Connection c, String target) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(loadSql.hasRows(target))) {
            return rs.next() && rs.getBoolean(1);
        }
    }

    /** Transaction settings of a load, and the target's lock. */
    private void beginLoad(Connection c, String target) throws SQLException {
        warehouse.settings().deterministic(c);
        warehouse.settings().sortMemory(c, vault.sortMemory());
        warehouse.locks().lockForTransaction(c, LockKeys.vault(vault.schema() + "." + target));
    }

    /** The load, in a new transaction, that sets rows with rejected values aside; empty when it found none to blame. */
    private java.util.Optional<Long> loadRejecting(String target, List<VaultMapping> mappings) {
        try {
            return java.util.Optional.of(warehouse.inTransaction(c -> loadInTransaction(c, target, mappings, true)));
        } catch (NothingRejected e) {
            return java.util.Optional.empty();
        } catch (SQLException e) {
            LOG.debug("vault target {}: loading without its rejected rows failed too: {}", target, e.getMessage());
            return java.util.Optional.empty();
        }
    }

    /** Records in strata.vault_rejects the rows of each mapping's range whose values their types reject; returns the entries written. */
    private long rejected(Connection c, String target, List<VaultMapping> active, List<long[]> bounds) throws SQLException {
        long entries = 0;
        for (int i = 0; i < active.size(); i++) {
            VaultMapping m = active.get(i);
            for (LoadSql.RejectCheck check : loadSql.rejectChecks(target, List.of(m))) {
                try (PreparedStatement ps = c.prepareStatement(check.sql())) {
                    int p = 1;
                    ps.setString(p++, pipeline);
                    ps.setString(p++, target);
                    for (Object value : LoadSql.parameters(m, bounds.get(i)[0], bounds.get(i)[1])) {
                        ps.setObject(p++, value);
                    }
                    entries += ps.executeUpdate();
                }
            }
        }
        return entries;
    }

    /** Runs the target's statement over the given ranges, leaving out rows pending in strata.vault_rejects. */
    private long runSkippingRejects(Connection c, String target, List<VaultMapping> active, List<long[]> bounds, String key)
            throws SQLException {
        SqlScript script = skippingStatements.computeIfAbsent(key, k -> skippingRejectsSql.statement(target, active));
        List<Object> parameters = new ArrayList<>();
        for (int i = 0; i < active.size(); i++) {
            parameters.addAll(LoadSql.skipParameters(active.get(i), bounds.get(i)[0], bounds.get(i)[1], pipeline, target));
        }
        return script.run(c, parameters);
    }

    /**
     * What {@link #reloadRejected} did: rows inserted into the target, STG rows loaded again, and
     * STG rows still rejected (their values still fail their types; the entries say why).
     */
    public record Reload(String target, long rows, long reloaded, long stillRejected) {
    }

    /**
     * Loads again the STG rows {@code target} rejected and that are still pending: all of them, or
     * only the rows of the given reject ids (a row is reloaded with all its pending entries). Runs
     * the target's ordinary statement over the STG range from the first to the last such row in one
     * transaction, leaving out rows whose values still fail (they stay pending, with the new value
     * and reason). Rows of that range that had loaded before are read again and change nothing (the
     * loads are idempotent). A reloaded satellite row is subject to the late-row rule like any
     * other: when its {@code load_dt} is not newer than the newest row already seen for its parent,
     * it does not change the satellite. Watermarks do not move.
     */
    public Reload reloadRejected(String target, java.util.Optional<java.util.Collection<Long>> ids) {
        List<VaultMapping> mappings = mappingsOf(vault, target);
        prepare();
        java.time.Instant at = java.time.Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
        try {
            return warehouse.inTransaction(c -> {
                beginLoad(c, target);
                Map<String, java.util.TreeSet<Long>> chosen = VaultRejects.markReloading(c, pipeline, target, ids, at);
                if (chosen.isEmpty()) {
                    return new Reload(target, 0, 0, 0);
                }
                List<VaultMapping> active = new ArrayList<>();
                List<long[]> bounds = new ArrayList<>();
                StringBuilder key = new StringBuilder(target).append(":reload:");
                for (int i = 0; i < mappings.size(); i++) {
                    VaultMapping m = mappings.get(i);
                    java.util.TreeSet<Long> seqs = chosen.get(input(m));
                    if (seqs == null || warehouse.catalog().columnTypes(c, StgTable.SCHEMA, m.source()).isEmpty()) {
                        continue;
                    }
                    active.add(m);
                    bounds.add(new long[] {seqs.first() - 1, seqs.last()});
                    key.append(i).append(',');
                }
                long rows = 0;
                if (!active.isEmpty()) {
                    rejected(c, target, active, bounds);   // values still bad are pending again
                    rows = runSkippingRejects(c, target, active, bounds, key.toString());
                }
                long total = chosen.values().stream().mapToLong(java.util.Set::size).sum();
                long reloaded = VaultRejects.settleReload(c, pipeline, target, at);
                return new Reload(target, rows, reloaded, total - reloaded);
            });
        } catch (SQLException e) {
            throw failure("reloading the rejected rows of vault target '" + target + "'", e);
        }
    }

    private long maxSeq(Connection c, String source) throws SQLException {
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT max(" + dialect.quote(StgTable.SEQ) + ") FROM "
                     + dialect.qualified(StgTable.SCHEMA, source))) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** The watermark's input name: the STG table read. */
    static String input(VaultMapping m) {
        return StgTable.SCHEMA + "." + m.source();
    }

    /**
     * Compares the warehouse's hashes of a few awkward values (non-ASCII, escapes, blanks) with the
     * Java reference: a warehouse whose text encoding is not UTF-8 would silently produce other keys.
     */
    private void checkHashing(Connection c) throws SQLException {
        HashSql hash = new HashSql(dialect);
        List<List<String>> samples = List.of(List.of(" straße "), List.of("Ǆ|x\\N", "  "), List.of("日本語", "é"));
        for (List<String> sample : samples) {
            List<String> parts = sample.stream().map(v -> hash.normalizeKeyPart(dialect.literal(v))).toList();
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT " + hash.hashKey(parts))) {
                rs.next();
                UUID sql = dialect.readHashKey(rs, 1);
                UUID java = HashStandard.hashKey(sample);
                if (!sql.equals(java)) {
                    throw new StrataException(ErrorCode.WAREHOUSE, "the warehouse hashes " + sample + " as " + sql
                            + " but Strata's standard gives " + java + "; the database's encoding must be UTF-8");
                }
            }
        }
    }

    private static String shorten(String value) {
        return value.length() <= 80 ? value : value.substring(0, 77) + "...";
    }

    /** A load failed on a data error, but no value of its range fails its type: the rejecting path cannot help. */
    private static final class NothingRejected extends RuntimeException {
        NothingRejected() {
            super(null, null, false, false);
        }
    }

    private StrataException failure(String what, SQLException e) {
        ErrorCode code = warehouse.errors().isTransient(e) ? ErrorCode.WAREHOUSE_UNAVAILABLE : ErrorCode.WAREHOUSE;
        return new StrataException(code, what + " failed: " + e.getMessage() + " (SQL state " + e.getSQLState() + ")", e);
    }
}
