/**
 * Application wiring: starts the parts of a project (embedded servers it asks for, warehouse,
 * landing, vault loads, scheduler, console) in order and stops them in reverse. Used by
 * {@code strata run} and {@code strata demo}; depends on every other package, none depends on it.
 */
package dev.strata.app;
