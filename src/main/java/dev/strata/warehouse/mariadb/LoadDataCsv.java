package dev.strata.warehouse.mariadb;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;

/**
 * The {@link dev.strata.warehouse.BulkLoad} CSV (RFC 4180; an unquoted empty field is NULL; text
 * quoted; timestamps as ISO 8601 text with an offset) rewritten as it streams for MariaDB's
 * {@code LOAD DATA ... OPTIONALLY ENCLOSED BY '"' ESCAPED BY ''}, which differs in two ways
 * (MariaDbBulkLoadIT): an unquoted empty field is an empty string there, so NULL is written as the
 * bare word {@code NULL}; and a DATETIME column takes no offset, so the fields of timestamp columns
 * become their UTC wall-clock time ({@code 2024-01-01 09:00:00.123000}). Counts the rows it passed.
 */
final class LoadDataCsv extends InputStream {
    private static final byte[] NULL = "NULL".getBytes(StandardCharsets.US_ASCII);
    private final InputStream in;
    private final boolean[] timestampField;
    private final byte[] inBuf = new byte[64 * 1024];
    private byte[] out = new byte[80 * 1024];
    private int outStart;
    private int outEnd;
    private boolean eof;
    // parser state
    private int field;
    private boolean fieldStart = true;
    private boolean quoted;
    private boolean quotePending;
    private boolean capturing;
    private byte[] captured = new byte[64];
    private int capturedLen;
    private long rows;

    LoadDataCsv(InputStream in, boolean[] timestampField) {
        this.in = in;
        this.timestampField = timestampField;
    }

    /** Rows passed so far (all of them once the stream is read to its end). */
    long rows() {
        return rows;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        while (outStart == outEnd) {
            if (eof) {
                return -1;
            }
            fill();
        }
        int n = Math.min(len, outEnd - outStart);
        System.arraycopy(out, outStart, b, off, n);
        outStart += n;
        return n;
    }

    private void fill() throws IOException {
        outStart = 0;
        outEnd = 0;
        int n = in.read(inBuf);
        if (n < 0) {
            eof = true;
            finish();
            return;
        }
        for (int i = 0; i < n; i++) {
            accept(inBuf[i]);
        }
    }

    private void accept(byte b) {
        if (fieldStart) {
            fieldStart = false;
            if (b == ',' || b == '\n') {
                emit(NULL);
                separator(b);
            } else if (b == '"') {
                quoted = true;
                capturing = field < timestampField.length && timestampField[field];
                capturedLen = 0;
                if (!capturing) {
                    emit(b);
                }
            } else if (field < timestampField.length && timestampField[field]) {
                capturing = true;   // an unquoted timestamp (COPY's CSV needs no quotes there)
                capturedLen = 0;
                capture(b);
            } else {
                emit(b);
            }
            return;
        }
        if (quoted) {
            if (quotePending) {
                quotePending = false;
                if (b == '"') {   // a doubled quote: one quote of content
                    if (capturing) {
                        capture(b);
                    } else {
                        emit(b);
                        emit(b);
                    }
                    return;
                }
                closeQuoted();
                // b follows the closing quote: a separator
            } else if (b == '"') {
                quotePending = true;
                return;
            } else {
                if (capturing) {
                    capture(b);
                } else {
                    emit(b);
                }
                return;
            }
        }
        if (b == ',' || b == '\n') {
            if (capturing) {
                closeUnquoted();
            }
            separator(b);
        } else if (capturing) {
            capture(b);
        } else {
            emit(b);
        }
    }

    private void closeUnquoted() {
        capturing = false;
        emit(utc(new String(captured, 0, capturedLen, StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8));
    }

    private void separator(byte b) {
        emit(b);
        if (b == '\n') {
            rows++;
            field = 0;
        } else {
            field++;
        }
        fieldStart = true;
    }

    private void closeQuoted() {
        quoted = false;
        if (capturing) {
            capturing = false;
            emit((byte) '"');
            emit(utc(new String(captured, 0, capturedLen, StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8));
            emit((byte) '"');
        } else {
            emit((byte) '"');
        }
    }

    private void finish() {
        if (!(fieldStart && field == 0)) {
            rows++;   // a last line without its newline is a row too
        }
        if (capturing && !quoted) {
            closeUnquoted();
        } else if (quoted && quotePending) {
            quotePending = false;
            closeQuoted();
        } else if (fieldStart && field > 0) {
            emit(NULL);   // a last line without its newline, ending in an empty field
        }
    }

    /**
     * ISO 8601 with an offset (or {@code Z}) as UTC wall-clock time, microseconds rounded half up as
     * PostgreSQL rounds; without an offset it is UTC already; anything else is passed on, and the
     * load reports it as a bad value.
     */
    static String utc(String text) {
        LocalDateTime t;
        try {
            t = OffsetDateTime.parse(text).withOffsetSameInstant(ZoneOffset.UTC).toLocalDateTime();
        } catch (DateTimeParseException withoutOffset) {
            try {
                t = LocalDateTime.parse(text.replace(' ', 'T'));
            } catch (DateTimeParseException e) {
                return text;
            }
        }
        t = t.plusNanos(500).truncatedTo(ChronoUnit.MICROS);
        StringBuilder sb = new StringBuilder(26);
        pad(sb, t.getYear(), 4).append('-');
        pad(sb, t.getMonthValue(), 2).append('-');
        pad(sb, t.getDayOfMonth(), 2).append(' ');
        pad(sb, t.getHour(), 2).append(':');
        pad(sb, t.getMinute(), 2).append(':');
        pad(sb, t.getSecond(), 2).append('.');
        return pad(sb, t.getNano() / 1000, 6).toString();
    }

    private static StringBuilder pad(StringBuilder sb, int v, int width) {
        String s = Integer.toString(v);
        for (int i = s.length(); i < width; i++) {
            sb.append('0');
        }
        return sb.append(s);
    }

    private void capture(byte b) {
        if (capturedLen == captured.length) {
            captured = Arrays.copyOf(captured, captured.length * 2);
        }
        captured[capturedLen++] = b;
    }

    private void emit(byte b) {
        ensure(1);
        out[outEnd++] = b;
    }

    private void emit(byte[] bytes) {
        ensure(bytes.length);
        System.arraycopy(bytes, 0, out, outEnd, bytes.length);
        outEnd += bytes.length;
    }

    private void ensure(int more) {
        if (outEnd + more > out.length) {
            out = Arrays.copyOf(out, Math.max(out.length * 2, outEnd + more));
        }
    }
}
