package dev.strata.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The operational settings of a project (docs/operations.md): where the pipeline run log is
 * mirrored ({@code run_log:}), where the warehouse objects the project deploys live
 * ({@code objects:}) and how it is backed up ({@code backup:}). Immutable.
 */
public record OperationsSection(Optional<RunLogMirror> runLogMirror, ObjectsConfig objects, Optional<BackupConfig> backup) {
    public OperationsSection {
        Objects.requireNonNull(runLogMirror);
        Objects.requireNonNull(objects);
        Objects.requireNonNull(backup);
    }

    public static OperationsSection none() {
        return new OperationsSection(Optional.empty(), ObjectsConfig.defaults(), Optional.empty());
    }

    /**
     * {@code run_log: { table: etl_run_log, schema: cdm, columns: [...] }}: every finished pipeline
     * run is also written, once, into this table of the user's.
     *
     * @param columns the fields written and the column each goes to, in order
     */
    public record RunLogMirror(String schema, String table, List<Column> columns, Position position) {
        /** The pipeline run's fields a mirror can hold, in the order of scenario 004's {@code etl_run_log}. */
        public static final List<String> FIELDS = List.of("run_id", "pipeline", "logical_date", "trigger_type", "status",
                "started_at", "finished_at", "failed_task", "error_message", "rows_loaded");

        public RunLogMirror {
            columns = List.copyOf(columns);
        }

        /** One field of the run and the name of its column in the mirror table. */
        public record Column(String field, String name) {
        }
    }

    /**
     * {@code objects: { dir: objects }}: the folder of SQL files for functions, procedures and views
     * the project owns; {@code objects/<warehouse>/} holds per-warehouse files.
     */
    public record ObjectsConfig(Path dir, Position position) {
        public static final Path DEFAULT_DIR = Path.of("objects");

        public static ObjectsConfig defaults() {
            return new ObjectsConfig(DEFAULT_DIR, new Position(ProjectLoader.FILE_NAME, 1, 1));
        }
    }

    /**
     * {@code backup:}: where {@code strata backup} writes (and what it keeps), and whether the graph
     * has a scheduled {@code backup} node.
     *
     * @param to        the folder of backup files, relative to the project unless absolute
     * @param layers    the schemas backed up; empty: every layer of the project and {@code strata}
     * @param retention files older than this are deleted after a backup; empty: keep all
     * @param scheduled whether the graph gets a node {@value #NODE} that backs up on the schedule
     * @param dependsOn nodes the backup node runs after
     */
    public record BackupConfig(Path to, List<String> layers, Optional<Duration> retention, boolean scheduled,
                               List<MartConfig.NamedRef> dependsOn, Position position) {
        public static final String NODE = "backup";
        public static final Path DEFAULT_DIR = Path.of("backups");

        public BackupConfig {
            layers = List.copyOf(layers);
            dependsOn = List.copyOf(dependsOn);
        }
    }
}
