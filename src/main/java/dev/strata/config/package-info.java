/**
 * Reads {@code strata.yaml} into immutable records: YAML with positions, {@code ${ENV}}
 * substitution, validation that reports every problem with file:line:column and key path.
 */
package dev.strata.config;
