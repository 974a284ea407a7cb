package dev.strata.config;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A portable column type named in config ({@code text}, {@code numeric(19,5)}, {@code timestamptz},
 * ...). Each {@link dev.strata.warehouse.SqlDialect} renders it in its own spelling; config never
 * carries raw SQL type text, so a type cannot smuggle SQL into DDL.
 *
 * @param kind      the type family
 * @param precision length for {@code varchar(n)}, precision for {@code numeric(p,s)}; 0 when not given
 * @param scale     scale for {@code numeric(p,s)}; 0 when not given
 */
public record ColumnType(Kind kind, int precision, int scale) {
    /** The type families Strata maps onto every warehouse. */
    public enum Kind {
        TEXT("text"), VARCHAR("varchar"), SMALLINT("smallint"), INTEGER("integer"), BIGINT("bigint"),
        NUMERIC("numeric"), DOUBLE("double"), BOOLEAN("boolean"), DATE("date"), TIMESTAMP("timestamp"),
        TIMESTAMPTZ("timestamptz"), JSON("json"),
        /** 16-byte hash keys and hashdiffs; not accepted from config. */
        HASH_KEY("hash key");

        private final String word;

        Kind(String word) {
            this.word = word;
        }

        public String word() {
            return word;
        }
    }

    public static final ColumnType TEXT = new ColumnType(Kind.TEXT, 0, 0);
    public static final ColumnType BIGINT = new ColumnType(Kind.BIGINT, 0, 0);
    public static final ColumnType TIMESTAMPTZ = new ColumnType(Kind.TIMESTAMPTZ, 0, 0);
    public static final ColumnType HASH_KEY = new ColumnType(Kind.HASH_KEY, 0, 0);
    public static final ColumnType JSON = new ColumnType(Kind.JSON, 0, 0);
    public static final ColumnType BOOLEAN = new ColumnType(Kind.BOOLEAN, 0, 0);

    /** What {@link #parse} accepts, for messages and docs. */
    public static final String ACCEPTED = "text, varchar(n), smallint, integer, bigint, numeric, numeric(p,s), "
            + "double, boolean, date, timestamp, timestamptz, json";

    private static final Pattern FORM = Pattern.compile(
            "([a-z]+)\\s*(?:\\(\\s*(\\d{1,4})\\s*(?:,\\s*(\\d{1,4})\\s*)?\\))?");

    /** Reads a type as written in config; throws {@link IllegalArgumentException} naming the accepted types. */
    public static ColumnType parse(String text) {
        Matcher m = FORM.matcher(text.trim().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + text + "' is not a column type (use one of " + ACCEPTED + ")");
        }
        String word = switch (m.group(1)) {
            case "int", "int4" -> "integer";
            case "int8" -> "bigint";
            case "int2" -> "smallint";
            case "decimal" -> "numeric";
            case "bool" -> "boolean";
            case "jsonb" -> "json";
            case "float8", "float" -> "double";
            default -> m.group(1);
        };
        Kind kind = null;
        for (Kind k : Kind.values()) {
            if (k != Kind.HASH_KEY && k.word.equals(word)) {
                kind = k;
            }
        }
        if (kind == null) {
            throw new IllegalArgumentException("'" + text + "' is not a column type (use one of " + ACCEPTED + ")");
        }
        boolean hasP = m.group(2) != null;
        boolean hasS = m.group(3) != null;
        int p = hasP ? Integer.parseInt(m.group(2)) : 0;
        int s = hasS ? Integer.parseInt(m.group(3)) : 0;
        if (kind == Kind.VARCHAR) {
            if (!hasP || hasS || p < 1) {
                throw new IllegalArgumentException("varchar needs a length: varchar(n) with n ≥ 1, got '" + text + "'");
            }
        } else if (kind == Kind.NUMERIC) {
            if (hasP && (p < 1 || p > 1000 || s > p)) {
                throw new IllegalArgumentException("numeric(p,s) needs 1 ≤ p ≤ 1000 and 0 ≤ s ≤ p, got '" + text + "'");
            }
        } else if (hasP) {
            throw new IllegalArgumentException(kind.word + " takes no length or precision, got '" + text + "'");
        }
        return new ColumnType(kind, p, s);
    }

    /** The type as a user writes it: {@code numeric(19,5)}. */
    @Override
    public String toString() {
        if (kind == Kind.VARCHAR) {
            return "varchar(" + precision + ")";
        }
        if (kind == Kind.NUMERIC && precision > 0) {
            return "numeric(" + precision + "," + scale + ")";
        }
        return kind.word;
    }
}
