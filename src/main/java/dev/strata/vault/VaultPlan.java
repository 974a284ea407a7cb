package dev.strata.vault;

import dev.strata.config.VaultSection;
import dev.strata.warehouse.SqlDialect;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a vault declaration turns into, without connecting anywhere: the DDL that creates its
 * tables and the load statement of each target (with all its sources). {@code strata plan} prints it.
 */
public final class VaultPlan {
    private final SqlDialect dialect;
    private final VaultSection vault;
    private final VaultTables tables;
    private final LoadSql loads;

    public VaultPlan(SqlDialect dialect, VaultSection vault) {
        this.dialect = dialect;
        this.vault = vault;
        this.tables = new VaultTables(dialect, vault);
        this.loads = new LoadSql(dialect, vault);
    }

    /** The targets, as {@link VaultTarget#all} lists them. */
    public List<VaultTarget> targets() {
        return VaultTarget.all(vault);
    }

    /** {@code CREATE SCHEMA} and one {@code CREATE TABLE IF NOT EXISTS} per target. */
    public List<String> ddl() {
        return tables.createStatements();
    }

    /** Target → its load statement; {@code ?} are the (after, up to) {@code _seq} bounds of each source in turn. */
    public Map<String, String> loadStatements() {
        return loadStatements(false);
    }

    /**
     * As {@link #loadStatements()}; with {@code intoEmpty}, what a first load into empty tables runs
     * (a standard satellite's own plan, which looks up no stored versions; the others' usual one).
     */
    public Map<String, String> loadStatements(boolean intoEmpty) {
        Map<String, String> out = new LinkedHashMap<>();
        VaultTarget.all(vault).forEach(t -> out.put(t.name(), String.join(";\n",
                loads.statement(t.name(), VaultLoader.mappingsOf(vault, t.name()), intoEmpty && loads.hasFirstLoadPlan(t.name()))
                        .statements())));
        return out;
    }

    /**
     * The statements that build one snapshot of a point-in-time or bridge table; every {@code ?}
     * is the snapshot (the end of the interval).
     */
    public List<String> snapshotStatements(String table) {
        return new SnapshotSql(dialect, vault).build(table);
    }

    /** The point-in-time and bridge tables, in declaration order. */
    public List<String> snapshotTables() {
        List<String> out = new java.util.ArrayList<>(vault.pits().keySet());
        out.addAll(vault.bridges().keySet());
        return out;
    }

    /**
     * For benchmarks and comparisons: a plain {@code INSERT INTO table SELECT} of exactly the rows
     * {@code target}'s load projects from its sources (same expressions, casts and hashes), with no
     * deduplication, no version detection and no constraints. {@code table} must have the target's
     * columns in order. Bind parameters as in {@link #loadStatements()}.
     */
    public String projectionInsert(String target, String qualifiedTable) {
        return loads.projectionInsert(target, VaultLoader.mappingsOf(vault, target), qualifiedTable);
    }

    /** For benchmarks: an effectivity satellite's periods written by hand ({@link LoadSql#handWrittenEffectivity}). */
    public String handWrittenEffectivity(String target, String qualifiedTable) {
        return loads.handWrittenEffectivity(target, VaultLoader.mappingsOf(vault, target), qualifiedTable);
    }
}
