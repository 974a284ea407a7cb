package dev.strata.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.strata.config.Secret;
import dev.strata.ingest.StgTable;
import dev.strata.testing.TestServers;
import dev.strata.warehouse.Warehouse;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VaultCommandIT {
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        return Main.execute(new PrintWriter(out, true), new PrintWriter(err, true), args);
    }

    private static String project(String url) {
        return """
                name: cli_vault
                warehouse: { url: "%s", user: postgres }
                sources:
                  orders: { kafka: { topic: orders } }
                vault:
                  hubs:
                    h_order: { key: order_id, from: { orders: $.id } }
                  satellites:
                    s_order:
                      parent: h_order
                      attributes: { status: text }
                      from: { orders: { order_id: $.id, status: $.status } }
                """.formatted(url);
    }

    @Test
    void shouldPrintTheDdlAndLoadSqlInPlan(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("strata.yaml"), project("embedded:postgres"));
        assertThat(run("plan", dir.toString())).isZero();
        assertThat(out.toString()).contains("CREATE TABLE IF NOT EXISTS \"dds\".\"h_order\"",
                "PRIMARY KEY (\"h_order_hk\", \"load_dt\")", "-- s_order", "INSERT INTO \"dds\".\"s_order\"",
                "FROM \"stg\".\"orders\" \"s\"");
    }

    @Test
    void shouldLoadEveryTargetOrOneAndSayHowManyRows(@TempDir Path dir) throws Exception {
        String url = TestServers.newDatabaseUrl();
        try (Warehouse w = Warehouse.connect(url, "postgres", Secret.empty(), 1); Connection c = w.connection();
             Statement s = c.createStatement()) {
            for (String ddl : StgTable.createStatements(w.adapter(), "orders", false)) {
                s.execute(ddl);
            }
            s.execute("INSERT INTO stg.orders (_seq, _payload, _partition, _offset, _batch_id) VALUES "
                    + "(1, '{\"id\": \"a\", \"status\": \"OPEN\"}', '0', 1, 1), (2, '{\"id\": \"b\", \"status\": \"OPEN\"}', '0', 2, 1)");
        }
        Files.writeString(dir.resolve("strata.yaml"), project(url));
        assertThat(run("vault", "load", "--target", "h_order", dir.toString())).as(err.toString()).isZero();
        assertThat(out.toString()).containsPattern("h_order\\s+2 rows").contains("loaded 2 rows into 1 target");
        assertThat(run("vault", "load", dir.toString())).as(err.toString()).isZero();
        assertThat(out.toString()).containsPattern("h_order\\s+0 rows").containsPattern("s_order\\s+2 rows");
        assertThat(run("vault", "load", "--target", "h_nope", dir.toString())).isEqualTo(2);
        assertThat(err.toString()).contains("no vault target named 'h_nope' (targets: h_order, s_order)");
    }
}
