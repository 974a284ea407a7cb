package dev.strata.warehouse.mariadb;

import dev.strata.ErrorCode;
import dev.strata.StrataException;
import dev.strata.warehouse.Catalog;
import dev.strata.warehouse.LockKeys;
import dev.strata.warehouse.Locks;
import dev.strata.warehouse.Materializer;
import dev.strata.warehouse.SqlDialect;
import dev.strata.warehouse.TransactionalDdlMaterializer;
import dev.strata.warehouse.Warehouse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The publish-outside path of the {@link Materializer} contract, for a warehouse whose every DDL
 * statement commits (MariaDbDdlIT): no DDL ever runs on the task's connection, whose transaction
 * holds the run's fence. A view or table mart is built under {@code <name>__strata_new} on a
 * connection of its own (unpooled, auto-commit), verified there (the unique key, the mart's checks),
 * and published with one {@code RENAME TABLE mart TO old, fresh TO mart} — atomic for readers, and
 * all or nothing — after which the old relation is dropped; the task transaction then records
 * success. A crash between the rename and that commit leaves a verified result whose run is
 * claimed again and rebuilt from the same inputs. The build holds the mart's lock around its DDL
 * ({@link Locks#lockAroundDdl}). Verification runs on the building connection, never the task's:
 * a read of the fresh table inside the task transaction would hold a metadata lock the rename waits
 * for until that transaction ends.
 *
 * <p>An incremental mart's first run creates the empty table and its time index the same way; every
 * interval's {@code DELETE} and {@code INSERT} then run on the task's connection, inside its
 * transaction. Rows outside the interval are counted as the rows inserted minus those of the
 * interval found afterwards (the interval was emptied in this transaction, and other intervals'
 * writers only commit rows inside their own), instead of a second pass over the select.
 */
final class MariaDbMaterializer implements Materializer {
    private static final String BUILD_TABLE = "strata_build";
    private final SqlDialect sql;
    private final Locks locks;
    private final Catalog catalog;

    MariaDbMaterializer(SqlDialect sql, Locks locks, Catalog catalog) {
        this.sql = sql;
        this.locks = locks;
        this.catalog = catalog;
    }

    /** Work on the building connection while the mart's lock is held. */
    @FunctionalInterface
    private interface Build<T> {
        T run(Connection ddl) throws SQLException;
    }

    private <T> T building(BuildContext context, String schema, String name, Build<T> build) throws SQLException {
        Warehouse w = context.warehouse();
        if (w == null) {
            throw new IllegalStateException("a MariaDB mart is built on a connection of its own: the context needs the warehouse");
        }
        try (Connection ddl = w.unpooledConnection()) {
            if (!catalog.schemaExists(ddl, schema)) {
                catalog.ensureSchema(ddl, schema);
            }
            try (Locks.DdlLock lock = locks.lockAroundDdl(w, ddl, LockKeys.mart(schema, name))) {
                return build.run(ddl);
            }
        }
    }

    @Override
    public long replaceView(BuildContext context, String schema, String name, String select, Verification verification)
            throws SQLException {
        return building(context, schema, name, ddl -> {
            String fresh = TransactionalDdlMaterializer.newName(name);
            drop(ddl, schema, fresh);
            exec(ddl, "CREATE VIEW " + sql.qualified(schema, fresh) + " AS " + select);
            verification.verify(ddl, sql.qualified(schema, fresh));
            publish(ddl, schema, name, fresh);
            return 0L;
        });
    }

    @Override
    public long replaceTable(BuildContext context, String schema, String name, String select, Verification verification)
            throws SQLException {
        return building(context, schema, name, ddl -> {
            String fresh = TransactionalDdlMaterializer.newName(name);
            drop(ddl, schema, fresh);
            long rows = exec(ddl, sql.createTableAs(sql.qualified(schema, fresh), select));
            verification.verify(ddl, sql.qualified(schema, fresh));
            publish(ddl, schema, name, fresh);
            return rows;
        });
    }

    /** Puts {@code fresh} in the place of {@code name} in one RENAME (a view or a table, either way), then drops the old one. */
    private void publish(Connection ddl, String schema, String name, String fresh) throws SQLException {
        String old = TransactionalDdlMaterializer.oldName(name);
        Optional<Catalog.RelationKind> kind = catalog.relationKind(ddl, schema, name);
        if (kind.isEmpty()) {
            exec(ddl, "RENAME TABLE " + sql.qualified(schema, fresh) + " TO " + sql.qualified(schema, name));
            return;
        }
        drop(ddl, schema, old);   // left by a build that died between its rename and its drop
        exec(ddl, "RENAME TABLE " + sql.qualified(schema, name) + " TO " + sql.qualified(schema, old) + ", "
                + sql.qualified(schema, fresh) + " TO " + sql.qualified(schema, name));
        try {
            drop(ddl, schema, old);
        } catch (SQLException e) {
            throw new StrataException(ErrorCode.TASK_FAILED, "cannot replace table " + schema + "." + name + ": the new one is "
                    + "published, but the old one (now " + schema + "." + old + ") cannot be dropped: " + e.getMessage()
                    + "\n  (an object depends on it, such as a foreign key; make it read a mart materialized as incremental, or drop it)", e);
        }
    }

    /** Drops {@code schema.name}, a view or a table, if it exists. */
    private void drop(Connection ddl, String schema, String name) throws SQLException {
        Optional<Catalog.RelationKind> kind = catalog.relationKind(ddl, schema, name);
        if (kind.isPresent()) {
            exec(ddl, (kind.get() == Catalog.RelationKind.VIEW ? "DROP VIEW " : "DROP TABLE ") + sql.qualified(schema, name));
        }
    }

    @Override
    public IntervalWrite writeInterval(BuildContext context, String schema, String name, String select, String timeColumn,
                                       Instant start, Instant end, boolean readsItself, ColumnsCheck columnsCheck)
            throws SQLException {
        Connection c = context.connection();
        String table = sql.qualified(schema, name);
        String tc = sql.quote(timeColumn);
        if (catalog.relationKind(c, schema, name).isEmpty()) {
            // the first run's DDL, outside the task transaction: idempotent, and it creates no rows
            building(context, schema, name, ddl -> {
                if (catalog.relationKind(ddl, schema, name).isEmpty()) {
                    columnsCheck.check(columns(ddl, "(" + select + ") " + sql.quote(BUILD_TABLE)));
                    exec(ddl, "CREATE TABLE " + table + " AS SELECT * FROM (" + select + ") " + sql.quote(BUILD_TABLE) + " LIMIT 0");
                    exec(ddl, "CREATE INDEX " + sql.quote(truncate(name) + "__strata_time") + " ON " + table + " (" + tc + ")");
                }
                return null;
            });
        }
        String source;
        boolean staged = readsItself;
        if (staged) {
            // the select must see the interval's rows as they were: run it before the delete
            source = sql.tempTableName(BUILD_TABLE);
            exec(c, "CREATE OR REPLACE TEMPORARY TABLE " + source + " AS " + select);
        } else {
            source = "(" + select + ") " + sql.quote(BUILD_TABLE);
        }
        List<String> columns = columns(c, source);
        columnsCheck.check(columns);
        try (PreparedStatement del = c.prepareStatement("DELETE FROM " + table + " WHERE " + tc + " >= ? AND " + tc + " < ?")) {
            bindInterval(del, start, end, 1);
            del.executeUpdate();
        }
        String cols = columns.stream().map(sql::quote).collect(Collectors.joining(", "));
        long rows = exec(c, "INSERT INTO " + table + " (" + cols + ") SELECT " + cols + " FROM " + source);
        if (staged) {
            exec(c, "DROP TEMPORARY TABLE " + source);
        }
        long inside;
        try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM " + table + " WHERE " + tc + " >= ? AND " + tc + " < ?")) {
            bindInterval(ps, start, end, 1);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                inside = rs.getLong(1);
            }
        }
        return new IntervalWrite(rows, Math.max(0, rows - inside));
    }

    /** The column names of a relation (a name, or a derived table), without reading a row. */
    private static List<String> columns(Connection c, String relation) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT * FROM " + relation + " LIMIT 0")) {
            ResultSetMetaData md = rs.getMetaData();
            for (int i = 1; i <= md.getColumnCount(); i++) {
                out.add(md.getColumnLabel(i));
            }
        }
        return out;
    }

    /** Interval bounds as UTC wall-clock times, the form every DATETIME column of Strata's holds. */
    private static void bindInterval(PreparedStatement ps, Instant start, Instant end, int first) throws SQLException {
        ps.setObject(first, LocalDateTime.ofInstant(start, ZoneOffset.UTC));
        ps.setObject(first + 1, LocalDateTime.ofInstant(end, ZoneOffset.UTC));
    }

    private static long exec(Connection c, String sqlText) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(sqlText);
            return Math.max(0, s.getLargeUpdateCount());
        }
    }

    private static String truncate(String name) {
        return name.length() > 50 ? name.substring(0, 50) : name;
    }
}
