package dev.strata.config;

/**
 * One thing wrong with a project's configuration, printed as
 * {@code strata.yaml:14:7: sources.orders.kafka.topic: required}.
 */
public record ConfigProblem(Position position, String path, String message) {
    @Override
    public String toString() {
        return position + ": " + (path.isEmpty() ? "" : path + ": ") + message;
    }
}
