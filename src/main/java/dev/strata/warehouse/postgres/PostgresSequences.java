package dev.strata.warehouse.postgres;

import dev.strata.warehouse.SqlDialect;
import dev.strata.warehouse.StgSequences;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * PostgreSQL sequences. {@code CACHE 1} (the default, stated) is what makes sequence order commit
 * order under the STG lock: a per-session cache would hand out older numbers after newer ones had
 * committed.
 */
final class PostgresSequences implements StgSequences {
    private final SqlDialect sql;

    PostgresSequences(SqlDialect sql) {
        this.sql = sql;
    }

    @Override
    public List<String> createStatements(String schema, String name) {
        return List.of("CREATE SEQUENCE IF NOT EXISTS " + sql.qualified(schema, name) + " CACHE 1");
    }

    @Override
    public List<String> dropStatements(String schema, String name) {
        return List.of("DROP SEQUENCE IF EXISTS " + sql.qualified(schema, name));
    }

    @Override
    public String nextValue(String schema, String name) {
        return "nextval(" + sql.literal(sql.qualified(schema, name)) + ")";
    }

    @Override
    public long reserve(Connection connection, String schema, String name, int count) throws SQLException {
        String seq = sql.literal(sql.qualified(schema, name));
        try (PreparedStatement ps = connection.prepareStatement("SELECT setval(" + seq + ", nextval(" + seq + ") + ? - 1)")) {
            ps.setLong(1, count);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1) - count + 1;
            }
        }
    }

    @Override
    public long next(Connection connection, String schema, String name) throws SQLException {
        try (Statement s = connection.createStatement();
             ResultSet rs = s.executeQuery("SELECT nextval(" + sql.literal(schema + "." + name) + ")")) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
