package dev.strata.warehouse;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/**
 * Capability: the numbers of STG rows ({@code _seq}), whose order vault loads rely on.
 *
 * <p>Guarantee (<b>sequence order is commit order</b>): a writer that holds the STG table's
 * transaction lock ({@link LockKeys#stg}) while it draws numbers and until it commits gets numbers
 * greater than every number drawn by any writer that committed before it took the lock. So a
 * reader that has seen every committed row up to {@code n} never later sees a new committed row
 * below {@code n}. Numbers are unique and increasing but may have gaps (a rolled-back draw is not
 * given back). On PostgreSQL this is a sequence with {@code CACHE 1} (a cache per session would hand
 * out older numbers later); MariaDB sequences cache 1000 by default and MySQL has none, so their
 * adapter keeps a counter row (or a {@code NOCACHE} sequence) — its choice, behind this contract.
 */
public interface StgSequences {
    /** Idempotent DDL creating the counter for {@code schema.name}. */
    List<String> createStatements(String schema, String name);

    /** Idempotent DDL dropping the counter of {@code schema.name} (tests and benchmarks clean up with it). */
    List<String> dropStatements(String schema, String name);

    /** An expression giving the next number, one per row where used in an {@code INSERT … SELECT}. */
    String nextValue(String schema, String name);

    /** Draws {@code count} consecutive numbers in one call and returns the first. The caller holds the STG lock. */
    long reserve(Connection connection, String schema, String name, int count) throws SQLException;

    /** The next number of a metadata counter such as {@code strata.landing_batch_id} (unique, increasing; no order guarantee). */
    long next(Connection connection, String schema, String name) throws SQLException;
}
