package dev.strata.vault;

import dev.strata.config.BridgeConfig;
import dev.strata.config.ColumnType;
import dev.strata.config.PitConfig;
import dev.strata.config.SatelliteConfig;
import dev.strata.config.VaultSection;
import dev.strata.warehouse.SqlDialect;
import java.util.ArrayList;
import java.util.List;

/**
 * The statements that build one snapshot of a point-in-time or bridge table. A snapshot is an
 * instant {@code S} (the end of an interval of the table's schedule) and describes the vault as it
 * was once everything before {@code S} had happened: rows with {@code load_dt < S}, satellite
 * versions with {@code load_dt < S}, effectivity periods in effect just before {@code S}
 * ({@code start_dt < S <= end_dt}). Building deletes the snapshot's rows and inserts them again,
 * so it is idempotent; every {@code ?} of these statements is {@code S}.
 */
final class SnapshotSql {
    private final SqlDialect d;
    private final VaultSection vault;

    SnapshotSql(SqlDialect dialect, VaultSection vault) {
        this.d = dialect;
        this.vault = vault;
    }

    private String snapshot() {
        return d.timestampParameter();
    }

    private String table(String name) {
        return d.qualified(vault.schema(), name);
    }

    private String hk(String tableOrRole) {
        return d.quote(VaultTables.hashKeyColumn(tableOrRole));
    }

    /** {@code DELETE} of the snapshot's rows, then the {@code INSERT ... SELECT} of them. */
    List<String> build(String name) {
        String delete = "DELETE FROM " + table(name) + " WHERE " + d.quote(VaultTables.SNAPSHOT_DT) + " = " + snapshot();
        if (vault.pits().containsKey(name)) {
            return List.of(delete, pit(vault.pits().get(name)));
        }
        if (vault.bridges().containsKey(name)) {
            return List.of(delete, bridge(vault.bridges().get(name)));
        }
        throw new IllegalArgumentException("no point-in-time or bridge table named '" + name + "'");
    }

    /** Deletes the snapshots before a cutoff ({@code keep:}); its one parameter is the cutoff. */
    String retention(String name) {
        return "DELETE FROM " + table(name) + " WHERE " + d.quote(VaultTables.SNAPSHOT_DT) + " < " + snapshot();
    }

    /** The newest snapshot of a table (one row, NULL when empty). */
    String newest(String name) {
        return "SELECT max(" + d.quote(VaultTables.SNAPSHOT_DT) + ") FROM " + table(name);
    }

    /**
     * Per hub key that existed before S, each satellite's latest {@code load_dt} before S and its
     * hash key — one aggregate per satellite, joined to the hub (a multi-active satellite's version
     * is the set at that {@code load_dt}). Without a version: NULL, or the ghost record's key and
     * {@code load_dt} with {@code ghost_records}, so that equi-joins never lose the hub key.
     */
    private String pit(PitConfig p) {
        String hub = hk(p.hub());
        String loadDt = d.quote(VaultTables.LOAD_DT);
        List<String> cols = new ArrayList<>(List.of(hub, d.quote(VaultTables.SNAPSHOT_DT)));
        List<String> vals = new ArrayList<>(List.of("h." + hub, snapshot()));
        StringBuilder joins = new StringBuilder();
        int i = 0;
        for (String sat : p.satellites()) {
            SatelliteConfig s = vault.satellites().get(sat);
            String v = "v" + i++;
            cols.add(d.quote(VaultTables.pitHashKey(sat)));
            cols.add(d.quote(VaultTables.pitLoadDt(sat)));
            vals.add(ghostOr(v + "." + hub, d.hashKeyLiteral(HashStandard.GHOST_KEY)));
            vals.add(ghostOr(v + ".load_dt", d.cast(d.literal(VaultTables.GHOST_LOAD_DT.toString()), ColumnType.TIMESTAMPTZ)));
            joins.append("LEFT JOIN (SELECT s.").append(hub).append(", max(s.").append(loadDt).append(") AS load_dt FROM ")
                    .append(table(s.name())).append(" s WHERE s.").append(loadDt).append(" < ").append(snapshot())
                    .append(" GROUP BY s.").append(hub).append(") ").append(v).append(" ON ").append(v).append('.').append(hub)
                    .append(" = h.").append(hub).append('\n');
        }
        return "INSERT INTO " + table(p.name()) + " (" + String.join(", ", cols) + ")\n"
                + "SELECT " + String.join(", ", vals) + "\n"
                + "FROM " + table(p.hub()) + " h\n" + joins
                + "WHERE h." + loadDt + " < " + snapshot()
                + (vault.ghostRecords() ? " AND h." + hub + " <> " + d.hashKeyLiteral(HashStandard.GHOST_KEY) : "")
                // in the table's key order (the snapshot is one value): the key's index is appended to, not
                // split at random pages (half the build's time at 160,000 keys), and InnoDB's clustered
                // index likewise
                + "\nORDER BY h." + hub;
    }

