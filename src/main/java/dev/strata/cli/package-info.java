/** The {@code strata} command line: one picocli class per command; exit codes 0 ok, 1 failure, 2 bad usage or config. */
package dev.strata.cli;
