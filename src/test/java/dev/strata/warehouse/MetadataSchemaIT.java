package dev.strata.warehouse;

import static org.assertj.core.api.Assertions.assertThat;

import dev.strata.testing.TestServers;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class MetadataSchemaIT {

    private static List<String> tables(Warehouse w) throws SQLException {
        List<String> names = new ArrayList<>();
        try (Connection c = w.connection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT table_name FROM information_schema.tables "
                     + "WHERE table_schema = 'strata' ORDER BY table_name")) {
            while (rs.next()) {
                names.add(rs.getString(1));
            }
        }
        return names;
    }

    private static int appliedMigrations(Warehouse w) throws SQLException {
        try (Connection c = w.connection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM strata.schema_history WHERE success")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    @Test
    void shouldCreateTheMetadataTablesAndBeIdempotent() throws Exception {
        try (Warehouse w = TestServers.newDatabase()) {
            w.migrate();
            List<String> first = tables(w);
            int applied = appliedMigrations(w);
            w.migrate();
            assertThat(first).contains("source_positions", "dead_letters", "layer_watermarks", "task_runs");
            assertThat(tables(w)).isEqualTo(first);
            assertThat(appliedMigrations(w)).isEqualTo(applied);
        }
    }

    @Test
    void shouldMigrateSafelyWhenTwoProcessesStartAtOnce() throws Exception {
        String url = TestServers.newDatabaseUrl();
        // Two independent pools, as two processes would have, released at the same instant.
        try (Warehouse a = Warehouse.connect(url, "postgres", dev.strata.config.Secret.empty(), 2);
             Warehouse b = Warehouse.connect(url, "postgres", dev.strata.config.Secret.empty(), 2)) {
            CyclicBarrier start = new CyclicBarrier(2);
            ExecutorService pool = Executors.newFixedThreadPool(2);
            try {
                List<Future<Void>> done = new ArrayList<>();
                for (Warehouse w : List.of(a, b)) {
                    Callable<Void> task = () -> {
                        start.await();
                        w.migrate();
                        return null;
                    };
                    done.add(pool.submit(task));
                }
                for (Future<Void> f : done) {
                    f.get(); // rethrows a failure of either migration
                }
            } finally {
                pool.shutdownNow();
            }
            assertThat(tables(a)).contains("source_positions", "dead_letters", "layer_watermarks", "task_runs");
            // each version recorded once: nothing was applied twice
            try (Connection c = a.connection(); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT version, count(*) FROM strata.schema_history "
                         + "WHERE version IS NOT NULL GROUP BY version HAVING count(*) > 1")) {
                assertThat(rs.next()).as("a migration version applied twice").isFalse();
            }
        }
    }
}
