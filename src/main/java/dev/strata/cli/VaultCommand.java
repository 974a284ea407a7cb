package dev.strata.cli;

import dev.strata.config.ProjectConfig;
import dev.strata.vault.VaultLoader;
import dev.strata.vault.VaultTarget;
import dev.strata.warehouse.Warehouse;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code strata vault ...}: Data Vault commands. */
@Command(name = "vault", description = "Data Vault commands.", subcommands = {VaultCommand.Load.class, VaultRejectsCommand.class})
final class VaultCommand extends CommandGroup {

    /** {@code strata vault load [--target x] [dir]}: creates or updates the vault tables, then loads each target once. */
    @Command(name = "load", description = "Create or update the vault tables, then load every target (or one) once "
            + "from the STG rows landed since its last load.")
    static final class Load implements Callable<Integer> {
        @Mixin
        ProjectDir project;
        @Mixin
        DataDirOption dataDir;
        @Option(names = "--target", paramLabel = "name", description = "Load only this hub, link or satellite.")
        String target;
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            ProjectConfig config = project.load();
            PrintWriter out = spec.commandLine().getOut();
            if (!config.vault().declared()) {
                out.println("project '" + config.name() + "' declares no vault; nothing to load");
                return 0;
            }
            try (ProjectWarehouse pw = ProjectWarehouse.open(config, dataDir.get(), 2)) {
                Warehouse warehouse = pw.warehouse();
                VaultLoader loader = new VaultLoader(warehouse, config.name(), config.vault());
                List<String> names = target != null ? List.of(target)
                        : loader.targets().stream().map(VaultTarget::name).toList();
                long total = 0;
                for (String name : names) {
                    long t0 = System.nanoTime();
                    long rows = loader.load(name);
                    total += rows;
                    out.printf("%-30s %,12d rows  %6d ms%n", name, rows, (System.nanoTime() - t0) / 1_000_000);
                }
                out.printf("loaded %,d rows into %d target%s%n", total, names.size(), names.size() == 1 ? "" : "s");
            }
            return 0;
        }
    }
}
