package dev.strata.ingest;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.util.Arrays;

/**
 * Rows encoded as CSV (RFC 4180, UTF-8, no header) for a bulk {@code COPY}, built in one growing
 * byte array. Every text field is quoted, so an empty string stays distinct from NULL (an unquoted
 * empty field) and no line can be read as COPY's end-of-data marker. Row boundaries are kept so
 * that any run of rows can be sent on its own (to isolate a row the warehouse refuses).
 * Not thread-safe.
 */
final class CsvRows {
    private byte[] buf;
    private int len;
    private int[] rowStarts = new int[256];
    private int rows;
    private boolean rowOpen;
    private boolean firstField;

    CsvRows(int initialBytes) {
        buf = new byte[Math.max(initialBytes, 1024)];
    }

    /** Empties the buffer, keeping its capacity, so a lander reuses it for a later batch. */
    CsvRows reset() {
        len = 0;
        rows = 0;
        rowOpen = false;
        return this;
    }

    int rowCount() {
        return rows;
    }

    int byteSize() {
        return len;
    }

    CsvRows beginRow() {
        if (rows == rowStarts.length) {
            rowStarts = Arrays.copyOf(rowStarts, rows * 2);
        }
        rowStarts[rows] = len;
        rowOpen = true;
        firstField = true;
        return this;
    }

    void endRow() {
        put((byte) '\n');
        rows++;
        rowOpen = false;
    }

    private void separator() {
        if (!firstField) {
            put((byte) ',');
        }
        firstField = false;
    }

    CsvRows nullField() {
        separator();
        return this;
    }

    CsvRows number(long v) {
        separator();
        ascii(Long.toString(v));
        return this;
    }

    /**
     * A field written as it is, unquoted: a number, a date or a time in the landing CSV's form
     * ({@code BulkLoad}), which never holds a comma, a quote or a line break. NULL when null.
     */
    CsvRows raw(String ascii) {
        separator();
        if (ascii != null) {
            ascii(ascii);
        }
        return this;
    }

    /**
     * A whole row already encoded as landing CSV (as a source database's bulk export prints it),
     * with or without its final line break.
     */
    CsvRows line(byte[] row) {
        beginRow();
        int n = row.length > 0 && row[row.length - 1] == '\n' ? row.length - 1 : row.length;
        ensure(n);
        System.arraycopy(row, 0, buf, len, n);
        len += n;
        endRow();
        return this;
    }

    /** Feeds the bytes of the row being written, so far, to {@code digest} (a row hash). */
    void digestOpenRow(java.security.MessageDigest digest) {
        if (!rowOpen) {
            throw new IllegalStateException("no row is open");
        }
        digest.update(buf, rowStarts[rows], len - rowStarts[rows]);
    }

