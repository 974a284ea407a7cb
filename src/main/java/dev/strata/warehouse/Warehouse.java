package dev.strata.warehouse;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.strata.ErrorCode;
import dev.strata.StrataException;
import dev.strata.config.Secret;
import dev.strata.config.WarehouseConfig;
import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;

/**
 * A connection pool to the warehouse plus its vendor's {@link WarehouseAdapter}; callers get the
 * capabilities ({@link #sql()}, {@link #locks()}, ...) from here. Thread-safe; one per process and
 * warehouse. Connections are handed out with auto-commit on; code that needs a transaction uses
 * {@link #inTransaction}.
 */
public final class Warehouse implements AutoCloseable {
    private final HikariDataSource pool;
    private final WarehouseAdapter adapter;
    private final String redactedUrl;
    private final String jdbcUrl;
    private final String user;
    private final Secret password;

    private Warehouse(HikariDataSource pool, WarehouseAdapter adapter, String jdbcUrl, String user, Secret password) {
        this.pool = pool;
        this.adapter = adapter;
        this.jdbcUrl = jdbcUrl;
        this.redactedUrl = WarehouseConfig.redact(jdbcUrl);
        this.user = user;
        this.password = password;
    }

    /**
     * Opens a pool to {@code jdbcUrl}. Fails fast (with the redacted URL in the message) when the
     * database cannot be reached.
     */
    public static Warehouse connect(String jdbcUrl, String user, Secret password, int poolSize) {
        WarehouseAdapter adapter = Warehouses.forUrl(jdbcUrl);
        HikariConfig cfg = new HikariConfig();
        cfg.setJdbcUrl(adapter.driverUrl(jdbcUrl));
        adapter.connectionProperties().forEach(cfg::addDataSourceProperty);
        cfg.setUsername(user);
        cfg.setPassword(password.reveal());
        cfg.setMaximumPoolSize(poolSize);
        cfg.setMinimumIdle(1);
        cfg.setPoolName("strata-warehouse");
        cfg.setConnectionTimeout(10_000);
        // Let the pool start even when the database is down, so callers can retry with backoff.
        cfg.setInitializationFailTimeout(-1);
        String redacted = WarehouseConfig.redact(jdbcUrl);
        try {
            return new Warehouse(new HikariDataSource(cfg), adapter, jdbcUrl, user, password);
        } catch (RuntimeException e) {
            throw new StrataException(ErrorCode.WAREHOUSE_UNAVAILABLE, "cannot open a connection pool to " + redacted + ": " + e.getMessage(), e);
        }
    }

    /** The vendor adapter: every capability at once. */
    public WarehouseAdapter adapter() {
        return adapter;
    }

    /** SQL spelling and types. */
    public SqlDialect sql() {
        return adapter.sql();
    }

    public Locks locks() {
        return adapter.locks();
    }

    public BulkLoad bulkLoad() {
        return adapter.bulkLoad();
    }

    public Catalog catalog() {
        return adapter.catalog();
    }

    public Materializer materializer() {
        return adapter.materializer();
    }

    public TaskQueue taskQueue() {
        return adapter.taskQueue();
    }

    public StgSequences sequences() {
        return adapter.sequences();
    }

    public TransactionSettings settings() {
        return adapter.settings();
    }

    public SqlErrors errors() {
        return adapter.errors();
    }

    public Backups backups() {
        return adapter.backups();
    }

    public DataSource dataSource() {
        return pool;
    }

    /**
     * Another database of the same server, reached with this warehouse's credentials (a restore's
     * empty target, created with {@code CREATE DATABASE}): the URL's database name replaced.
     */
    public Warehouse otherDatabase(String database, int poolSize) {
        if (!database.matches("[a-z_][a-z0-9_]{0,62}")) {
            throw new IllegalArgumentException("not a database name: " + database);
        }
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("^(jdbc:[a-z]+://[^/?;]+/)([^?;]*)(.*)$").matcher(jdbcUrl);
        if (!m.matches()) {
            throw new StrataException(ErrorCode.CONFIG, "cannot name another database in " + redactedUrl);
        }
        return connect(m.group(1) + database + m.group(3), user, password, poolSize);
    }

    /** The JDBC URL with credentials masked. */
    public String url() {
        return redactedUrl;
    }

    public Connection connection() throws SQLException {
        return pool.getConnection();
    }

    /**
     * A connection outside the pool, for work that must hold a session (locks) while pooled
     * connections are used for other work, without starving a small pool. The caller closes it.
     */
    public Connection unpooledConnection() throws SQLException {
        java.util.Properties props = new java.util.Properties();
        adapter.connectionProperties().forEach(props::setProperty);
        props.setProperty("user", user);
        props.setProperty("password", password.reveal());
        return java.sql.DriverManager.getConnection(adapter.driverUrl(jdbcUrl), props);
    }

    /** Work done in one transaction; committed when {@code work} returns, rolled back when it throws. */
    @FunctionalInterface
    public interface TransactionWork<T> {
        T run(Connection connection) throws SQLException;
    }

    public <T> T inTransaction(TransactionWork<T> work) throws SQLException {
        try (Connection c = connection()) {
            boolean auto = c.getAutoCommit();
            c.setAutoCommit(false);
            try {
                T result = work.run(c);
                c.commit();
                return result;
            } catch (SQLException | RuntimeException | Error e) {
                try {
                    c.rollback();
                } catch (SQLException suppressed) {
                    e.addSuppressed(suppressed);
                }
                throw e;
            } finally {
                try {
                    c.setAutoCommit(auto);
                } catch (SQLException ignored) {
                    // the connection is broken; the pool will evict it
                }
            }
        }
    }

    /** Creates or upgrades the metadata schema {@code strata}; safe when several processes start at once. */
    public void migrate() {
        new MetadataSchema(this).migrate();
    }

    @Override
    public void close() {
        pool.close();
    }
}
