package dev.strata.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.composer.Composer;
import org.snakeyaml.engine.v2.events.Event;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.Tag;
import org.snakeyaml.engine.v2.parser.Parser;
import org.snakeyaml.engine.v2.parser.ParserImpl;
import org.snakeyaml.engine.v2.scanner.StreamReader;

/**
 * Parses one YAML file into a node tree that keeps line and column of every value, which is what
 * lets every config error name its place. Malformed YAML becomes a problem at the parser's mark.
 * Hostile files are bounded: the file rules of {@link ProjectFiles} (size, UTF-8), at most
 * {@value #MAX_NESTING_DEPTH} levels of nesting, and snakeyaml's own limits on aliases (billion
 * laughs) and recursive keys, left at their safe defaults.
 */
public final class YamlDocument {
    /** How deep mappings and lists may nest; Strata's own keys need a handful. */
    public static final int MAX_NESTING_DEPTH = 100;
    /** The longest text parsed, in code points: the same number as the file limit in bytes. */
    static final int MAX_CODE_POINTS = (int) ProjectFiles.MAX_BYTES;
    private YamlDocument() {
    }

    /**
     * Reads {@code file} and returns a reader over its top-level mapping, or empty when the file is
     * not YAML or not a mapping (the reason is added to {@code problems}).
     */
    public static Optional<ConfigReader> read(Path file, String displayName, Problems problems, EnvResolver env) {
        Optional<String> text = ProjectFiles.readText(file, displayName, new Position(displayName, 1, 1), "", problems);
        return text.flatMap(t -> parse(t, displayName, problems, env));
    }

    /** Same as {@link #read} for text already in memory (tests, bundled examples). */
    public static Optional<ConfigReader> parse(String text, String displayName, Problems problems, EnvResolver env) {
        ConfigContext ctx = new ConfigContext(displayName, problems, env);
        int codePoints = text.codePointCount(0, text.length());
        if (codePoints > MAX_CODE_POINTS) {
            problems.add(new Position(displayName, 1, 1), "", String.format(Locale.ROOT,
                    "the text is %,d characters, more than the %,d a project file may have", codePoints, MAX_CODE_POINTS));
            return Optional.empty();
        }
        LoadSettings settings = LoadSettings.builder().setLabel(displayName).setUseMarks(true)
                .setCodePointLimit(MAX_CODE_POINTS)
                // the whole text in one buffer: with the default 1 kB window snakeyaml copies the window
                // again for every kilobyte of a long scalar, so one 50 MB string took minutes (issue 20)
                .setBufferSize(text.length() + 1)
                .build();
        Optional<Node> root;
        try {
            Parser parser = new DepthLimitedParser(new ParserImpl(settings, new StreamReader(settings, text)));
            root = new Composer(settings, parser).getSingleNode();
        } catch (TooDeep e) {
            problems.add(new Position(displayName, e.mark.getLine() + 1, e.mark.getColumn() + 1), "",
                    "the YAML is nested more than " + MAX_NESTING_DEPTH + " levels deep here; Strata's config needs "
                            + "a handful (the limit keeps hostile files from exhausting the stack)");
            return Optional.empty();
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

    /**
     * Counts nesting as the events stream past and stops at {@link #MAX_NESTING_DEPTH}. snakeyaml's
     * parser is iterative but its composer recurses once per level, so 20,000 levels of {@code [}
     * overflowed the stack (issue 20); snakeyaml-engine 2.10 has no depth setting of its own. Every
     * walk over the node tree after this (Strata's readers descend only the keys they ask for) is
     * bounded by the same depth.
     */
    private static final class DepthLimitedParser implements Parser {
        private final Parser delegate;
        private int depth;

        DepthLimitedParser(Parser delegate) {
            this.delegate = delegate;
        }

        @Override
        public boolean checkEvent(Event.ID choice) {
            return delegate.checkEvent(choice);
        }

        @Override
        public Event peekEvent() {
            return delegate.peekEvent();
        }

        @Override
        public boolean hasNext() {
            return delegate.hasNext();
        }

        @Override
        public Event next() {
            Event e = delegate.next();
            switch (e.getEventId()) {
                case SequenceStart, MappingStart -> {
                    if (++depth > MAX_NESTING_DEPTH) {
                        throw new TooDeep(e.getStartMark().orElseThrow());
                    }
                }
                case SequenceEnd, MappingEnd -> depth--;
                default -> {
                }
            }
            return e;
        }
    }

    /** Nesting beyond {@link #MAX_NESTING_DEPTH}, at the mark of the first level too many. */
    private static final class TooDeep extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final transient Mark mark;

        TooDeep(Mark mark) {
            super(null, null, false, false);
            this.mark = mark;
        }
    }
}
