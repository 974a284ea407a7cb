package dev.strata.embedded;

/**
 * What a commit acknowledged by an embedded warehouse server survives. The servers spell it
 * their own way; {@link EmbeddedPostgres} and {@link EmbeddedMariaDb} say exactly which settings.
 *
 * <ul>
 *   <li>{@link #DURABLE} ({@code strata run} and the other commands of a project): every
 *       acknowledged commit survives a killed server, an operating-system crash and a power loss
 *       (PostgreSQL: {@code fsync}, {@code synchronous_commit}, {@code full_page_writes} on;
 *       MariaDB: {@code innodb_flush_log_at_trx_commit=1}, doublewrite on).</li>
 *   <li>{@link #FAST} ({@code strata demo}, tests, benchmarks): a killed JVM loses nothing (the
 *       server keeps running). A killed <em>server</em> loses, on PostgreSQL ({@code fsync},
 *       {@code synchronous_commit}, {@code full_page_writes} off), the commits of its last ~0.6 s
 *       (whole transactions, so landing's positions roll back with their rows); on MariaDB
 *       ({@code innodb_flush_log_at_trx_commit=2}, doublewrite off) nothing, since the redo log is
 *       written to the operating system at every commit. An operating-system crash or a power
 *       loss can lose the last second or more, and can corrupt the data directory.</li>
 * </ul>
 */
public enum Durability {
    DURABLE, FAST
}
