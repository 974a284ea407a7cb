package dev.strata.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.strata.config.EnvResolver;
import dev.strata.config.ProjectConfig;
import dev.strata.config.ProjectLoader;
import dev.strata.warehouse.Warehouse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code warehouse.url: embedded:mariadb} starts a MariaDB server, kept in the data directory's {@code mariadb/}. */
class EmbeddedMariaDbWarehouseIT {

    @Test
    void shouldStartMariaDbForAProjectThatAsksForIt(@TempDir Path dir) throws Exception {
        ProjectConfig project = new ProjectLoader(EnvResolver.of(Map.of())).parse(dir, """
                name: shop
                warehouse:
                  url: embedded:mariadb
                """, "strata.yaml");
        try (EmbeddedServices services = EmbeddedServices.forProject(project, Optional.of(dir.resolve("data")))) {
            assertThat(services.postgres()).as("no PostgreSQL for a MariaDB project").isEmpty();
            EmbeddedServices.WarehouseLogin login = services.warehouseLogin().orElseThrow();
            assertThat(login.jdbcUrl()).matches("jdbc:mariadb://127\\.0\\.0\\.1:\\d+/");
            assertThat(services.mariadb().orElseThrow().dataDir()).isEqualTo(dir.resolve("data/mariadb").toAbsolutePath());
            try (Connection c = DriverManager.getConnection(login.jdbcUrl(), login.user(), login.password().reveal());
                 Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT VERSION()")) {
                rs.next();
                assertThat(rs.getString(1)).startsWith("11.4");
            }
            // the MariaDB adapter takes the URL: the metadata schema migrates onto the embedded server
            try (Warehouse w = Warehouse.connect(login.jdbcUrl(), login.user(), login.password(), 2)) {
                w.migrate();
                assertThat(w.url()).startsWith("jdbc:mariadb://127.0.0.1:");
                try (Connection c = w.connection(); Statement s = c.createStatement();
                     ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = 'strata'")) {
                    rs.next();
                    assertThat(rs.getInt(1)).as("Strata's metadata database").isEqualTo(1);
                }
            }
        }
    }
}
