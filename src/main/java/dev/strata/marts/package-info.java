/**
 * Marts: SQL selects templated with Jinjava ({@code ref()}, {@code var()}, interval helpers) and
 * their materializations — view, table (built new and swapped in one transaction), incremental
 * (the interval's rows deleted and inserted in one transaction) — plus SQL tasks and checks.
 */
package dev.strata.marts;
