package dev.strata.schedule;

import dev.strata.backup.BackupRunner;
import dev.strata.config.MartConfig;
import dev.strata.config.OperationsSection.BackupConfig;
import dev.strata.config.ProjectConfig;
import dev.strata.graph.Edge;
import dev.strata.graph.Node;
import dev.strata.graph.NodeKind;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The scheduled {@value BackupConfig#NODE} node of a project with {@code backup: { scheduled: true }}:
 * an SQL task node (scheduled as {@code schedule.marts}, or by {@code schedule.nodes.backup}) that
 * runs after its {@code depends_on} and writes one backup of the project's layers per run
 * ({@link BackupRunner}, in a snapshot of its own, not the task's transaction). A re-run writes
 * another backup; nothing is undone when a later step of the run fails.
 */
final class BackupNodes {
    private BackupNodes() {
    }

    static ExternalNodes of(ProjectConfig project) {
        Optional<BackupConfig> b = project.operations().backup().filter(BackupConfig::scheduled);
        if (b.isEmpty()) {
            return ExternalNodes.none();
        }
        BackupConfig cfg = b.get();
        Node node = new Node(BackupConfig.NODE, NodeKind.TASK, Optional.empty(), cfg.position());
        List<Edge> edges = cfg.dependsOn().stream().map((MartConfig.NamedRef d) -> new Edge(d.name(), BackupConfig.NODE, d.position()))
                .toList();
        Path dir = project.directory().resolve(cfg.to());
        TaskAction action = ctx -> {
            BackupRunner.Result r = BackupRunner.backup(ctx.warehouse(), project,
                    new BackupRunner.Options(dir, cfg.layers(), cfg.retention()), Clock.systemUTC());
            return r.files().stream().mapToLong(f -> f.content().rows()).sum();
        };
        return new ExternalNodes(List.of(node), edges, Map.of(BackupConfig.NODE, action));
    }
}
