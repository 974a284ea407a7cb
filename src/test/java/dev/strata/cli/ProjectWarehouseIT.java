package dev.strata.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.strata.app.EmbeddedServices;
import dev.strata.config.EnvResolver;
import dev.strata.config.ProjectConfig;
import dev.strata.config.ProjectLoader;
import dev.strata.warehouse.Warehouse;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every command pointed at a project finds the embedded warehouse its data directory holds: the
 * one a {@code strata demo --data-dir D} (project in {@code D/project}, data in {@code D}) or a
 * {@code strata run --data-dir D} used, whether that server still runs (attach) or not (start it).
 */
class ProjectWarehouseIT {
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int strata(String... args) {
        out.getBuffer().setLength(0);
        err.getBuffer().setLength(0);
        return Main.execute(new PrintWriter(out, true), new PrintWriter(err, true), args);
    }

    @Test
    void shouldFindTheWarehouseOfAKeptDemoWhetherItRunsOrNot(@TempDir Path data) throws Exception {
        Path project = data.resolve("project");   // the layout of `strata demo --data-dir D`
        Files.createDirectories(project);
        Files.writeString(project.resolve("strata.yaml"), """
                name: kept
                sources:
                  orders: { kafka: { topic: orders, bootstrap: "localhost:1" } }
                vault:
                  hubs:
                    h_order: { key: order_id, from: { orders: $.id } }
                """);
        ProjectConfig config = new ProjectLoader(EnvResolver.of(Map.of())).load(project);

        try (EmbeddedServices services = EmbeddedServices.forProject(config, Optional.of(data));
             Warehouse w = services.warehouse(2)) {
            w.migrate();
            try (Connection c = w.connection(); PreparedStatement ps = c.prepareStatement("INSERT INTO strata.dead_letters "
                    + "(pipeline, source, partition_id, position, raw_value, reason) VALUES ('kept', 'orders', '0', 41, ?, ?)")) {
                ps.setBytes(1, "{not json".getBytes(StandardCharsets.UTF_8));
                ps.setString(2, "cannot parse JSON");
                ps.execute();
            }

            // the demo still runs: the commands attach to its server
            assertThat(strata("dead-letters", "list", project.toString())).as(err.toString()).isZero();
            assertThat(out.toString()).contains("cannot parse JSON", "{not json").doesNotContain("no pending dead letters");
            assertThat(strata("status", project.toString())).as(err.toString()).isZero();
            assertThat(out.toString()).contains("embedded PostgreSQL in " + data.resolve("postgres"));
        }

        // the demo has stopped: the commands start the server on the same data
        assertThat(strata("dead-letters", "list", project.toString())).as(err.toString()).isZero();
        assertThat(out.toString()).contains("cannot parse JSON");
        assertThat(strata("vault", "load", project.toString())).as(err.toString()).isZero();
        assertThat(out.toString()).contains("h_order", "loaded 0 rows into 1 target");
        assertThat(project.resolve(".strata/postgres")).doesNotExist();
    }

    @Test
    void shouldUseTheDataDirectoryGivenOnTheCommandLine(@TempDir Path dir) throws Exception {
        Path project = dir.resolve("p");
        Files.createDirectories(project);
        Files.writeString(project.resolve("strata.yaml"), """
                name: elsewhere
                sources:
                  orders: { kafka: { topic: orders, bootstrap: "localhost:1" } }
                """);
        Path data = dir.resolve("data");
        assertThat(strata("status", project.toString(), "--data-dir", data.toString())).as(err.toString()).isZero();
        assertThat(data.resolve("postgres/PG_VERSION")).exists();
        assertThat(project.resolve(".strata/postgres")).doesNotExist();
    }
}
