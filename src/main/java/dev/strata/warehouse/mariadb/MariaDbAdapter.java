package dev.strata.warehouse.mariadb;

import dev.strata.warehouse.BulkLoad;
import dev.strata.warehouse.Catalog;
import dev.strata.warehouse.Locks;
import dev.strata.warehouse.Materializer;
import dev.strata.warehouse.SqlDialect;
import dev.strata.warehouse.SqlErrors;
import dev.strata.warehouse.StgSequences;
import dev.strata.warehouse.TaskQueue;
import dev.strata.warehouse.TransactionSettings;
import dev.strata.warehouse.WarehouseAdapter;
import java.util.Map;

/**
 * MariaDB 10.6 and later (tested on 11.4): every capability, without transactional DDL and with
 * session-scoped named locks, which {@link MariaDbLocks} and {@link MariaDbMaterializer} work
 * around. The guarantees rest on how each connection is opened ({@link #connectionProperties}).
 */
final class MariaDbAdapter implements WarehouseAdapter {
    /**
     * The session's SQL mode, whatever the server's default: strict (a bad value fails its statement
     * instead of being stored altered), no zero dates, and backslash escapes on, which
     * {@link MariaDbSql#literal} writes for.
     */
    static final String SQL_MODE = "STRICT_ALL_TABLES,ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION,NO_ZERO_IN_DATE,NO_ZERO_DATE";
    /**
     * Hash joins (BNLH) for equality joins on columns without an index, which MariaDB's default (2)
     * leaves to nested loops: marts join vault tables on hash keys that only the hubs index, and a
     * food-delivery mart took 13.8 s with the default and 26 ms with this (docs/warehouses.md).
     */
    static final int JOIN_CACHE_LEVEL = 4;
    private final MariaDbSql sql = new MariaDbSql();
    private final MariaDbLocks locks = new MariaDbLocks();
    private final MariaDbBulkLoad bulkLoad = new MariaDbBulkLoad(sql);
    private final MariaDbCatalog catalog = new MariaDbCatalog(sql);
    private final MariaDbMaterializer materializer = new MariaDbMaterializer(sql, locks, catalog);
    private final MariaDbTaskQueue taskQueue = new MariaDbTaskQueue();
    private final MariaDbSequences sequences = new MariaDbSequences(sql);
    private final MariaDbSettings settings = new MariaDbSettings();
    private final MariaDbErrors errors = new MariaDbErrors();

    @Override
    public String name() {
        return "mariadb";
    }

    @Override
    public SqlDialect sql() {
        return sql;
    }

    @Override
    public Locks locks() {
        return locks;
    }

    @Override
    public BulkLoad bulkLoad() {
        return bulkLoad;
    }

    @Override
    public Catalog catalog() {
        return catalog;
    }

    @Override
    public Materializer materializer() {
        return materializer;
    }

    @Override
    public TaskQueue taskQueue() {
        return taskQueue;
    }

    @Override
    public StgSequences sequences() {
        return sequences;
    }

    @Override
    public TransactionSettings settings() {
        return settings;
    }

    @Override
    public SqlErrors errors() {
        return errors;
    }

    @Override
    public String migrationsLocation() {
        return "classpath:db/migration/mariadb";
    }

    /** MariaDB Connector/J speaks to MySQL servers too, but accepts only its own URL scheme by default. */
    @Override
    public String driverUrl(String jdbcUrl) {
        return jdbcUrl.startsWith("jdbc:mysql:") ? "jdbc:mariadb:" + jdbcUrl.substring("jdbc:mysql:".length()) : jdbcUrl;
    }

    /**
     * <ul>
     *   <li>READ COMMITTED: each statement sees what committed before it, as on PostgreSQL (InnoDB's
     *       default, REPEATABLE READ, would keep a watermark read before a lock was taken);</li>
     *   <li>UTC for the session and for the driver's conversions of timestamps, whatever the JVM's
     *       zone: DATETIME columns hold UTC (MariaDbTimeIT);</li>
     *   <li>{@link #SQL_MODE}, and hash joins ({@link #JOIN_CACHE_LEVEL});</li>
     *   <li>{@code LOAD DATA LOCAL INFILE} from a stream, for {@link MariaDbBulkLoad}.</li>
     * </ul>
     * The driver's default stays for update counts (rows found, not rows changed): an {@code UPDATE}
     * counts the rows its WHERE matched, as on PostgreSQL.
     */
    @Override
    public Map<String, String> connectionProperties() {
        return Map.of(
                "transactionIsolation", "READ_COMMITTED",
                "connectionTimeZone", "UTC",
                "forceConnectionTimeZoneToSession", "true",
                "preserveInstants", "true",
                "sessionVariables", "sql_mode='" + SQL_MODE + "',join_cache_level=" + JOIN_CACHE_LEVEL,
                "allowLocalInfile", "true");
    }
}
