package dev.strata.config;

/** The {@code marts:} section of {@code strata.yaml}. Its content is defined by the issue that builds it. */
public record MartsSection(boolean declared) {
    public static MartsSection none() {
        return new MartsSection(false);
    }
}
