package dev.strata.warehouse.mariadb;

import dev.strata.warehouse.WarehouseAdapter;
import dev.strata.warehouse.WarehouseType;

/**
 * Recognises {@code jdbc:mariadb:} and {@code jdbc:mysql:} URLs (one family: the same driver, and
 * the server's version decides at connect whether Strata runs on it) and {@code embedded:mariadb}.
 */
public final class MariaDbType implements WarehouseType {
    @Override
    public String name() {
        return "mariadb";
    }

    @Override
    public boolean handles(String jdbcUrl) {
        return jdbcUrl.startsWith("jdbc:mariadb:") || jdbcUrl.startsWith("jdbc:mysql:");
    }

    @Override
    public boolean handlesEmbedded(String embeddedName) {
        return embeddedName.equals("mariadb");
    }

    @Override
    public String urlExample() {
        return "jdbc:mariadb://..., jdbc:mysql://..., embedded:mariadb";
    }

    @Override
    public WarehouseAdapter createAdapter() {
        return new MariaDbAdapter();
    }
}
