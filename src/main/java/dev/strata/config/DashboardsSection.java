package dev.strata.config;

import java.util.List;
import java.util.Optional;

/**
 * The {@code dashboards:} section of {@code strata.yaml}: charts the console draws from marts.
 * Read by {@link DashboardsConfigReader}; documented in {@code docs/config.md}.
 */
public record DashboardsSection(List<Dashboard> dashboards) {
    public DashboardsSection {
        dashboards = List.copyOf(dashboards);
    }

    public static DashboardsSection none() {
        return new DashboardsSection(List.of());
    }

    public Optional<Dashboard> dashboard(String name) {
        return dashboards.stream().filter(d -> d.name().equals(name)).findFirst();
    }

    /** How a chart combines the rows that share an {@code x} (and {@code series}) value. */
    public enum Aggregate {
        SUM, COUNT, AVG, MIN, MAX, NONE;

        public String word() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** The chart kinds the console draws. */
    public enum Chart {
        BAR, LINE, TABLE;

        public String word() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /**
     * One chart.
     *
     * @param name      the key under {@code dashboards:}
     * @param title     shown above the chart (defaults to the name)
     * @param mart      the table or view in schema {@code cdm} it reads
     * @param chart     bar, line or table
     * @param x         the category / time column (bar, line); empty for a table of raw columns
     * @param y         the value columns; one series each (empty with {@code aggregate: count})
     * @param series    a column whose values split {@code y} into one series each
     * @param aggregate how rows sharing x (and series) are combined; {@code none} plots rows as they are
     * @param columns   for {@code table} without x: the columns shown (empty = all)
     * @param orderBy   a column of the result to sort by, with {@code descending}
     * @param limit     at most this many result rows
     * @param martPosition where {@code mart:} is written, for a message about it
     */
    public record Dashboard(String name, String title, String mart, Chart chart, Optional<String> x, List<String> y,
                            Optional<String> series, Aggregate aggregate, List<String> columns,
                            Optional<String> orderBy, boolean descending, int limit, Position position,
                            Position martPosition) {
        public static final int DEFAULT_LIMIT = 100;
        public static final int MAX_LIMIT = 10_000;

        public Dashboard {
            y = List.copyOf(y);
            columns = List.copyOf(columns);
        }
    }
}
