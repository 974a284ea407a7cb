package dev.strata.objects;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.strata.StrataException;
import dev.strata.config.EnvResolver;
import dev.strata.config.ProjectLoader;
import dev.strata.schedule.Backfill;
import dev.strata.schedule.Pipeline;
import dev.strata.testing.TestServers;
import dev.strata.warehouse.Warehouse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A project's SQL objects (objects/*.sql, objects/&lt;warehouse&gt;/*.sql) deployed before its tasks
 * run, again only when a file changed, and a {@code call:} task that calls one after the marts.
 */
class WarehouseObjectsIT {
    private static final Instant D = Instant.parse("2022-08-14T00:00:00Z");
    private static final String YAML = """
            name: routines
            marts:
              fact_sales: { materialized: table }
              product_popularity: { materialized: table }
              catalogue_routines:
                call: insert_procedure_info()
                depends_on: [fact_sales, product_popularity]
            schedule:
              marts: { every: 1d, start: 2022-08-14 }
            """;
    /** The scenario's catalogue of stored routines, with its error table (objects/postgres/...). */
    private static final String CATALOGUE = """
            CREATE TABLE IF NOT EXISTS public.stored_routines (type text, name text, code text);
            CREATE TABLE IF NOT EXISTS public.procedure_errors (name text, execution_time timestamptz, error_message text);
            CREATE OR REPLACE PROCEDURE insert_procedure_info() AS $$
            DECLARE obj record; obj_type text; obj_name text; msg text;
            BEGIN
              FOR obj IN (SELECT n.nspname, p.proname, p.prokind, p.prosrc, pg_get_function_identity_arguments(p.oid) AS args
                          FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
                          WHERE n.nspname NOT LIKE 'pg_%' AND n.nspname <> 'information_schema') LOOP
                BEGIN
                  obj_type := CASE obj.prokind WHEN 'f' THEN 'function' WHEN 'p' THEN 'procedure'
                                               WHEN 'a' THEN 'aggregate' ELSE 'window' END;
                  obj_name := obj.nspname || '.' || obj.proname || '(' || obj.args || ')';
                  IF EXISTS (SELECT 1 FROM public.stored_routines WHERE type = obj_type AND name = obj_name) THEN
                    UPDATE public.stored_routines SET code = obj.prosrc
                    WHERE type = obj_type AND name = obj_name AND code <> obj.prosrc;
                  ELSE
                    INSERT INTO public.stored_routines (type, name, code) VALUES (obj_type, obj_name, obj.prosrc);
                  END IF;
                EXCEPTION WHEN OTHERS THEN
                  GET STACKED DIAGNOSTICS msg = MESSAGE_TEXT;
                  INSERT INTO public.procedure_errors VALUES (obj_name, now(), msg);
                END;
              END LOOP;
            END; $$ LANGUAGE plpgsql;
            """;
    private static final String POPULAR = """
            CREATE OR REPLACE FUNCTION most_popular_product() RETURNS text AS $$
            DECLARE top text;
            BEGIN
              SELECT p.name INTO top FROM cdm.product_popularity p WHERE p.popularity_rank = 1;
              RETURN top;
            END; $$ LANGUAGE plpgsql STABLE;
            """;
    private static final String COUNTER = """
            CREATE TABLE IF NOT EXISTS public.deploys (file text);
            INSERT INTO public.deploys VALUES ('counter');
            """;

    @TempDir
    Path dir;

    private Pipeline pipeline(Warehouse w) {
        return Pipeline.load(new ProjectLoader(EnvResolver.of(Map.of())).load(dir), w.adapter());
    }

    private void write(String file, String text) throws Exception {
        Path p = dir.resolve(file);
        Files.createDirectories(p.getParent());
        Files.writeString(p, text);
    }

    private static List<String> column(Warehouse w, String query) throws Exception {
        List<String> out = new ArrayList<>();
        try (Connection c = w.connection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(query)) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }

