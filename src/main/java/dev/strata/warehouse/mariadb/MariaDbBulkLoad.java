package dev.strata.warehouse.mariadb;

import dev.strata.warehouse.BulkLoad;
import dev.strata.warehouse.SqlDialect;
import java.io.InputStream;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.SQLWarning;
import java.sql.Savepoint;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@code LOAD DATA LOCAL INFILE} from the caller's stream (Connector/J's
 * {@code setLocalInfileInputStream}; the connection has {@code allowLocalInfile}), chosen over
 * multi-row {@code INSERT}s because it is faster (docs/performance.md) and keeps the guarantee once
 * its warnings are read: with LOCAL the server cannot stop the client's stream, so it reports a
 * duplicate key (1062) or a bad value (a JSON CHECK, a truncated date) as a <i>warning</i> and skips
 * or alters the row (MariaDbBulkLoadIT). So every load is followed by its warnings: any warning
 * makes {@link #load} throw (the caller rolls back the partial load, as the contract says), and
 * {@link #loadUnlessConflict} undoes the load to a savepoint, answering false when every warning was
 * a duplicate key. The CSV is rewritten on the way for {@code LOAD DATA} ({@link LoadDataCsv}).
 */
final class MariaDbBulkLoad implements BulkLoad {
    @Override
    public String describe() {
        return "LOAD DATA LOCAL INFILE";
    }

    static final int DUPLICATE_KEY = 1062;
    private final SqlDialect sql;
    /** Per table and column list: which fields are timestamps (read once; a table's columns do not change type under Strata). */
    private final Map<String, boolean[]> timestampFields = new ConcurrentHashMap<>();

    MariaDbBulkLoad(SqlDialect sql) {
        this.sql = sql;
    }

    @Override
    public long load(Connection connection, String qualifiedTable, List<String> columns, InputStream csv) throws SQLException {
        Loaded loaded = loadData(connection, qualifiedTable, columns, csv);
        if (loaded.problem != null) {
            throw loaded.problem;
        }
        return loaded.rows;
    }

    @Override
    public boolean loadUnlessConflict(Connection connection, String qualifiedTable, List<String> columns, InputStream csv)
            throws SQLException {
        Savepoint sp = connection.setSavepoint();
        Loaded loaded;
        try {
            loaded = loadData(connection, qualifiedTable, columns, csv);
        } catch (SQLException | RuntimeException e) {
            connection.rollback(sp);
            throw e;
        }
        if (loaded.problem == null) {
            connection.releaseSavepoint(sp);
            return true;
        }
        connection.rollback(sp);
        if (loaded.onlyDuplicates) {
            return false;
        }
        throw loaded.problem;
    }

    /** What a LOAD DATA did: the rows it reports, and the warnings as an exception (null when there were none). */
    private record Loaded(long rows, SQLException problem, boolean onlyDuplicates) {
    }

    private Loaded loadData(Connection c, String table, List<String> columns, InputStream csv) throws SQLException {
        StringBuilder cols = new StringBuilder();
        for (String col : columns) {
            cols.append(cols.length() == 0 ? "" : ", ").append(sql.quote(col));
        }
        String load = "LOAD DATA LOCAL INFILE 'strata.csv' INTO TABLE " + table + " CHARACTER SET utf8mb4"
                + " FIELDS TERMINATED BY ',' OPTIONALLY ENCLOSED BY '\"' ESCAPED BY '' LINES TERMINATED BY '\\n' (" + cols + ")";
        LoadDataCsv stream = new LoadDataCsv(csv, timestampFields(c, table, columns));
        try (Statement s = c.createStatement()) {
            s.unwrap(org.mariadb.jdbc.Statement.class).setLocalInfileInputStream(stream);
            long rows = s.executeLargeUpdate(load);
            SQLWarning first = s.getWarnings();
            if (first == null && rows == stream.rows()) {
                return new Loaded(rows, null, false);
            }
            boolean onlyDuplicates = first != null;
            List<String> messages = new ArrayList<>();
            for (SQLWarning w = first; w != null; w = w.getNextWarning()) {
                onlyDuplicates &= w.getErrorCode() == DUPLICATE_KEY;
                if (messages.size() < 3) {
                    messages.add(w.getMessage());
                }
            }
            if (first == null) {
                return new Loaded(rows, new SQLException("LOAD DATA into " + table + " stored " + rows + " of "
                        + stream.rows() + " rows without saying why", "22000"), false);
            }
            // the states SqlErrors reads: 23000 + 1062 for a duplicate key, a data exception (22) otherwise
            String state = onlyDuplicates ? "23000" : "22000";
            int code = onlyDuplicates ? DUPLICATE_KEY : first.getErrorCode();
            return new Loaded(rows, new SQLException("loading into " + table + " failed: " + String.join("; ", messages),
                    state, code), onlyDuplicates);
        }
    }

    private boolean[] timestampFields(Connection c, String table, List<String> columns) throws SQLException {
        String key = table + "|" + String.join(",", columns);
        boolean[] known = timestampFields.get(key);
        if (known != null) {
            return known;
        }
        StringBuilder cols = new StringBuilder();
        for (String col : columns) {
            cols.append(cols.length() == 0 ? "" : ", ").append(sql.quote(col));
        }
        boolean[] out = new boolean[columns.size()];
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT " + cols + " FROM " + table + " LIMIT 0")) {
            ResultSetMetaData md = rs.getMetaData();
            for (int i = 0; i < out.length; i++) {
                int type = md.getColumnType(i + 1);
                out[i] = type == Types.TIMESTAMP || type == Types.TIMESTAMP_WITH_TIMEZONE;
            }
        }
        timestampFields.put(key, out);
        return out;
    }
}
