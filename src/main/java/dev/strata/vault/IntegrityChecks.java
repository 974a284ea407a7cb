package dev.strata.vault;

import dev.strata.config.ColumnType;
import dev.strata.config.HubConfig;
import dev.strata.config.LinkConfig;
import dev.strata.config.SatelliteConfig;
import dev.strata.config.VaultSection;
import dev.strata.warehouse.SqlDialect;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The integrity checks every vault declaration gets without a line of user code, as queries that
 * return the offending rows:
 * <ul>
 *   <li>hub {@code hash_key}: each row's hash key equals Strata's standard recomputed from its
 *       business key columns (the unknown key's row included);</li>
 *   <li>link {@code <role>_exists}: each role's hash key is a row of its hub;</li>
 *   <li>link {@code hash_key}: the link's hash key equals the standard over its hubs' business
 *       keys, role by role (rows whose hub is missing are left to the previous check);</li>
 *   <li>satellite {@code parent_exists}: each row's parent key is a row of its hub or link.</li>
 * </ul>
 * Ghost records ({@link HashStandard#GHOST_KEY}) are left out: they have no business key, and links
 * have none for their satellites' ghost rows to point to.
 * Hashes are recomputed with {@link HashSql} from the dialect's {@code canonicalText}, the same
 * expressions the loads use, so there is one implementation of the standard. Every check is an
 * anti-join or a join on the tables' primary keys (the hash keys), so a check reads each table
 * once. Run them with the dialect's {@code deterministicTransactionSettings()} in force.
 */
public final class IntegrityChecks {
    /** One check of one vault table. */
    public record Check(String table, String name, String description, String sql) {
    }

    private final SqlDialect d;
    private final VaultSection vault;
    private final HashSql hash;

    public IntegrityChecks(SqlDialect dialect, VaultSection vault) {
        this.d = dialect;
        this.vault = vault;
        this.hash = new HashSql(dialect);
    }

    /** The checks of {@code table}, a hub, link or satellite of the declaration (empty for anything else). */
    public List<Check> of(String table) {
        if (vault.hubs().containsKey(table)) {
            return List.of(hubHashKey(vault.hubs().get(table)));
        }
        if (vault.links().containsKey(table)) {
            LinkConfig l = vault.links().get(table);
            List<Check> out = new ArrayList<>();
            l.roles().forEach((role, hub) -> out.add(linkRoleExists(l, role, hub)));
            out.add(linkHashKey(l));
            return out;
        }
        if (vault.satellites().containsKey(table)) {
            return List.of(parentExists(vault.satellites().get(table)));
        }
        return List.of();
    }

    private String table(String name) {
        return d.qualified(vault.schema(), name);
    }

    private String hk(String tableOrRole) {
        return d.quote(VaultTables.hashKeyColumn(tableOrRole));
    }

    private List<String> normalizedKeyParts(String alias, HubConfig hub) {
        List<String> parts = new ArrayList<>();
        for (Map.Entry<String, ColumnType> c : hub.keyColumns().entrySet()) {
            parts.add(hash.normalizeKeyPart(d.canonicalText(alias + "." + d.quote(c.getKey()), c.getValue())));
        }
        return parts;
    }

    private Check hubHashKey(HubConfig h) {
        List<String> keys = h.keyColumns().keySet().stream().map(c -> "h." + d.quote(c)).toList();
        String sql = "SELECT h." + hk(h.name()) + (keys.isEmpty() ? "" : ", " + String.join(", ", keys))
                + " FROM " + table(h.name()) + " h WHERE h." + hk(h.name()) + " <> " + hash.hashKey(normalizedKeyParts("h", h))
                + " AND h." + hk(h.name()) + " <> " + d.hashKeyLiteral(HashStandard.GHOST_KEY);
        return new Check(h.name(), "hash_key", VaultTables.hashKeyColumn(h.name()) + " equals the hash of ("
                + String.join(", ", h.keyColumns().keySet()) + ") by Strata's standard", sql);
    }

    private Check linkRoleExists(LinkConfig l, String role, String hub) {
        String sql = "SELECT l." + hk(l.name()) + ", l." + hk(role) + " FROM " + table(l.name()) + " l WHERE NOT EXISTS "
                + "(SELECT 1 FROM " + table(hub) + " h WHERE h." + hk(hub) + " = l." + hk(role) + ")";
        return new Check(l.name(), role + "_exists", "every " + VaultTables.hashKeyColumn(role) + " is a row of " + hub, sql);
    }

    private Check linkHashKey(LinkConfig l) {
        StringBuilder from = new StringBuilder(table(l.name()) + " l");
        List<String> parts = new ArrayList<>();
        int i = 0;
        for (Map.Entry<String, String> role : l.roles().entrySet()) {
            String alias = "h" + i++;
            HubConfig hub = vault.hubs().get(role.getValue());
            from.append(" JOIN ").append(table(hub.name())).append(' ').append(alias).append(" ON ").append(alias).append('.')
                    .append(hk(hub.name())).append(" = l.").append(hk(role.getKey()));
            parts.addAll(normalizedKeyParts(alias, hub));
        }
        // a non-historized link's event key is part of its hash key
        for (String col : l.eventKey()) {
            parts.add(hash.normalizeKeyPart(d.canonicalText("l." + d.quote(col), l.payload().get(col))));
        }
        String sql = "SELECT l." + hk(l.name()) + ", " + String.join(", ", l.roles().keySet().stream().map(r -> "l." + hk(r)).toList())
                + " FROM " + from + " WHERE l." + hk(l.name()) + " <> " + hash.hashKey(parts);
        return new Check(l.name(), "hash_key", VaultTables.hashKeyColumn(l.name()) + " equals the hash of its hubs' business "
                + "keys (" + String.join(", ", l.roles().keySet()) + ") by Strata's standard", sql);
    }

    private Check parentExists(SatelliteConfig s) {
        String parent = hk(s.parent());
        String time = d.quote(s.effectivity().isPresent() ? VaultTables.START_DT : VaultTables.LOAD_DT);
        String sql = "SELECT s." + parent + ", s." + time + " FROM " + table(s.name()) + " s WHERE NOT EXISTS "
                + "(SELECT 1 FROM " + table(s.parent()) + " p WHERE p." + parent + " = s." + parent + ")"
                + " AND s." + parent + " <> " + d.hashKeyLiteral(HashStandard.GHOST_KEY);
        return new Check(s.name(), "parent_exists", "every " + VaultTables.hashKeyColumn(s.parent()) + " is a row of " + s.parent(), sql);
    }
}