    /** A text field, or NULL when {@code s} is null. */
    CsvRows text(String s) {
        separator();
        if (s == null) {
            return this;
        }
        ensure(s.length() * 3 + 2);
        buf[len++] = '"';
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                if (c == '"') {
                    buf[len++] = '"';
                }
                buf[len++] = (byte) c;
            } else if (c < 0x800) {
                buf[len++] = (byte) (0xC0 | (c >> 6));
                buf[len++] = (byte) (0x80 | (c & 0x3F));
            } else if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                int cp = Character.toCodePoint(c, s.charAt(++i));
                buf[len++] = (byte) (0xF0 | (cp >> 18));
                buf[len++] = (byte) (0x80 | ((cp >> 12) & 0x3F));
                buf[len++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
                buf[len++] = (byte) (0x80 | (cp & 0x3F));
            } else {
                buf[len++] = (byte) (0xE0 | (c >> 12));
                buf[len++] = (byte) (0x80 | ((c >> 6) & 0x3F));
                buf[len++] = (byte) (0x80 | (c & 0x3F));
            }
        }
        buf[len++] = '"';
        return this;
    }

    /** A text field from bytes already known to be valid UTF-8 (a record's value). */
    CsvRows utf8(byte[] b) {
        return utf8(b, 0, b.length);
    }

    /** A text field from {@code b[off, off + length)}, known to be valid UTF-8. */
    CsvRows utf8(byte[] b, int off, int length) {
        separator();
        int endAt = off + length;
        ensure(length + 2);
        buf[len++] = '"';
        int from = off;
        for (int i = off; i < endAt; i++) {
            if (b[i] == '"') {
                int n = i + 1 - from;
                ensure(n + 1 + (endAt - i) + 1);
                System.arraycopy(b, from, buf, len, n);
                len += n;
                buf[len++] = '"';
                from = i + 1;
            }
        }
        int n = endAt - from;
        ensure(n + 1);
        System.arraycopy(b, from, buf, len, n);
        len += n;
        buf[len++] = '"';
        return this;
    }

    /** Removes the first {@code k} rows, keeping the rest in order (a lander keeps rows past its commit point). */
    void dropFirst(int k) {
        if (rowOpen) {
            throw new IllegalStateException("a row is still open");
        }
        if (k <= 0) {
            return;
        }
        if (k >= rows) {
            reset();
            return;
        }
        int cut = rowStarts[k];
        System.arraycopy(buf, cut, buf, 0, len - cut);
        len -= cut;
        for (int i = k; i < rows; i++) {
            rowStarts[i - k] = rowStarts[i] - cut;
        }
        rows -= k;
    }

    /**
     * Moves the first {@code k} rows into {@code target} (emptied first), keeping the rest here in
     * order: a lander hands the rows up to its commit point to its writer thread and goes on
     * appending after them.
     */
    void moveFirstTo(int k, CsvRows target) {
        if (rowOpen) {
            throw new IllegalStateException("a row is still open");
        }
        target.reset();
        k = Math.min(k, rows);
        if (k <= 0) {
            return;
        }
        int cut = k >= rows ? len : rowStarts[k];
        target.ensure(cut);
        System.arraycopy(buf, 0, target.buf, 0, cut);
        target.len = cut;
        if (target.rowStarts.length < k) {
            target.rowStarts = new int[Math.max(k, target.rowStarts.length * 2)];
        }
        System.arraycopy(rowStarts, 0, target.rowStarts, 0, k);
        target.rows = k;
        dropFirst(k);
    }

    private void ascii(String s) {
        ensure(s.length());
        for (int i = 0; i < s.length(); i++) {
            buf[len++] = (byte) s.charAt(i);
        }
    }

    private void put(byte b) {
        ensure(1);
        buf[len++] = b;
    }

    private void ensure(int more) {
        if (len + more > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + more));
        }
    }

    /**
     * Rows {@code [from, to)} for a COPY straight into the STG table: each row gets its sequence
     * number ({@code firstSeq}, {@code firstSeq + 1}, ...) in front and {@code batchId} at the end.
     */
    InputStream framed(int from, int to, long firstSeq, long batchId) {
        return framed(from, to, firstSeq, ("," + batchId + "\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    }

    /**
     * Rows {@code [from, to)}, each with its sequence number in front and {@code suffix} (the
     * fields after the row's own, then the line break) at its end.
     */
    InputStream framed(int from, int to, long firstSeq, byte[] suffix) {
        if (rowOpen) {
            throw new IllegalStateException("a row is still open");
        }
        return new InputStream() {
            private int row = from;
            private byte[] prefix = new byte[0];
            private int part;      // 0: prefix, 1: row body, 2: suffix
            private int pos;
            private int bodyEnd;

            private boolean next() {
                if (row >= to) {
                    return false;
                }
                prefix = ((firstSeq + row - from) + ",").getBytes(java.nio.charset.StandardCharsets.US_ASCII);
                pos = 0;
                part = 0;
                bodyEnd = (row + 1 == rows ? len : rowStarts[row + 1]) - 1;   // without its newline
                return true;
            }

            {
                if (!next()) {
                    part = 3;
                }
            }

            @Override
            public int read() {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            /** Fills as much of {@code b} as it can: each return becomes one COPY data message. */
            @Override
            public int read(byte[] b, int off, int n) {
                int done = 0;
                while (done < n && part != 3) {
                    if (part == 0) {
                        if (pos < prefix.length) {
                            int k = Math.min(n - done, prefix.length - pos);
                            System.arraycopy(prefix, pos, b, off + done, k);
                            pos += k;
                            done += k;
                            continue;
                        }
                        part = 1;
                        pos = rowStarts[row];
                    }
                    if (part == 1) {
                        if (pos < bodyEnd) {
                            int k = Math.min(n - done, bodyEnd - pos);
                            System.arraycopy(buf, pos, b, off + done, k);
                            pos += k;
                            done += k;
                            continue;
                        }
                        part = 2;
                        pos = 0;
                    }
                    if (pos < suffix.length) {
                        int k = Math.min(n - done, suffix.length - pos);
                        System.arraycopy(suffix, pos, b, off + done, k);
                        pos += k;
                        done += k;
                        continue;
                    }
                    row++;
                    if (!next()) {
                        part = 3;
                    }
                }
                return done == 0 && part == 3 ? -1 : done;
            }
        };
    }

    /** The bytes of field {@code index} of a row, unquoted; null for a NULL (unquoted empty) field. */
    byte[] field(int row, int index) {
        int end = row + 1 == rows ? len : rowStarts[row + 1];
        int i = rowStarts[row];
        for (int f = 0; ; f++) {
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            boolean quoted = i < end && buf[i] == '"';
            if (quoted) {
                i++;
                while (true) {
                    if (buf[i] == '"') {
                        if (i + 1 < end && buf[i + 1] == '"') {
                            out.write('"');
                            i += 2;
                            continue;
                        }
                        i++;
                        break;
                    }
                    out.write(buf[i++]);
                }
            } else {
                while (i < end && buf[i] != ',' && buf[i] != '\n') {
                    out.write(buf[i++]);
                }
            }
            if (f == index) {
                return !quoted && out.size() == 0 ? null : out.toByteArray();
            }
            if (i >= end || buf[i] == '\n') {
                throw new IndexOutOfBoundsException("row " + row + " has no field " + index);
            }
            i++;   // the comma
        }
    }

    /** Rows {@code [from, to)} as a stream for COPY. */
    InputStream rows(int from, int to) {
        if (rowOpen) {
            throw new IllegalStateException("a row is still open");
        }
        int start = from == rows ? len : rowStarts[from];
        int end = to == rows ? len : rowStarts[to];
        return new ByteArrayInputStream(buf, start, end - start);
    }
}
