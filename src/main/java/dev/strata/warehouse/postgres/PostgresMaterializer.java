package dev.strata.warehouse.postgres;

import dev.strata.warehouse.Catalog;
import dev.strata.warehouse.Locks;
import dev.strata.warehouse.SqlDialect;
import dev.strata.warehouse.TransactionalDdlMaterializer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;

/**
 * PostgreSQL has transactional DDL, so the shared {@link TransactionalDdlMaterializer} keeps the
 * contract; this adds PostgreSQL's cheaper forms: the select staged as a temporary view (creating
 * it runs nothing, and it names the columns), the rows inserted and checked in one pass through a
 * data-modifying CTE, and temporary tables dropped at commit.
 */
final class PostgresMaterializer extends TransactionalDdlMaterializer {
    private static final String BUILD_VIEW = "strata_build_view";

    PostgresMaterializer(SqlDialect sql, Locks locks, Catalog catalog) {
        super(sql, locks, catalog);
    }

    @Override
    protected String stage(Connection c, String select) throws SQLException {
        exec(c, "CREATE TEMPORARY VIEW " + sql.quote(BUILD_VIEW) + " AS " + select);
        return sql.quote(BUILD_VIEW);
    }

    @Override
    protected void unstage(Connection c, String source) throws SQLException {
        exec(c, "DROP VIEW " + source);
    }

    @Override
    protected IntervalWrite insertCounting(Connection c, String table, List<String> quotedColumns, String source,
                                           String quotedTimeColumn, Instant start, Instant end) throws SQLException {
        String cols = String.join(", ", quotedColumns);
        // A data-modifying CTE: the inserted rows' time column comes back through RETURNING, so the
        // rows are produced and written once and checked without being read again.
        String insert = "WITH strata_inserted AS (INSERT INTO " + table + " (" + cols + ") SELECT " + cols + " FROM " + source
                + " RETURNING " + quotedTimeColumn + ") SELECT count(*), count(*) FILTER (WHERE " + quotedTimeColumn
                + " IS NULL OR NOT (" + quotedTimeColumn + " >= ? AND " + quotedTimeColumn + " < ?)) FROM strata_inserted";
        try (PreparedStatement ins = c.prepareStatement(insert)) {
            bindInterval(ins, start, end, 1);
            try (ResultSet rs = ins.executeQuery()) {
                rs.next();
                return new IntervalWrite(rs.getLong(1), rs.getLong(2));
            }
        }
    }

    @Override
    protected String tempTableAs(String table, String select) {
        return "CREATE TEMPORARY TABLE " + sql.quote(table) + " ON COMMIT DROP AS " + select;
    }
}