    @Test
    void shouldDeployObjectsOnceRedeployAChangedOneAndCallAProcedureAfterTheMarts() throws Exception {
        write("strata.yaml", YAML);
        write("marts/fact_sales.sql", "select 18 as product_id, 39 as qty union all select 10, 27");
        write("marts/product_popularity.sql", """
                select f.product_id, 'product ' || f.product_id as name, sum(f.qty) as total_qty,
                       row_number() over (order by sum(f.qty) desc, f.product_id) as popularity_rank
                from {{ ref('fact_sales') }} f group by f.product_id
                """);
        write("objects/00_counter.sql", COUNTER);
        write("objects/most_popular_product.sql", POPULAR);
        write("objects/postgres/insert_procedure_info.sql", CATALOGUE);
        write("objects/mariadb/insert_procedure_info.sql", "this is not PostgreSQL and must not run here");
        write("objects/oracle/x.sql", "neither");
        try (Warehouse w = TestServers.newDatabase()) {
            w.migrate();
            Pipeline p = pipeline(w);
            assertThat(p.objects().objects()).extracting(WarehouseObject::name)
                    .containsExactly("00_counter", "insert_procedure_info", "most_popular_product");
            assertThat(p.objects().objects().get(1).file()).endsWith("objects/postgres/insert_procedure_info.sql");
            // a folder no warehouse type recognises is a warning (mariadb's is ignored here, or warned about until its adapter exists)
            assertThat(p.objects().warnings()).anySatisfy(wn -> assertThat(wn).contains("objects/oracle/").contains("postgresql"))
                    .noneSatisfy(wn -> assertThat(wn).contains("objects/postgres/"));
            // the call task is a node after the marts it depends on
            assertThat(p.graph().topologicalOrder()).containsExactly("fact_sales", "product_popularity", "catalogue_routines");

            Backfill backfill = new Backfill(p, w, "test", Clock.systemUTC());
            assertThat(backfill.run(Backfill.Options.of(D, D), Backfill.Progress.NONE).ok()).isTrue();
            assertThat(backfill.deployedObjects()).extracting(ObjectDeployer.Outcome::state).containsOnly(ObjectDeployer.State.NEW);
            assertThat(column(w, "SELECT most_popular_product()")).containsExactly("product 18");
            assertThat(column(w, "SELECT name FROM public.stored_routines ORDER BY name"))
                    .containsExactly("public.insert_procedure_info()", "public.most_popular_product()");
            assertThat(column(w, "SELECT count(*) FROM public.procedure_errors")).containsExactly("0");
            // the call ran after both marts of its interval
            assertThat(column(w, "SELECT count(*) FROM strata.task_runs c JOIN strata.task_runs m ON m.node <> c.node "
                    + "WHERE c.node = 'catalogue_routines' AND c.started_at >= m.finished_at AND c.state = 'success'"))
                    .containsExactly("2");

            // unchanged files are not run again; the call runs again and changes no catalogue row
            String catalogued = column(w, "SELECT string_agg(name || ':' || md5(code), ',' ORDER BY name) FROM public.stored_routines").get(0);
            assertThat(backfill.run(Backfill.Options.of(D, D).withRerun(true), Backfill.Progress.NONE).ok()).isTrue();
            assertThat(backfill.deployedObjects()).extracting(ObjectDeployer.Outcome::state)
                    .containsOnly(ObjectDeployer.State.UNCHANGED);
            assertThat(column(w, "SELECT count(*) FROM public.deploys")).containsExactly("1");
            assertThat(column(w, "SELECT string_agg(name || ':' || md5(code), ',' ORDER BY name) FROM public.stored_routines"))
                    .containsExactly(catalogued);

            // a changed body is deployed again, and only that object; the catalogue updates exactly its row
            write("objects/most_popular_product.sql", POPULAR.replace("popularity_rank = 1", "popularity_rank = 2"));
            p = pipeline(w);
            backfill = new Backfill(p, w, "test", Clock.systemUTC());
            assertThat(backfill.run(Backfill.Options.of(D, D).withRerun(true), Backfill.Progress.NONE).ok()).isTrue();
            assertThat(backfill.deployedObjects()).extracting(o -> o.name() + "=" + o.state().word())
                    .containsExactly("00_counter=unchanged", "insert_procedure_info=unchanged", "most_popular_product=changed");
            assertThat(column(w, "SELECT most_popular_product()")).containsExactly("product 10");
            assertThat(column(w, "SELECT count(*) FROM public.deploys")).containsExactly("1");
            assertThat(column(w, "SELECT count(*) FROM public.stored_routines WHERE code LIKE '%popularity_rank = 2%'"))
                    .containsExactly("1");
            assertThat(column(w, "SELECT count(*) FROM strata.deployed_objects WHERE pipeline = 'routines'")).containsExactly("3");
        }
    }

    @Test
    void shouldReportAFailingObjectAtItsFileLineAndColumnAndDeployNothingOfIt() throws Exception {
        write("strata.yaml", """
                name: broken_objects
                marts:
                  m: { materialized: view }
                """);
        write("marts/m.sql", "select 1 as x");
        write("objects/a_ok.sql", "CREATE OR REPLACE FUNCTION one() RETURNS int AS 'select 1' LANGUAGE sql;");
        write("objects/b_broken.sql", "CREATE OR REPLACE FUNCTION two() RETURNS int AS $$\n  select 2\n$$ LANGUAGE sql;\n"
                + "CREATE OR REPLACE VIEW public.v AS SELECT two() AS t FROM no_such_table;\n");
        try (Warehouse w = TestServers.newDatabase()) {
            w.migrate();
            Pipeline p = pipeline(w);
            assertThatThrownBy(() -> ObjectDeployer.deploy(w, p.name(), p.objects()))
                    .isInstanceOf(StrataException.class)
                    .hasMessageContaining("b_broken.sql:4:")
                    .hasMessageContaining("cannot deploy object b_broken")
                    .hasMessageContaining("no_such_table")
                    .hasMessageContaining("    4 | CREATE OR REPLACE VIEW");
            // the object before it is deployed; nothing of the failing file is (one transaction per object)
            assertThat(column(w, "SELECT one()")).containsExactly("1");
            assertThat(column(w, "SELECT count(*) FROM pg_proc WHERE proname = 'two'")).containsExactly("0");
            assertThat(column(w, "SELECT name FROM strata.deployed_objects")).containsExactly("a_ok");
        }
    }
}
