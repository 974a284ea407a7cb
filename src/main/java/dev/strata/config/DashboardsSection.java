package dev.strata.config;

/** The {@code dashboards:} section of {@code strata.yaml}. Its content is defined by the issue that builds it. */
public record DashboardsSection(boolean declared) {
    public static DashboardsSection none() {
        return new DashboardsSection(false);
    }
}
