package dev.strata.warehouse;

import dev.strata.config.ColumnType;
import java.util.Locale;
import java.util.Optional;

/**
 * The portable type a source column lands as in its STG table, and how its values are written in
 * the landing CSV ({@link BulkLoad}). Each warehouse spells it through its {@link SqlDialect}
 * ({@link #sqlType}), so the same source lands with the same meaning on every warehouse.
 *
 * @param precision the length of a {@code VARCHAR}, the precision of a {@code DECIMAL} (0 for an
 *                  unconstrained {@code numeric}); 0 otherwise
 * @param scale     the scale of a {@code DECIMAL}; 0 otherwise
 */
public record SourceType(Family family, int precision, int scale) {
    /** The families Strata lands; anything else a source has is refused with a clear error. */
    public enum Family {
        BOOLEAN, SMALLINT, INTEGER, BIGINT, DECIMAL, DOUBLE, VARCHAR, TEXT, DATE, TIMESTAMP, TIMESTAMPTZ, JSON, BYTES;

        public String word() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** The longest {@code VARCHAR} kept as such; longer (or unbounded) text lands as {@code TEXT}. */
    public static final int MAX_VARCHAR = 4000;
    /** The largest decimal precision kept; a larger (or unconstrained) one lands as unconstrained {@code numeric}. */
    public static final int MAX_DECIMAL_PRECISION = 1000;

    public static SourceType of(Family family) {
        return new SourceType(family, 0, 0);
    }

    public static SourceType varchar(int length) {
        return length > 0 && length <= MAX_VARCHAR ? new SourceType(Family.VARCHAR, length, 0) : of(Family.TEXT);
    }

    public static SourceType decimal(int precision, int scale) {
        if (precision <= 0 || precision > MAX_DECIMAL_PRECISION || scale < 0 || scale > precision) {
            return new SourceType(Family.DECIMAL, 0, 0);
        }
        return new SourceType(Family.DECIMAL, precision, scale);
    }

    /** The config-level column type of this family; empty for {@code BYTES}, which config cannot name. */
    public Optional<ColumnType> columnType() {
        return switch (family) {
            case BOOLEAN -> Optional.of(new ColumnType(ColumnType.Kind.BOOLEAN, 0, 0));
            case SMALLINT -> Optional.of(new ColumnType(ColumnType.Kind.SMALLINT, 0, 0));
            case INTEGER -> Optional.of(new ColumnType(ColumnType.Kind.INTEGER, 0, 0));
            case BIGINT -> Optional.of(ColumnType.BIGINT);
            case DECIMAL -> Optional.of(new ColumnType(ColumnType.Kind.NUMERIC, precision, scale));
            case DOUBLE -> Optional.of(new ColumnType(ColumnType.Kind.DOUBLE, 0, 0));
            case VARCHAR -> Optional.of(new ColumnType(ColumnType.Kind.VARCHAR, precision, 0));
            case TEXT -> Optional.of(ColumnType.TEXT);
            case DATE -> Optional.of(new ColumnType(ColumnType.Kind.DATE, 0, 0));
            case TIMESTAMP -> Optional.of(new ColumnType(ColumnType.Kind.TIMESTAMP, 0, 0));
            case TIMESTAMPTZ -> Optional.of(ColumnType.TIMESTAMPTZ);
            case JSON -> Optional.of(ColumnType.JSON);
            case BYTES -> Optional.empty();
        };
    }

    /** The warehouse's SQL type for this type, spelled as {@link Catalog#columnTypes} reports it. */
    public String sqlType(SqlDialect dialect) {
        return columnType().map(dialect::sqlType).orElseGet(dialect::bytesType);
    }

    /** True for the families a cursor of an incremental source may have (ordered, with a lookback). */
    public boolean isCursorable() {
        return switch (family) {
            case SMALLINT, INTEGER, BIGINT, DECIMAL, DATE, TIMESTAMP, TIMESTAMPTZ -> true;
            default -> false;
        };
    }

    public boolean isTemporal() {
        return family == Family.DATE || family == Family.TIMESTAMP || family == Family.TIMESTAMPTZ;
    }

    /**
     * True when every value of {@code other} can be stored in a column of this type unchanged
     * (a source column that narrowed, or kept its type): {@code varchar(50)} into {@code varchar(100)}
     * or {@code text}, {@code integer} into {@code bigint}, {@code numeric(8,2)} into {@code numeric(10,2)}.
     */
    public boolean holds(SourceType other) {
        if (equals(other)) {
            return true;
        }
        return switch (family) {
            case TEXT -> other.family == Family.VARCHAR;
            case VARCHAR -> other.family == Family.VARCHAR && other.precision <= precision;
            case SMALLINT -> false;
            case INTEGER -> other.family == Family.SMALLINT;
            case BIGINT -> other.family == Family.SMALLINT || other.family == Family.INTEGER;
            case DECIMAL -> precision == 0 ? other.family == Family.DECIMAL || isInteger(other.family)
                    : other.family == Family.DECIMAL && other.precision > 0 && other.scale <= scale
                    && other.precision - other.scale <= precision - scale
                    || other.family == Family.SMALLINT && precision - scale >= 5
                    || other.family == Family.INTEGER && precision - scale >= 10
                    || other.family == Family.BIGINT && precision - scale >= 19;
            case DOUBLE -> other.family == Family.SMALLINT || other.family == Family.INTEGER;
            default -> false;
        };
    }

    private static boolean isInteger(Family f) {
        return f == Family.SMALLINT || f == Family.INTEGER || f == Family.BIGINT;
    }

    /**
     * True when a column of this type can be changed to {@code wider} in place without losing or
     * changing a stored value ({@link SqlDialect#alterColumnType}): a longer {@code varchar}, text,
     * a larger integer, a decimal with more digits on both sides of the point.
     */
    public boolean widensTo(SourceType wider) {
        return !equals(wider) && wider.holds(this)
                && (family == wider.family || family == Family.VARCHAR && wider.family == Family.TEXT
                || isInteger(family) && isInteger(wider.family)
                || isInteger(family) && wider.family == Family.DECIMAL);
    }

    /** The type as written in docs and messages: {@code varchar(20)}, {@code decimal(10,2)}, {@code timestamptz}. */
    @Override
    public String toString() {
        return switch (family) {
            case VARCHAR -> "varchar(" + precision + ")";
            case DECIMAL -> precision > 0 ? "decimal(" + precision + "," + scale + ")" : "decimal";
            default -> family.word();
        };
    }

    /** Reads {@link #toString()}'s form back (stored in {@code strata.source_schemas}). */
    public static SourceType parse(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        int paren = t.indexOf('(');
        String word = paren < 0 ? t : t.substring(0, paren);
        Family family = Family.valueOf(word.toUpperCase(Locale.ROOT));
        if (paren < 0) {
            return of(family);
        }
        String[] args = t.substring(paren + 1, t.length() - 1).split(",");
        int p = Integer.parseInt(args[0].trim());
        int s = args.length > 1 ? Integer.parseInt(args[1].trim()) : 0;
        return new SourceType(family, p, s);
    }
}
