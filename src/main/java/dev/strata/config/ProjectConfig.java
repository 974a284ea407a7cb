package dev.strata.config;

import java.nio.file.Path;
import java.util.Map;

/**
 * A whole Strata project as read from its folder: {@code strata.yaml} plus the files it refers to.
 * Immutable; produced only by {@link ProjectLoader}, which has validated everything in it.
 *
 * @param directory the project folder (mart SQL files are resolved against it)
 * @param name      the pipeline's name; positions, watermarks and task runs are kept per name
 * @param vars      project variables, typed, read by marts with {@code var('name')}
 * @param tests     the data tests: declared per node, and the files {@code tests/*.sql}
 * @param operations the run log's mirror, the warehouse objects, backups (docs/operations.md)
 */
public record ProjectConfig(Path directory, String name, WarehouseConfig warehouse, Map<String, SourceConfig> sources,
                            VaultSection vault, MartsSection marts, ScheduleSection schedule,
                            DashboardsSection dashboards, ConsoleConfig console, Map<String, ProjectVar> vars,
                            TestsSection tests, OperationsSection operations) {
    public ProjectConfig {
        sources = Map.copyOf(sources);
        vars = Map.copyOf(vars);
        tests = tests == null ? TestsSection.none() : tests;
        operations = operations == null ? OperationsSection.none() : operations;
    }

    /** A project without operational settings. */
    public ProjectConfig(Path directory, String name, WarehouseConfig warehouse, Map<String, SourceConfig> sources,
                         VaultSection vault, MartsSection marts, ScheduleSection schedule, DashboardsSection dashboards,
                         ConsoleConfig console, Map<String, ProjectVar> vars, TestsSection tests) {
        this(directory, name, warehouse, sources, vault, marts, schedule, dashboards, console, vars, tests,
                OperationsSection.none());
    }

    /** A project without data tests. */
    public ProjectConfig(Path directory, String name, WarehouseConfig warehouse, Map<String, SourceConfig> sources,
                         VaultSection vault, MartsSection marts, ScheduleSection schedule, DashboardsSection dashboards,
                         ConsoleConfig console, Map<String, ProjectVar> vars) {
        this(directory, name, warehouse, sources, vault, marts, schedule, dashboards, console, vars, TestsSection.none(),
                OperationsSection.none());
    }

    /** The sources in declaration order (Map.copyOf loses it, so sort by position). */
    public java.util.List<SourceConfig> sourcesInOrder() {
        return sources.values().stream()
                .sorted(java.util.Comparator.comparingInt((SourceConfig s) -> s.position().line()))
                .toList();
    }
}
