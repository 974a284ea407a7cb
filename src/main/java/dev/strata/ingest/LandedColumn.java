package dev.strata.ingest;

import dev.strata.warehouse.SourceColumn;
import dev.strata.warehouse.SourceType;

/**
 * A source column as it lands: its name (also its STG column's), the type Strata maps it to, and
 * the source's own description of the type (kept to report changes in the source's words).
 */
record LandedColumn(String name, SourceType type, String sourceType) {
    static LandedColumn of(SourceColumn c, SourceType type) {
        return new LandedColumn(c.name(), type, c.describeType());
    }
}
