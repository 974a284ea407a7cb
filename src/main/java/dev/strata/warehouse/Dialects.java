package dev.strata.warehouse;

import dev.strata.ErrorCode;
import dev.strata.StrataException;
import dev.strata.config.WarehouseConfig;
import java.util.List;

/** Picks the {@link Dialect} for a JDBC URL. */
public final class Dialects {
    private static final List<Dialect> KNOWN = List.of(new PostgresDialect());

    private Dialects() {
    }

    /**
     * The dialect of a configured warehouse, without connecting; {@code embedded:postgres} is
     * PostgreSQL, {@code embedded:mariadb} whatever serves {@code jdbc:mariadb:} URLs.
     */
    public static Dialect forConfig(WarehouseConfig config) {
        if (config.isEmbeddedMariaDb()) {
            return forUrl("jdbc:mariadb://127.0.0.1/");
        }
        return config.isEmbedded() ? new PostgresDialect() : forUrl(config.url());
    }

    public static Dialect forUrl(String jdbcUrl) {
        for (Dialect d : KNOWN) {
            if (d.handles(jdbcUrl)) {
                return d;
            }
        }
        throw new StrataException(ErrorCode.CONFIG, "Unsupported database: " + WarehouseConfig.redact(jdbcUrl)
                + " (supported: jdbc:postgresql://...)");
    }
}
