/** {@code strata backup} and {@code strata restore}: consistent per-layer backup files, retention, checked restore. */
package dev.strata.backup;
