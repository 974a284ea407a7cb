package dev.strata.warehouse;

/** A view that reads a table, with the SQL that recreates it: {@code CREATE VIEW schema.name AS definition}. */
public record DependentView(String schema, String name, String definition) {
}
