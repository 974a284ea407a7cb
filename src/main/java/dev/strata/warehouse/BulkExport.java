package dev.strata.warehouse;

import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/**
 * Capability of a database read as a source: its own bulk path out — PostgreSQL's
 * {@code COPY (SELECT …) TO STDOUT} — which a snapshot of a whole table uses instead of a JDBC
 * result set when the source database offers it (docs/performance.md, {@code strata bench jdbc}).
 *
 * <p>The guarantee: every row of {@code SELECT <columns> FROM <from>} is handed to the sink once,
 * as one line of the landing CSV that every warehouse's {@link BulkLoad} reads (the field forms
 * are listed there; the exporter converts what its database prints otherwise), ending in
 * {@code \n}, with the columns in the given order; or it throws. The rows come from one
 * statement, so they are one consistent read of the source.
 */
public interface BulkExport {
    /** A column to export: its name as the source spells it, and the type it lands as. */
    record Column(String name, SourceType type) {
    }

    /** Receives the exported rows, one CSV line each; may block to hold the exporter back. */
    @FunctionalInterface
    interface RowSink {
        void row(byte[] line) throws IOException;
    }

    /**
     * Exports the rows. {@code from} is a quoted relation or a parenthesised query with an alias,
     * as SQL of the source; columns are quoted by the exporter. Returns the number of rows.
     */
    long export(Connection source, String from, List<Column> columns, RowSink sink) throws SQLException, IOException;
}
