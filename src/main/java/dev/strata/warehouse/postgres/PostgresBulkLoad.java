package dev.strata.warehouse.postgres;

import dev.strata.warehouse.BulkLoad;
import dev.strata.warehouse.SqlDialect;
import java.io.IOException;
import java.io.InputStream;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.util.List;
import org.postgresql.PGConnection;

/**
 * {@code COPY … FROM STDIN (FORMAT csv)} through PgJDBC's {@code CopyManager}. COPY aborts on the
 * first row that violates a unique key (and aborts the transaction with it), so
 * {@link #loadUnlessConflict} wraps it in a savepoint.
 */
final class PostgresBulkLoad implements BulkLoad {
    private final SqlDialect sql;

    PostgresBulkLoad(SqlDialect sql) {
        this.sql = sql;
    }

    @Override
    public long load(Connection connection, String qualifiedTable, List<String> columns, InputStream csv) throws SQLException {
        StringBuilder cols = new StringBuilder();
        for (String c : columns) {
            cols.append(cols.length() == 0 ? "" : ", ").append(sql.quote(c));
        }
        String copy = "COPY " + qualifiedTable + " (" + cols + ") FROM STDIN (FORMAT csv)";
        try {
            return connection.unwrap(PGConnection.class).getCopyAPI().copyIn(copy, csv);
        } catch (IOException e) {
            throw new SQLException("COPY into " + qualifiedTable + " failed while reading its input: " + e.getMessage(), "58030", e);
        }
    }

    @Override
    public boolean loadUnlessConflict(Connection connection, String qualifiedTable, List<String> columns, InputStream csv)
            throws SQLException {
        Savepoint sp = connection.setSavepoint();
        try {
            load(connection, qualifiedTable, columns, csv);
            connection.releaseSavepoint(sp);
            return true;
        } catch (SQLException e) {
            connection.rollback(sp);
            if (PostgresErrors.UNIQUE_VIOLATION.equals(e.getSQLState())) {
                return false;
            }
            throw e;
        }
    }
}
