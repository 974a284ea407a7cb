package dev.strata.warehouse.mariadb;

import dev.strata.warehouse.SqlDialect;
import dev.strata.warehouse.StgSequences;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * MariaDB {@code SEQUENCE}s with {@code NOCACHE}: a cached sequence (the default, 1000 values) hands
 * a session's block out after newer values committed and loses the unused rest on restart;
 * without a cache, values come in draw order, and drawing under the STG table's lock until commit
 * makes that commit order (MariaDbSequenceIT). {@code NEXTVAL} and {@code SETVAL} are not undone by
 * a rollback, which leaves gaps, as the contract allows.
 */
final class MariaDbSequences implements StgSequences {
    private final SqlDialect sql;

    MariaDbSequences(SqlDialect sql) {
        this.sql = sql;
    }

    @Override
    public List<String> createStatements(String schema, String name) {
        return List.of("CREATE SEQUENCE IF NOT EXISTS " + sql.qualified(schema, name) + " NOCACHE");
    }

    @Override
    public List<String> dropStatements(String schema, String name) {
        return List.of("DROP SEQUENCE IF EXISTS " + sql.qualified(schema, name));
    }

    @Override
    public String nextValue(String schema, String name) {
        return "NEXTVAL(" + sql.qualified(schema, name) + ")";
    }

    /** NEXTVAL, then SETVAL to the block's last value (SETVAL takes a literal only, no expression or parameter). */
    @Override
    public long reserve(Connection connection, String schema, String name, int count) throws SQLException {
        String seq = sql.qualified(schema, name);
        try (Statement s = connection.createStatement()) {
            long first;
            try (ResultSet rs = s.executeQuery("SELECT NEXTVAL(" + seq + ")")) {
                rs.next();
                first = rs.getLong(1);
            }
            if (count > 1) {
                s.execute("SELECT SETVAL(" + seq + ", " + (first + count - 1) + ")");
            }
            return first;
        }
    }

    @Override
    public long next(Connection connection, String schema, String name) throws SQLException {
        try (Statement s = connection.createStatement();
             ResultSet rs = s.executeQuery("SELECT NEXTVAL(" + sql.qualified(schema, name) + ")")) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
