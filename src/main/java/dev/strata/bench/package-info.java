/**
 * Benchmarks run by {@code strata bench <name>}: each runs a baseline and Strata on the same work in
 * one run and prints the ratio on its last line. Figures are recorded in {@code docs/performance.md}.
 */
package dev.strata.bench;
