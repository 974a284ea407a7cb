/**
 * The warehouse: pooled connections, one {@link dev.strata.warehouse.Dialect} per database for
 * every vendor difference, and Strata's own metadata schema ({@code strata.*}) with its migrations.
 */
package dev.strata.warehouse;
