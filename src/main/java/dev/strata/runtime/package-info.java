/**
 * Wiring: turns a validated project into running parts (warehouse pool, source clients, metrics)
 * and starts the embedded servers a project asks for with {@code embedded:...} settings.
 */
package dev.strata.runtime;
