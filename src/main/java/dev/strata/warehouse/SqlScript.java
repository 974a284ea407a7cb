package dev.strata.warehouse;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;

/**
 * SQL statements that together perform one operation, run in order on one connection in the
 * caller's transaction: the operation's bind parameters go to the statement at index
 * {@code parameterized}, and its result — a count — is the sum over the statements at
 * {@code counted} of each one's single-row result, or its update count. On PostgreSQL such an operation is usually one
 * statement; a warehouse that cannot write two tables from one query spells it as several
 * (stage into a scratch table, write from it twice). {@link #statements} is also what
 * {@code strata plan} prints.
 */
public record SqlScript(List<String> statements, int parameterized, List<Integer> counted) {
    public SqlScript {
        statements = List.copyOf(statements);
        counted = List.copyOf(counted);
        int size = statements.size();
        if (parameterized < 0 || parameterized >= size || counted.stream().anyMatch(i -> i < 0 || i >= size)) {
            throw new IllegalArgumentException("statement index out of range");
        }
    }

    /** Statements of which one is counted. */
    public SqlScript(List<String> statements, int parameterized, int counted) {
        this(statements, parameterized, List.of(counted));
    }

    /** One statement that takes the parameters and yields the count. */
    public static SqlScript of(String statement) {
        return new SqlScript(List.of(statement), 0, 0);
    }

    /** Runs the statements in order; returns the count. */
    public long run(Connection c, List<Object> parameters) throws SQLException {
        long result = 0;
        for (int i = 0; i < statements.size(); i++) {
            try (PreparedStatement ps = c.prepareStatement(statements.get(i))) {
                if (i == parameterized) {
                    int p = 1;
                    for (Object value : parameters) {
                        ps.setObject(p++, value);
                    }
                }
                long n;
                if (ps.execute()) {
                    try (ResultSet rs = ps.getResultSet()) {
                        n = rs.next() ? rs.getLong(1) : 0;
                    }
                } else {
                    n = Math.max(0, ps.getLargeUpdateCount());
                }
                if (counted.contains(i)) {
                    result += n;
                }
            }
        }
        return result;
    }
}
