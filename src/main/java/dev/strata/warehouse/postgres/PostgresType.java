package dev.strata.warehouse.postgres;

import dev.strata.warehouse.WarehouseAdapter;
import dev.strata.warehouse.WarehouseType;

/** Recognises {@code jdbc:postgresql:} URLs and {@code embedded:postgres}. */
public final class PostgresType implements WarehouseType {
    @Override
    public String name() {
        return "postgresql";
    }

    @Override
    public boolean handles(String jdbcUrl) {
        return jdbcUrl.startsWith("jdbc:postgresql:");
    }

    @Override
    public boolean handlesEmbedded(String embeddedName) {
        return embeddedName.equals("postgres") || embeddedName.equals("postgresql");
    }

    @Override
    public String urlExample() {
        return "jdbc:postgresql://..., embedded:postgres";
    }

    @Override
    public WarehouseAdapter createAdapter() {
        return new PostgresAdapter();
    }
}
