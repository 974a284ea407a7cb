package dev.strata.marts;

import java.time.Instant;

/**
 * The interval a template is rendered for: data interval {@code [start, end)} and the schedule
 * point ({@code logicalDate}) it belongs to.
 */
public record TemplateInterval(Instant start, Instant end, Instant logicalDate) {
    /** The interval used to parse templates when no run is meant (validation, graph building). */
    public static TemplateInterval sample() {
        Instant s = Instant.parse("2000-01-01T00:00:00Z");
        return new TemplateInterval(s, s.plusSeconds(86_400), s.plusSeconds(86_400));
    }
}