    private String ghostOr(String expr, String ghost) {
        return vault.ghostRecords() ? "COALESCE(" + expr + ", " + ghost + ")" : expr;
    }

    /**
     * The path's links joined on their shared hubs, each link's rows from before S and, where the
     * link has effectivity satellites, only the relationships in effect just before S.
     */
    private String bridge(BridgeConfig b) {
        String loadDt = d.quote(VaultTables.LOAD_DT);
        List<String> cols = new ArrayList<>(List.of(d.quote(VaultTables.SNAPSHOT_DT)));
        List<String> vals = new ArrayList<>(List.of(snapshot()));
        StringBuilder from = new StringBuilder();
        List<String> where = new ArrayList<>();
        for (int i = 0; i < b.links().size(); i++) {
            BridgeConfig.Step step = b.links().get(i);
            String l = "l" + i;
            if (i == 0) {
                cols.add(hk(b.hubs().get(0)));
                vals.add(l + "." + hk(step.fromRole()));
                from.append("FROM ").append(table(step.link())).append(' ').append(l).append('\n');
            } else {
                BridgeConfig.Step before = b.links().get(i - 1);
                from.append("JOIN ").append(table(step.link())).append(' ').append(l).append(" ON ").append(l).append('.')
                        .append(hk(step.fromRole())).append(" = l").append(i - 1).append('.').append(hk(before.toRole())).append('\n');
            }
            cols.add(hk(step.link()));
            vals.add(l + "." + hk(step.link()));
            cols.add(hk(b.hubs().get(i + 1)));
            vals.add(l + "." + hk(step.toRole()));
            int e = 0;
            for (SatelliteConfig s : vault.satellites().values()) {
                if (s.effectivity().isPresent() && s.parent().equals(step.link())) {
                    String alias = l + "e" + e++;
                    from.append("JOIN ").append(table(s.name())).append(' ').append(alias).append(" ON ").append(alias).append('.')
                            .append(hk(step.link())).append(" = ").append(l).append('.').append(hk(step.link())).append(" AND ")
                            .append(alias).append('.').append(d.quote(VaultTables.START_DT)).append(" < ").append(snapshot())
                            .append(" AND ").append(alias).append('.').append(d.quote(VaultTables.END_DT)).append(" >= ").append(snapshot())
                            .append('\n');
                }
            }
            where.add(l + "." + loadDt + " < " + snapshot());
        }
        return "INSERT INTO " + table(b.name()) + " (" + String.join(", ", cols) + ")\n"
                + "SELECT " + String.join(", ", vals) + "\n" + from
                + "WHERE " + String.join(" AND ", where);
    }

    /**
     * How many parameters (all the snapshot) a statement takes: its {@code ?} outside string
     * literals (a dialect's patterns, such as MariaDB's zoned-time regex, hold some inside; a quote
     * inside a literal is always doubled).
     */
    static int parameters(String sql) {
        int n = 0;
        boolean inLiteral = false;
        for (int i = 0; i < sql.length(); i++) {
            char ch = sql.charAt(i);
            if (ch == '\'') {
                inLiteral = !inLiteral;
            } else if (ch == '?' && !inLiteral) {
                n++;
            }
        }
        return n;
    }
}
