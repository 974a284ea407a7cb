package dev.strata.config;

/**
 * One captured table of a {@code cdc} source as a stream of the project: its changes land into
 * {@code stg.<source>_<table>}. All tables of one {@link CdcSourceSpec} are captured by one
 * connector, in one replication slot, with one position.
 */
public record CdcTableSpec(CdcSourceSpec capture, CdcTable table) implements SourceSpec {
    @Override
    public String kind() {
        return "cdc";
    }
}
