package dev.strata.warehouse.postgres;

import dev.strata.warehouse.Backups;
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

/** PostgreSQL 10 and later: every capability, with transactional DDL and native transaction-scoped locks. */
final class PostgresAdapter implements WarehouseAdapter {
    private final PostgresSql sql = new PostgresSql();
    private final PostgresLocks locks = new PostgresLocks();
    private final PostgresBulkLoad bulkLoad = new PostgresBulkLoad(sql);
    private final PostgresCatalog catalog = new PostgresCatalog(sql, locks);
    private final PostgresMaterializer materializer = new PostgresMaterializer(sql, locks, catalog);
    private final PostgresTaskQueue taskQueue = new PostgresTaskQueue();
    private final PostgresSequences sequences = new PostgresSequences(sql);
    private final PostgresSettings settings = new PostgresSettings();
    private final PostgresErrors errors = new PostgresErrors();
    private final PostgresBackups backups = new PostgresBackups();

    @Override
    public String name() {
        return "postgresql";
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
    public Backups backups() {
        return backups;
    }

    @Override
    public String migrationsLocation() {
        return "classpath:db/migration/postgresql";
    }
}
