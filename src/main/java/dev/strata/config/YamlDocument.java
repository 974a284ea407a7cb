package dev.strata.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.Tag;

/**
 * Parses one YAML file into a node tree that keeps line and column of every value, which is what
 * lets every config error name its place. Malformed YAML becomes a problem at the parser's mark.
 */
public final class YamlDocument {
    private YamlDocument() {
    }

    /**
     * Reads {@code file} and returns a reader over its top-level mapping, or empty when the file is
     * not YAML or not a mapping (the reason is added to {@code problems}).
     */
    public static Optional<ConfigReader> read(Path file, String displayName, Problems problems, EnvResolver env) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            problems.add(new Position(displayName, 1, 1), "", "cannot read file: " + e.getMessage());
            return Optional.empty();
        }
        return parse(text, displayName, problems, env);
    }

    /** Same as {@link #read} for text already in memory (tests, bundled examples). */
    public static Optional<ConfigReader> parse(String text, String displayName, Problems problems, EnvResolver env) {
        ConfigContext ctx = new ConfigContext(displayName, problems, env);
        LoadSettings settings = LoadSettings.builder().setLabel(displayName).setUseMarks(true).build();
        Optional<Node> root;
        try {
            root = new Compose(settings).composeString(text);
        } catch (MarkedYamlEngineException e) {
            Mark mark = e.getProblemMark().or(e::getContextMark).orElse(null);
            Position at = mark == null ? new Position(displayName, 1, 1)
                    : new Position(displayName, mark.getLine() + 1, mark.getColumn() + 1);
            problems.add(at, "", "malformed YAML: " + e.getProblem());
            return Optional.empty();
        } catch (YamlEngineException e) {
            problems.add(new Position(displayName, 1, 1), "", "malformed YAML: " + e.getMessage());
            return Optional.empty();
        }
        if (root.isEmpty() || isNull(root.get())) {
            problems.add(new Position(displayName, 1, 1), "", "the file is empty; it needs at least 'name:'");
            return Optional.empty();
        }
        if (!(root.get() instanceof MappingNode)) {
            problems.add(position(ctx, root.get()), "", "expected a mapping of keys (name:, warehouse:, sources:, ...) at the top level");
            return Optional.empty();
        }
        return Optional.of(new ConfigReader(ctx, (MappingNode) root.get(), "", new Position(displayName, 1, 1)));
    }

    static Position position(ConfigContext ctx, Node node) {
        return node.getStartMark()
                .map(m -> new Position(ctx.file(), m.getLine() + 1, m.getColumn() + 1))
                .orElse(new Position(ctx.file(), 1, 1));
    }

    static boolean isNull(Node node) {
        return node instanceof ScalarNode s && (Tag.NULL.equals(s.getTag()));
    }

    static List<NodeTuple> entries(MappingNode node) {
        return node.getValue();
    }
}
