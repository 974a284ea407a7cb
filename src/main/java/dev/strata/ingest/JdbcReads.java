package dev.strata.ingest;

import dev.strata.config.BatchConfig;
import dev.strata.warehouse.BulkExport;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executor;

/**
 * The two ways a {@code jdbc} source's rows are read into {@link RowChunks}: the source database's
 * bulk export when it has one (a snapshot of a PostgreSQL table is a {@code COPY … TO STDOUT}),
 * else a streamed JDBC result set ({@code setFetchSize}, forward-only, read-only) encoded by
 * {@link RowEncoder}. A chunk closes at {@code batch.max_records} rows or {@code batch.max_bytes}.
 */
final class JdbcReads {
    private JdbcReads() {
    }

    /** The source connection's abort, as a {@link RowChunks} canceller. */
    static Runnable aborting(Connection c) {
        return () -> {
            try {
                Executor direct = Runnable::run;
                c.abort(direct);
            } catch (SQLException ignored) {
                // already closed
            }
        };
    }

    /** A snapshot's rows: every row of the relation, in the order the source returns them. */
    static RowChunks.Reader snapshot(JdbcSource source, Connection src, List<LandedColumn> columns, BatchConfig batch) {
        Optional<BulkExport> export = source.reads().bulkExport();
        return out -> {
            out.onCancel(aborting(src));
            if (export.isPresent()) {
                Filler f = new Filler(out, batch);
                export.get().export(src, source.from(src),
                        columns.stream().map(c -> new BulkExport.Column(c.name(), c.type())).toList(), line -> {
                            try {
                                f.rows.line(line);
                                f.maybeFlush(null);
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                                throw new java.io.InterruptedIOException("the loader stopped");
                            }
                        });
                f.flush(null);
                return;
            }
            String select = "SELECT " + columnList(src, columns) + " FROM " + source.from(src);
            RowEncoder encoder = new RowEncoder(columns);
            try (Statement s = src.createStatement(ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_READ_ONLY)) {
                s.setFetchSize(source.spec().fetchSize());
                try (ResultSet rs = s.executeQuery(select)) {
                    Filler f = new Filler(out, batch);
                    while (rs.next()) {
                        f.rows.beginRow();
                        encoder.write(rs, f.rows);
                        f.rows.endRow();
                        f.maybeFlush(null);
                    }
                    f.flush(null);
                }
            }
            src.commit();
        };
    }

    static String columnList(Connection src, List<LandedColumn> columns) throws SQLException {
        StringBuilder sb = new StringBuilder();
        for (LandedColumn c : columns) {
            sb.append(sb.length() == 0 ? "" : ", ").append(JdbcSource.quote(src, c.name()));
        }
        return sb.toString();
    }

    /** Fills chunks and hands them over when full. */
    static final class Filler {
        private final RowChunks out;
        private final BatchConfig batch;
        CsvRows rows;

        Filler(RowChunks out, BatchConfig batch) {
            this.out = out;
            this.batch = batch;
            this.rows = newRows(batch);
        }

        private static CsvRows newRows(BatchConfig batch) {
            return new CsvRows((int) Math.min(batch.maxBytes(), 1 << 20));
        }

        boolean full() {
            return rows.rowCount() >= batch.maxRecords() || rows.byteSize() >= batch.maxBytes();
        }

        void maybeFlush(Comparable<?> lastCursor) throws InterruptedException {
            if (full()) {
                flush(lastCursor);
            }
        }

        void flush(Comparable<?> lastCursor) throws InterruptedException {
            if (rows.rowCount() > 0) {
                out.put(new RowChunks.Chunk(rows, lastCursor));
                rows = newRows(batch);
            }
        }
    }
}
