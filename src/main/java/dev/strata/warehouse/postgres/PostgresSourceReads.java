package dev.strata.warehouse.postgres;

import dev.strata.warehouse.BulkExport;
import dev.strata.warehouse.SourceColumn;
import dev.strata.warehouse.SourceReads;
import dev.strata.warehouse.SourceType;
import java.util.Optional;

/**
 * PostgreSQL as a source: PgJDBC reports {@code timestamptz} as {@code Types.TIMESTAMP},
 * {@code jsonb} and {@code uuid} as {@code Types.OTHER} and {@code money} as a double (its text has
 * a currency sign), so those are told by their type name; snapshots read through
 * {@code COPY … TO STDOUT} ({@link PostgresBulkExport}).
 */
final class PostgresSourceReads implements SourceReads {
    private final PostgresBulkExport export;

    PostgresSourceReads(PostgresBulkExport export) {
        this.export = export;
    }

    @Override
    public Optional<SourceType> typeOf(SourceColumn column) {
        return switch (column.typeName()) {
            case "timestamptz" -> Optional.of(SourceType.of(SourceType.Family.TIMESTAMPTZ));
            case "json", "jsonb" -> Optional.of(SourceType.of(SourceType.Family.JSON));
            case "uuid" -> Optional.of(SourceType.varchar(36));
            case "citext" -> Optional.of(SourceType.of(SourceType.Family.TEXT));
            case "money" -> Optional.empty();
            default -> SourceReads.super.typeOf(column);
        };
    }

    @Override
    public Optional<BulkExport> bulkExport() {
        return Optional.of(export);
    }
}
