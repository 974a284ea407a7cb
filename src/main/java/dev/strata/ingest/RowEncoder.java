package dev.strata.ingest;

import dev.strata.warehouse.SourceType;
import java.math.BigDecimal;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.List;

/**
 * Writes the rows of a JDBC result set as landing CSV (the field forms of
 * {@code dev.strata.warehouse.BulkLoad}), one typed getter per column chosen once from its
 * {@link SourceType}: exact decimals ({@code BigDecimal.toPlainString}), timestamps with their
 * microseconds, timestamps with zone in UTC, booleans as {@code 1}/{@code 0}, bytes in hex. The
 * text of a row is a function of its values alone, so its MD5 identifies a row version
 * ({@link JdbcIncrement}'s dedup key). Not thread-safe.
 */
final class RowEncoder {
    private static final HexFormat HEX = HexFormat.of();

    @FunctionalInterface
    private interface Field {
        void write(ResultSet rs, int column, CsvRows out) throws SQLException;
    }

    private final Field[] fields;

    RowEncoder(List<LandedColumn> columns) {
        fields = new Field[columns.size()];
        for (int i = 0; i < fields.length; i++) {
            fields[i] = field(columns.get(i).type());
        }
    }

    /** Writes the current row's fields (result columns 1..n) into the open row of {@code out}. */
    void write(ResultSet rs, CsvRows out) throws SQLException {
        for (int i = 0; i < fields.length; i++) {
            fields[i].write(rs, i + 1, out);
        }
    }

    private static Field field(SourceType type) {
        return switch (type.family()) {
            case BOOLEAN -> (rs, i, out) -> {
                boolean v = rs.getBoolean(i);
                out.raw(rs.wasNull() ? null : v ? "1" : "0");
            };
            case SMALLINT, INTEGER, BIGINT -> (rs, i, out) -> {
                long v = rs.getLong(i);
                if (rs.wasNull()) {
                    out.nullField();
                } else {
                    out.number(v);
                }
            };
            case DECIMAL -> (rs, i, out) -> {
                BigDecimal v = rs.getBigDecimal(i);
                out.raw(v == null ? null : v.toPlainString());
            };
            // the driver's text of the value: the shortest form that reads back as the same double
            case DOUBLE -> (rs, i, out) -> out.raw(rs.getString(i));
            case VARCHAR, TEXT, JSON -> (rs, i, out) -> out.text(rs.getString(i));
            case DATE -> (rs, i, out) -> {
                LocalDate v = rs.getObject(i, LocalDate.class);
                out.raw(v == null ? null : v.toString());
            };
            case TIMESTAMP -> (rs, i, out) -> {
                LocalDateTime v = rs.getObject(i, LocalDateTime.class);
                out.raw(v == null ? null : timestamp(v));
            };
            case TIMESTAMPTZ -> (rs, i, out) -> {
                OffsetDateTime v = rs.getObject(i, OffsetDateTime.class);
                out.raw(v == null ? null : timestamp(v.withOffsetSameInstant(ZoneOffset.UTC).toLocalDateTime()) + "Z");
            };
            case BYTES -> (rs, i, out) -> {
                byte[] v = rs.getBytes(i);
                out.raw(v == null ? null : "\\x" + HEX.formatHex(v));
            };
        };
    }

    /** {@code 2024-01-31T12:00:00.123456}: ISO, always with microseconds, so equal values print equal. */
    static String timestamp(LocalDateTime t) {
        StringBuilder sb = new StringBuilder(26);
        int year = t.getYear();
        if (year < 1000) {
            sb.append(year < 10 ? "000" : year < 100 ? "00" : "0");
        }
        sb.append(year).append('-');
        two(sb, t.getMonthValue()).append('-');
        two(sb, t.getDayOfMonth()).append('T');
        two(sb, t.getHour()).append(':');
        two(sb, t.getMinute()).append(':');
        two(sb, t.getSecond()).append('.');
        String micros = Integer.toString(t.getNano() / 1000);
        sb.append("000000", 0, 6 - micros.length()).append(micros);
        return sb.toString();
    }

    private static StringBuilder two(StringBuilder sb, int v) {
        return (v < 10 ? sb.append('0') : sb).append(v);
    }

    /**
     * The cursor value of the current row, typed so that values compare as the source compares
     * them: a {@code Long}, {@code BigDecimal}, {@code LocalDate}, {@code LocalDateTime} or
     * {@code Instant}; null for SQL NULL.
     */
    static Comparable<?> cursorValue(ResultSet rs, int column, SourceType type) throws SQLException {
        return switch (type.family()) {
            case SMALLINT, INTEGER, BIGINT -> {
                long v = rs.getLong(column);
                yield rs.wasNull() ? null : v;
            }
            case DECIMAL -> rs.getBigDecimal(column);
            case DATE -> rs.getObject(column, LocalDate.class);
            case TIMESTAMP -> rs.getObject(column, LocalDateTime.class);
            case TIMESTAMPTZ -> {
                OffsetDateTime v = rs.getObject(column, OffsetDateTime.class);
                yield v == null ? null : v.toInstant();
            }
            default -> throw new IllegalArgumentException("not a cursor type: " + type);
        };
    }

    /** A cursor value as stored in its {@code CursorPosition} (ISO for times, plain digits for numbers). */
    static String cursorText(Comparable<?> value) {
        return value instanceof BigDecimal b ? b.toPlainString() : value.toString();
    }

    /** Reads {@link #cursorText} back. */
    static Comparable<?> parseCursor(String text, SourceType type) {
        return switch (type.family()) {
            case SMALLINT, INTEGER, BIGINT -> Long.parseLong(text);
            case DECIMAL -> new BigDecimal(text);
            case DATE -> LocalDate.parse(text);
            case TIMESTAMP -> LocalDateTime.parse(text);
            case TIMESTAMPTZ -> Instant.parse(text);
            default -> throw new IllegalArgumentException("not a cursor type: " + type);
        };
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    static int compare(Comparable<?> a, Comparable<?> b) {
        return ((Comparable) a).compareTo(b);
    }
}
