package dev.strata.warehouse;

import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * One column of a source database's result, as its JDBC driver describes it
 * ({@link ResultSetMetaData}): what {@link SourceReads#typeOf} maps to a {@link SourceType}.
 *
 * @param jdbcType  the {@link java.sql.Types} code
 * @param typeName  the database's own name for the type ({@code int4}, {@code DATETIME}, ...)
 * @param precision length or precision as the driver reports it (0 when it reports none)
 * @param scale     scale (digits after the point) for decimals, fraction digits for times
 * @param signed    false for unsigned integers (MySQL/MariaDB {@code INT UNSIGNED})
 */
public record SourceColumn(String name, int jdbcType, String typeName, int precision, int scale, boolean signed) {
    public SourceColumn {
        Objects.requireNonNull(name);
        typeName = typeName == null ? "" : typeName;
    }

    /** Every column of a result, in order. */
    public static List<SourceColumn> of(ResultSetMetaData md) throws SQLException {
        List<SourceColumn> out = new ArrayList<>();
        for (int i = 1; i <= md.getColumnCount(); i++) {
            String label = md.getColumnLabel(i);
            out.add(new SourceColumn(label == null || label.isEmpty() ? md.getColumnName(i) : label, md.getColumnType(i),
                    md.getColumnTypeName(i), md.getPrecision(i), md.getScale(i), md.isSigned(i)));
        }
        return List.copyOf(out);
    }

    /** The type as a user reads it in a message: {@code numeric(10,2)}, {@code INTEGER UNSIGNED}. */
    public String describeType() {
        return typeName.isEmpty() ? "JDBC type " + jdbcType : typeName;
    }
}
