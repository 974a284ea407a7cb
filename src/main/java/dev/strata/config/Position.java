package dev.strata.config;

/** A place in a config file, 1-based, printed as {@code file:line:column}. */
public record Position(String file, int line, int column) {
    @Override
    public String toString() {
        return file + ":" + line + ":" + column;
    }
}
