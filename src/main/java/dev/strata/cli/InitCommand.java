package dev.strata.cli;

import dev.strata.examples.ExampleProjects;
import dev.strata.examples.Examples;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code strata init [dir] --example NAME}: scaffolds a project from a bundled example ({@link Examples}). */
@Command(name = "init", description = "Create a project folder from a bundled example (see --list).")
final class InitCommand implements Callable<Integer> {
    @Parameters(index = "0", arity = "0..1", paramLabel = "dir", defaultValue = ".",
            description = "Where to create the project (default: the current directory).")
    Path dir;
    @Option(names = "--example", defaultValue = "food-delivery",
            description = "Which example to start from: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).",
            completionCandidates = ExampleNames.class)
    String example;
    @Option(names = "--list", description = "List the examples with what each shows, and exit.")
    boolean list;
    @Spec
    CommandSpec spec;

    /** The example names, for picocli's help. */
    static final class ExampleNames extends java.util.ArrayList<String> {
        private static final long serialVersionUID = 1L;

        ExampleNames() {
            super(Examples.names());
        }
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        if (list) {
            Examples.listing().forEach(out::println);
            return 0;
        }
        Examples.named(example);   // an unknown name is a usage error before anything is created
        if (java.nio.file.Files.exists(dir) && !java.nio.file.Files.isDirectory(dir)) {
            throw new dev.strata.StrataException(dev.strata.ErrorCode.USAGE, "cannot create a project in " + dir
                    + ": it is a file");
        }
        try {
            java.nio.file.Files.createDirectories(dir);
        } catch (java.io.IOException e) {
            throw new dev.strata.StrataException(dev.strata.ErrorCode.USAGE, "cannot create a project in " + dir + ": "
                    + InputFiles.reason(e), e);
        }
        List<Path> written = ExampleProjects.copy(example, dir);
        if (written.isEmpty()) {
            out.println("nothing to do: " + dir + " already has every file of the " + example + " example");
            return 0;
        }
        out.println("created the " + example + " example in " + dir.toAbsolutePath().normalize() + ":");
        written.forEach(p -> out.println("  " + dir.relativize(p)));
        out.println("next: strata validate " + dir + " && strata plan " + dir);
        return 0;
    }
}
