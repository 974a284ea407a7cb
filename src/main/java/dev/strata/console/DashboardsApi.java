package dev.strata.console;

import dev.strata.config.DashboardTitles;
import dev.strata.config.DashboardsSection;
import dev.strata.config.ProjectVar;
import dev.strata.config.DashboardsSection.Dashboard;
import io.javalin.Javalin;
import io.javalin.http.Context;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code /api/dashboards}: the charts declared under {@code dashboards:} and each one's data. A
 * chart whose mart or columns do not exist yet answers {@code ready: false} with the reason, so
 * the page can say "waiting for the mart" while the pipeline starts.
 */
final class DashboardsApi {
    private final Db db;
    private final DashboardsSection section;
    private final Map<String, ProjectVar> vars;

    DashboardsApi(Db db, DashboardsSection section, Map<String, ProjectVar> vars) {
        this.db = db;
        this.section = section;
        this.vars = vars;
    }

    void register(Javalin app) {
        app.get("/api/dashboards", ctx -> ctx.json(Map.of("dashboards", section.dashboards().stream().map(this::describe).toList())));
        app.get("/api/dashboards/{name}/data", this::data);
    }

    record Description(String name, String title, String mart, String chart, String x, List<String> y, String series,
                       String aggregate, List<String> columns, int limit) {
    }

    private Description describe(Dashboard d) {
        return new Description(d.name(), DashboardTitles.render(d.title(), vars), d.mart(), d.chart().word(), d.x().orElse(null), d.y(),
                d.series().orElse(null), d.aggregate().word(), d.columns(), d.limit());
    }

    private void data(Context ctx) {
        String name = Params.requireIdentifier("name", ctx.pathParam("name"));
        Dashboard d = section.dashboard(name)
                .orElseThrow(() -> ApiException.notFound("no dashboard '" + name + "' in strata.yaml"));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("dashboard", describe(d));
        Map<String, String> columns = Tables.columns(db, MartsApi.SCHEMA, d.mart());
        if (columns.isEmpty()) {
            out.put("ready", false);
            out.put("message", "waiting for " + MartsApi.SCHEMA + "." + d.mart() + " to be built");
            ctx.json(out);
            return;
        }
        Set<String> missing = new java.util.LinkedHashSet<>(DashboardQuery.columnsRead(d));
        missing.removeAll(columns.keySet());
        if (!missing.isEmpty()) {
            out.put("ready", false);
            out.put("message", MartsApi.SCHEMA + "." + d.mart() + " has no column " + String.join(", ", missing)
                    + " (it has " + String.join(", ", columns.keySet()) + "); fix dashboards." + d.name() + " in strata.yaml");
            ctx.json(out);
            return;
        }
        ResultTable table = MartsApi.query(db, DashboardQuery.sql(d, db.warehouse().sql(), MartsApi.SCHEMA), d.limit());
        out.put("ready", true);
        out.put("columns", table.columns());
        out.put("rows", table.rows());
        ctx.json(out);
    }
}
