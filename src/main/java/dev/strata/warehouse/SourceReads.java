package dev.strata.warehouse;

import java.sql.Types;
import java.util.Locale;
import java.util.Optional;

/**
 * Capability: what Strata needs to know to read a database as a source (the {@code jdbc} source
 * kind) — how its JDBC driver's column types map to the portable {@link SourceType}s, and its bulk
 * path out, if it has one. Reading itself is plain JDBC (a forward-only result set with a fetch
 * size, auto-commit off, identifiers quoted with the driver's quote string), so any database with
 * a JDBC driver can be a source; an adapter refines what its driver reports ambiguously.
 *
 * <p>{@link #GENERIC} maps by the {@link Types} code alone (plus the SQL-standard {@code JSON}
 * name); it serves every source URL no warehouse adapter claims ({@link Warehouses#sourceReads}).
 */
public interface SourceReads {
    /** The mapping by JDBC type code, for any driver. */
    SourceReads GENERIC = new SourceReads() {
    };

    /**
     * The type {@code column} lands as, or empty when Strata cannot land it (a time of day, an
     * interval, an array, a structure, a geometry, bit strings): the source then fails with an
     * error naming the source, the column and its type.
     */
    default Optional<SourceType> typeOf(SourceColumn column) {
        String name = column.typeName().toLowerCase(Locale.ROOT);
        if (name.equals("json")) {
            return Optional.of(SourceType.of(SourceType.Family.JSON));
        }
        return switch (column.jdbcType()) {
            case Types.BOOLEAN -> Optional.of(SourceType.of(SourceType.Family.BOOLEAN));
            case Types.BIT -> column.precision() <= 1 ? Optional.of(SourceType.of(SourceType.Family.BOOLEAN)) : Optional.empty();
            case Types.TINYINT, Types.SMALLINT -> Optional.of(SourceType.of(
                    column.signed() || column.jdbcType() == Types.TINYINT ? SourceType.Family.SMALLINT : SourceType.Family.INTEGER));
            case Types.INTEGER -> Optional.of(SourceType.of(column.signed() ? SourceType.Family.INTEGER : SourceType.Family.BIGINT));
            case Types.BIGINT -> Optional.of(column.signed() ? SourceType.of(SourceType.Family.BIGINT) : SourceType.decimal(20, 0));
            case Types.DECIMAL, Types.NUMERIC -> Optional.of(SourceType.decimal(column.precision(), Math.max(0, column.scale())));
            case Types.REAL, Types.FLOAT, Types.DOUBLE -> Optional.of(SourceType.of(SourceType.Family.DOUBLE));
            case Types.CHAR, Types.VARCHAR, Types.NCHAR, Types.NVARCHAR -> Optional.of(SourceType.varchar(column.precision()));
            case Types.LONGVARCHAR, Types.LONGNVARCHAR, Types.CLOB, Types.NCLOB -> Optional.of(SourceType.of(SourceType.Family.TEXT));
            case Types.DATE -> Optional.of(SourceType.of(SourceType.Family.DATE));
            case Types.TIMESTAMP -> Optional.of(SourceType.of(SourceType.Family.TIMESTAMP));
            case Types.TIMESTAMP_WITH_TIMEZONE -> Optional.of(SourceType.of(SourceType.Family.TIMESTAMPTZ));
            case Types.BINARY, Types.VARBINARY, Types.LONGVARBINARY, Types.BLOB -> Optional.of(SourceType.of(SourceType.Family.BYTES));
            default -> Optional.empty();
        };
    }

    /** The database's bulk path out, when it has one; else rows are read through a JDBC result set. */
    default Optional<BulkExport> bulkExport() {
        return Optional.empty();
    }
}
