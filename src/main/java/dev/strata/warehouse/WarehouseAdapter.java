package dev.strata.warehouse;

/**
 * One warehouse vendor's implementation of the capabilities Strata needs. Created by its
 * {@link WarehouseType}; stateless and thread-safe; needs no connection until an operation is
 * given one. {@link Warehouse} pairs it with a connection pool; code that only renders SQL
 * ({@code strata plan}, {@code validate}) uses it alone ({@link Warehouses#forConfig}).
 *
 * <p>The capabilities and what each guarantees:
 * <ul>
 *   <li>{@link SqlDialect} — SQL spelling, types and fragments;</li>
 *   <li>{@link Locks} — transaction- and session-scoped named locks;</li>
 *   <li>{@link BulkLoad} — CSV bulk load with a stated answer to unique-key conflicts;</li>
 *   <li>{@link Catalog} — tables, columns, dependent views, server version;</li>
 *   <li>{@link Materializer} — building and publishing mart relations, with or without transactional DDL;</li>
 *   <li>{@link TaskQueue} — the scheduler's claim;</li>
 *   <li>{@link StgSequences} — STG row numbers in commit order;</li>
 *   <li>{@link TransactionSettings} — per-transaction settings (UTC, timeouts, sort memory);</li>
 *   <li>{@link SqlErrors} — what an error means (transient, timeout, conflict, bad data);</li>
 *   <li>{@link Backups} — consistent logical backups of schemas and their checked restore.</li>
 * </ul>
 * The contract suite ({@code WarehouseContract} in the tests) is the executable definition.
 */
public interface WarehouseAdapter {
    /** A short name for messages: {@code postgresql}. */
    String name();

    SqlDialect sql();

    Locks locks();

    BulkLoad bulkLoad();

    Catalog catalog();

    Materializer materializer();

    TaskQueue taskQueue();

    StgSequences sequences();

    TransactionSettings settings();

    SqlErrors errors();

    /** Backups and restore; a warehouse without them answers every call with a clear error. */
    default Backups backups() {
        return Backups.unsupported(name());
    }

    /** The Flyway location of Strata's metadata migrations for this database. */
    String migrationsLocation();
}
