package dev.strata.console;

import io.javalin.Javalin;
import io.javalin.http.Context;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Map;

/**
 * {@code /api/marts}: the tables and views of schema {@value #SCHEMA}, and a preview (first rows)
 * of any of them. The name must be one the warehouse lists in that schema; only then is it quoted
 * into the statement.
 */
final class MartsApi {
    /** The schema marts are built in. */
    static final String SCHEMA = "cdm";
    static final int MAX_PREVIEW_ROWS = 100;

    private final Db db;

    MartsApi(Db db) {
        this.db = db;
    }

    void register(Javalin app) {
        app.get("/api/marts", ctx -> ctx.json(Map.of("schema", SCHEMA, "marts", Tables.list(db, SCHEMA))));
        app.get("/api/marts/{name}/preview", this::preview);
    }

    private void preview(Context ctx) {
        String name = Params.requireIdentifier("name", ctx.pathParam("name"));
        int limit = Params.integer(ctx, "limit", MAX_PREVIEW_ROWS, 1, MAX_PREVIEW_ROWS);
        if (!Tables.list(db, SCHEMA).contains(name)) {
            throw ApiException.notFound("no table or view '" + name + "' in schema " + SCHEMA);
        }
        String sql = "SELECT * FROM " + db.warehouse().sql().qualified(SCHEMA, name);
        ResultTable table = query(db, sql, limit);
        ctx.json(Map.of("mart", name, "columns", table.columns(), "rows", table.rows(), "limit", limit));
    }

    /** Runs a statement built from validated, quoted names (no parameters) and reads up to {@code limit} rows. */
    static ResultTable query(Db db, String sql, int limit) {
        try (Connection c = db.warehouse().connection();
             PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setQueryTimeout(Db.QUERY_TIMEOUT_SECONDS);
            ps.setMaxRows(limit);
            try (ResultSet rs = ps.executeQuery()) {
                return ResultTable.read(rs);
            }
        } catch (SQLException e) {
            throw new Db.WarehouseQueryException(e);
        }
    }
}
