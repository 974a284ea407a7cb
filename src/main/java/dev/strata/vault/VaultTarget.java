package dev.strata.vault;

import java.util.List;

/**
 * One vault table Strata loads, as the scheduler sees it: a node whose inputs are STG tables and
 * whose upstream are other vault targets. Loads need no upstream to have run (there are no
 * foreign keys), but running hubs, then links, then satellites keeps readers' joins complete.
 *
 * @param name     the table name in the vault schema, also the target name for {@link VaultLoader#load}
 * @param inputs   the sources whose {@code stg.<source>} tables feed it, in declaration order
 * @param upstream for a link its hubs; for a satellite its parent; empty for a hub
 */
public record VaultTarget(String name, Kind kind, List<String> inputs, List<String> upstream) {
    /** The three kinds of Data Vault tables. */
    public enum Kind { HUB, LINK, SATELLITE }

    public VaultTarget {
        inputs = List.copyOf(inputs);
        upstream = List.copyOf(upstream);
    }
}
