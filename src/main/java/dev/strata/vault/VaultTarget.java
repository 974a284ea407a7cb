package dev.strata.vault;

import dev.strata.config.Position;
import dev.strata.config.VaultSection;
import java.util.ArrayList;
import java.util.List;

/**
 * One vault table Strata loads, as the scheduler sees it: a node whose inputs are STG tables and
 * whose upstream are other vault targets. Loads need no upstream to have run (there are no
 * foreign keys), but running hubs, then links, then satellites keeps readers' joins complete.
 *
 * @param name     the table name in the vault schema, also the target name for {@link VaultLoader#load}
 * @param schema   the vault schema the table lives in
 * @param inputs   the sources whose {@code stg.<source>} tables feed it, in declaration order
 * @param upstream for a link its hubs; for a satellite its parent; empty for a hub
 * @param position where it is declared, for messages about it
 */
public record VaultTarget(String name, Kind kind, String schema, List<String> inputs, List<String> upstream,
                          Position position) {
    /** The three kinds of Data Vault tables. */
    public enum Kind { HUB, LINK, SATELLITE }

    public VaultTarget {
        inputs = List.copyOf(inputs);
        upstream = List.copyOf(upstream);
    }

    /**
     * Every target of a declaration, without connecting anywhere: hubs, then links, then
     * satellites, each in declaration order (an order in which loading them keeps joins complete).
     */
    public static List<VaultTarget> all(VaultSection vault) {
        List<VaultTarget> out = new ArrayList<>();
        vault.hubs().values().forEach(h -> out.add(new VaultTarget(h.name(), Kind.HUB, vault.schema(),
                h.from().stream().map(m -> m.source()).distinct().toList(), List.of(), h.position())));
        vault.links().values().forEach(l -> out.add(new VaultTarget(l.name(), Kind.LINK, vault.schema(),
                l.from().stream().map(m -> m.source()).distinct().toList(), l.roles().values().stream().distinct().toList(),
                l.position())));
        vault.satellites().values().forEach(s -> out.add(new VaultTarget(s.name(), Kind.SATELLITE, vault.schema(),
                s.from().stream().map(m -> m.source()).distinct().toList(), List.of(s.parent()), s.position())));
        return List.copyOf(out);
    }
}
