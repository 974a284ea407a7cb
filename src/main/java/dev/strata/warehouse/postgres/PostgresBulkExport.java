package dev.strata.warehouse.postgres;

import dev.strata.warehouse.BulkExport;
import dev.strata.warehouse.SourceType;
import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyOut;

/**
 * {@code COPY (SELECT …) TO STDOUT (FORMAT csv)} through PgJDBC's {@code CopyManager}: the server
 * formats the rows itself and PgJDBC hands over one row per {@code CopyData} message, so no
 * value is parsed on the way — the fast path of a PostgreSQL snapshot.
 *
 * <p>PostgreSQL's CSV is the landing CSV once the session prints in ISO dates and UTC
 * ({@code DateStyle}, {@code TimeZone}, set for the export's transaction only) and booleans are
 * cast to {@code 1}/{@code 0} (COPY prints {@code t}/{@code f}); text is quoted only where needed,
 * an empty string as {@code ""}, NULL as an empty field, {@code bytea} as {@code \x} hex.
 */
final class PostgresBulkExport implements BulkExport {
    @Override
    public long export(Connection source, String from, List<Column> columns, RowSink sink) throws SQLException, IOException {
        StringBuilder select = new StringBuilder("SELECT ");
        for (int i = 0; i < columns.size(); i++) {
            Column c = columns.get(i);
            String q = quoteSourceName(c.name());
            select.append(i == 0 ? "" : ", ")
                    .append(c.type().family() == SourceType.Family.BOOLEAN ? "CAST(" + q + " AS integer)" : q);
        }
        select.append(" FROM ").append(from);
        boolean auto = source.getAutoCommit();
        source.setAutoCommit(false);
        try {
            try (Statement s = source.createStatement()) {
                s.execute("SET LOCAL DateStyle = 'ISO, YMD'");
                s.execute("SET LOCAL TimeZone = 'UTC'");
                s.execute("SET LOCAL IntervalStyle = 'iso_8601'");
                s.execute("SET LOCAL bytea_output = 'hex'");
                s.execute("SET LOCAL extra_float_digits = 1");
            }
            CopyOut out = source.unwrap(PGConnection.class).getCopyAPI()
                    .copyOut("COPY (" + select + ") TO STDOUT (FORMAT csv)");
            long rows = 0;
            try {
                byte[] line;
                while ((line = out.readFromCopy()) != null) {
                    sink.row(line);
                    rows++;
                }
            } finally {
                if (out.isActive()) {
                    out.cancelCopy();
                }
            }
            source.commit();
            return rows;
        } catch (SQLException | IOException | RuntimeException e) {
            try {
                source.rollback();
            } catch (SQLException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        } finally {
            source.setAutoCommit(auto);
        }
    }

    /** Source column names come from the source's own metadata: any text, its quotes doubled. */
    private static String quoteSourceName(String name) {
        if (name.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("a column name cannot contain a NUL character");
        }
        return "\"" + name.replace("\"", "\"\"") + "\"";
    }
}
