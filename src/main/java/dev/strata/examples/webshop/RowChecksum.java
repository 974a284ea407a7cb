package dev.strata.examples.webshop;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.List;

/**
 * The checksum of scenario 003's acceptance 7 (and 16): MD5 over rows in key order, fields joined by
 * a tab and rows by a newline, decimals to 2 places, timestamps to seconds, NULL as {@code \N}.
 * The same text for a generated record field and for the value a JDBC driver returns for it, from
 * PostgreSQL or MariaDB, so that the generator's rows, the shop database and STG can be compared.
 */
final class RowChecksum {
    private static final DateTimeFormatter SECONDS = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");
    private final MessageDigest md5;
    private long rows;

    RowChecksum() {
        try {
            md5 = MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Adds one row of values. */
    RowChecksum add(List<?> values) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < values.size(); i++) {
            sb.append(i == 0 ? "" : "\t").append(text(values.get(i)));
        }
        md5.update(sb.append('\n').toString().getBytes(StandardCharsets.UTF_8));
        rows++;
        return this;
    }

    /** Adds every row of {@code rs} (in the order it returns them). */
    RowChecksum addAll(ResultSet rs) throws SQLException {
        int n = rs.getMetaData().getColumnCount();
        while (rs.next()) {
            Object[] v = new Object[n];
            for (int i = 0; i < n; i++) {
                v[i] = rs.getObject(i + 1);
            }
            add(java.util.Arrays.asList(v));
        }
        return this;
    }

    long rows() {
        return rows;
    }

    /** The digest so far, in hex, with the row count: {@code 5000 rows, md5 1a2b...}. */
    Sum sum() {
        return new Sum(rows, HexFormat.of().formatHex(md5.digest()));
    }

    record Sum(long rows, String md5) {
        @Override
        public String toString() {
            return String.format("%,d rows, md5 %s", rows, md5.substring(0, 12));
        }
    }

    static String text(Object v) {
        if (v == null) {
            return "\\N";
        }
        if (v instanceof BigDecimal b) {
            return b.setScale(2, RoundingMode.HALF_UP).toPlainString();
        }
        if (v instanceof Timestamp t) {
            return SECONDS.format(t.toLocalDateTime().truncatedTo(ChronoUnit.SECONDS));
        }
        if (v instanceof LocalDateTime t) {
            return SECONDS.format(t.truncatedTo(ChronoUnit.SECONDS));
        }
        if (v instanceof OffsetDateTime t) {
            return SECONDS.format(t.withOffsetSameInstant(ZoneOffset.UTC).toLocalDateTime().truncatedTo(ChronoUnit.SECONDS));
        }
        if (v instanceof Number n) {
            return Long.toString(n.longValue());
        }
        return v.toString();
    }
}
