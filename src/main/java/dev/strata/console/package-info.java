/**
 * The web console: a JSON API under {@code /api}, static pages with ECharts, and {@code /metrics}
 * for Prometheus, served by {@link dev.strata.console.ConsoleServer}.
 */
package dev.strata.console;
