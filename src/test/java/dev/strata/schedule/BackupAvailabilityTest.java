package dev.strata.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.strata.StrataException;
import dev.strata.config.ConfigException;
import dev.strata.config.ProjectConfig;
import dev.strata.warehouse.BulkLoad;
import dev.strata.warehouse.Catalog;
import dev.strata.warehouse.Locks;
import dev.strata.warehouse.Materializer;
import dev.strata.warehouse.SqlDialect;
import dev.strata.warehouse.SqlErrors;
import dev.strata.warehouse.StgSequences;
import dev.strata.warehouse.TaskQueue;
import dev.strata.warehouse.TransactionSettings;
import dev.strata.warehouse.WarehouseAdapter;
import dev.strata.warehouse.Warehouses;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Backups exist for PostgreSQL only (the MariaDB adapter has none yet): on a warehouse without the
 * capability, a scheduled backup is refused when the project loads, at its strata.yaml line, and
 * {@code strata backup}/{@code restore} fail with the same clear error (asked for the file extension before any file is opened).
 */
class BackupAvailabilityTest {
    @TempDir
    Path dir;

    /** PostgreSQL's adapter under another name and without its backups: a warehouse the capability does not cover. */
    private static WarehouseAdapter withoutBackups() {
        WarehouseAdapter pg = Warehouses.forUrl("jdbc:postgresql://db/dwh");
        return new WarehouseAdapter() {
            public String name() { return "otherdb"; }
            public SqlDialect sql() { return pg.sql(); }
            public Locks locks() { return pg.locks(); }
            public BulkLoad bulkLoad() { return pg.bulkLoad(); }
            public Catalog catalog() { return pg.catalog(); }
            public Materializer materializer() { return pg.materializer(); }
            public TaskQueue taskQueue() { return pg.taskQueue(); }
            public StgSequences sequences() { return pg.sequences(); }
            public TransactionSettings settings() { return pg.settings(); }
            public SqlErrors errors() { return pg.errors(); }
            public String migrationsLocation() { return pg.migrationsLocation(); }
        };
    }

    private ProjectConfig project(String backup) {
        TestProject.write(dir, """
                name: nobackup
                marts:
                  daily: { materialized: table }
                schedule:
                  marts: { every: 1d, start: 2022-10-01 }
                """ + backup, Map.of("marts/daily.sql", "select 1 as n"));
        return TestProject.load(dir);
    }

    @Test
    void shouldRefuseAScheduledBackupAtItsLineOnAWarehouseWithoutBackups() {
        ProjectConfig project = project("backup:\n  scheduled: true\n  retention: 7d\n");
        assertThatThrownBy(() -> Pipeline.load(project, withoutBackups()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("strata.yaml:6:1: backup.scheduled")
                .hasMessageContaining("backup.scheduled")
                .hasMessageContaining("not available for otherdb yet")
                .hasMessageContaining("PostgreSQL only");
        // the same project loads on PostgreSQL, with the backup node in its graph
        assertThat(Pipeline.load(project, Warehouses.forUrl("jdbc:postgresql://db/dwh")).graph().nodes())
                .extracting(n -> n.name()).contains("backup");
        // an unscheduled backup section is only used by strata backup: the pipeline still loads
        assertThat(Pipeline.load(project("backup:\n  retention: 7d\n"), withoutBackups()).graph().nodes())
                .extracting(n -> n.name()).containsExactly("daily");
    }

    @Test
    void shouldAnswerBackupAndRestoreWithAClearErrorNamingTheWarehouse() {
        WarehouseAdapter adapter = withoutBackups();
        assertThat(adapter.backups().available()).isFalse();
        assertThat(Warehouses.forUrl("jdbc:postgresql://db/dwh").backups().available()).isTrue();
        assertThatThrownBy(() -> adapter.backups().fileExtension()).isInstanceOf(StrataException.class)
                .hasMessage("strata backup and restore are not available for otherdb yet: they are implemented for "
                        + "PostgreSQL only (docs/operations.md#backups)");
        assertThatThrownBy(() -> adapter.backups().restore(null, java.util.List.of())).isInstanceOf(StrataException.class)
                .hasMessageContaining("not available for otherdb");
    }
}
