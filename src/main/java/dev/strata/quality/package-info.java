/**
 * Data quality: the tests declared on sources, vault tables and marts (and {@code tests/*.sql}),
 * the vault's generated integrity checks, how each becomes one query returning offending rows,
 * running them on a connection, and the results table {@code strata.test_results}. See
 * {@code docs/tests.md}.
 */
package dev.strata.quality;
