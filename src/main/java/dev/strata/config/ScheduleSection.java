package dev.strata.config;

/** The {@code schedule:} section of {@code strata.yaml}. Its content is defined by the issue that builds it. */
public record ScheduleSection(boolean declared) {
    public static ScheduleSection none() {
        return new ScheduleSection(false);
    }
}
