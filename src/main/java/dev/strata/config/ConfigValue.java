package dev.strata.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;

/**
 * One value in a config file with its key path and position. The {@code as…} methods convert it;
 * when a conversion fails they record a problem naming the place and return empty, so reading goes
 * on and every problem in the file is reported together.
 */
public final class ConfigValue {
    private final ConfigContext ctx;
    private final Node node;
    private final String path;
    private final Position keyPosition;

    /** @param keyPosition where the value's key is written; problems about the mapping as a whole point there */
    ConfigValue(ConfigContext ctx, Node node, String path, Position keyPosition) {
        this.ctx = ctx;
        this.node = node;
        this.path = path;
        this.keyPosition = keyPosition;
    }

    public String path() {
        return path;
    }

    public Position position() {
        return YamlDocument.position(ctx, node);
    }

    public boolean isNull() {
        return YamlDocument.isNull(node);
    }

    public boolean isScalar() {
        return node instanceof ScalarNode && !isNull();
    }

    /** True for a scalar written without quotes: {@code 10}, not {@code "10"} (a quoted value is always text). */
    public boolean isPlainScalar() {
        return isScalar() && ((ScalarNode) node).getScalarStyle() == org.snakeyaml.engine.v2.common.ScalarStyle.PLAIN;
    }

    public boolean isMapping() {
        return node instanceof MappingNode;
    }

    public boolean isSequence() {
        return node instanceof SequenceNode;
    }

    /** Records a problem at this value. */
    public void problem(String message) {
        ctx.problems().add(position(), path, message);
    }

    /** The scalar's text with {@code ${ENV}} substituted. */
    public Optional<String> asString() {
        if (!isScalar()) {
            problem("expected a text value, got " + describe());
            return Optional.empty();
        }
        ScalarNode scalar = (ScalarNode) node;
        try {
            return Optional.of(ctx.env().resolve(scalar.getValue()));
        } catch (EnvResolver.Unresolved e) {
            ctx.problems().add(positionInScalar(scalar, e.offset()), path, e.getMessage());
            return Optional.empty();
        }
    }

    /**
     * Where character {@code offset} of a scalar's value is in the file: exact for a one-line plain
     * or quoted scalar without escapes (the usual {@code topic: ${X}}), else the scalar's start.
     */
    private Position positionInScalar(ScalarNode scalar, int offset) {
        Position start = position();
        boolean oneLine = scalar.getStartMark().isPresent() && scalar.getEndMark().isPresent()
                && scalar.getStartMark().get().getLine() == scalar.getEndMark().get().getLine();
        int quote = switch (scalar.getScalarStyle()) {
            case PLAIN -> 0;
            case SINGLE_QUOTED, DOUBLE_QUOTED -> 1;
            default -> -1;
        };
        int written = oneLine ? scalar.getEndMark().get().getColumn() - scalar.getStartMark().get().getColumn() : -1;
        if (quote < 0 || written != scalar.getValue().length() + 2 * quote) {
            return start;
        }
        return new Position(start.file(), start.line(), start.column() + quote + offset);
    }

    /** Like {@link #asString()}, but never echoes the value in a message and wraps it in a {@link Secret}. */
    public Optional<Secret> asSecret() {
        if (isNull()) {
            return Optional.of(Secret.empty());
        }
        if (!isScalar()) {
            problem("expected a text value, got " + describe());
            return Optional.empty();
        }
        return asString().map(Secret::of);
    }

    public Optional<Integer> asInt() {
        return convert("an integer", s -> {
            long v = Long.parseLong(s.trim().replace("_", ""));
            if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("out of range");
            }
            return (int) v;
        });
    }

    public Optional<Long> asLong() {
        return convert("an integer", s -> Long.parseLong(s.trim().replace("_", "")));
    }

    public Optional<Boolean> asBoolean() {
        return convert("true or false", s -> switch (s.trim().toLowerCase()) {
            case "true", "yes", "on" -> true;
            case "false", "no", "off" -> false;
            default -> throw new IllegalArgumentException();
        });
    }

    public Optional<Duration> asDuration() {
        return convertExplained(Durations::parse);
    }

    public Optional<Long> asSize() {
        return convertExplained(Durations::parseSize);
    }

    public Optional<JsonPath> asJsonPath() {
        return convertExplained(JsonPath::parse);
    }

    /** A name that becomes an SQL identifier; see {@link Identifiers}. */
    public Optional<String> asIdentifier() {
        return asString().flatMap(s -> {
            if (Identifiers.isSafe(s)) {
                return Optional.of(s);
            }
            problem(s.isEmpty() ? "must not be empty" : "'" + s + "' is not a safe SQL name (" + Identifiers.RULE + ")");
            return Optional.empty();
        });
    }

    /** One of the given words, e.g. a format or a materialization. */
    public Optional<String> asOneOf(String... allowed) {
        return asString().flatMap(s -> {
            for (String a : allowed) {
                if (a.equals(s)) {
                    return Optional.of(s);
                }
            }
            problem("'" + s + "' is not one of " + String.join(", ", allowed)
                    + Suggestions.didYouMean(s, List.of(allowed)));
            return Optional.empty();
        });
    }

    public Optional<ConfigReader> asMapping() {
        if (!(node instanceof MappingNode m)) {
            problem("expected a mapping of keys, got " + describe());
            return Optional.empty();
        }
        return Optional.of(new ConfigReader(ctx, m, path, keyPosition));
    }

    /** A sequence's items; a single scalar is read as a one-item list, as users often write it. */
    public Optional<List<ConfigValue>> asList() {
        if (node instanceof SequenceNode seq) {
            List<ConfigValue> items = new ArrayList<>();
            int i = 0;
            for (Node item : seq.getValue()) {
                items.add(new ConfigValue(ctx, item, path + "[" + i++ + "]", YamlDocument.position(ctx, item)));
            }
            return Optional.of(items);
        }
        if (isScalar()) {
            return Optional.of(List.of(this));
        }
        problem("expected a list, got " + describe());
        return Optional.empty();
    }

    /** A list of strings (a single scalar counts as a list of one). */
    public Optional<List<String>> asStringList() {
        return asList().map(items -> {
            List<String> out = new ArrayList<>();
            for (ConfigValue v : items) {
                v.asString().ifPresent(out::add);
            }
            return out;
        });
    }

    private <T> Optional<T> convert(String expected, Function<String, T> parse) {
        if (!isScalar()) {
            problem("expected " + expected + ", got " + describe());
            return Optional.empty();
        }
        return asString().flatMap(s -> {
            try {
                return Optional.of(parse.apply(s));
            } catch (RuntimeException e) {
                problem("expected " + expected + ", got '" + s + "'");
                return Optional.empty();
            }
        });
    }

    /** For parsers whose {@link IllegalArgumentException} message already explains the accepted form. */
    private <T> Optional<T> convertExplained(Function<String, T> parse) {
        if (!isScalar()) {
            problem("expected a text value, got " + describe());
            return Optional.empty();
        }
        return asString().flatMap(s -> {
            try {
                return Optional.of(parse.apply(s));
            } catch (IllegalArgumentException e) {
                problem(e.getMessage());
                return Optional.empty();
            }
        });
    }

    private String describe() {
        if (isNull()) {
            return "nothing";
        }
        if (node instanceof MappingNode) {
            return "a mapping";
        }
        if (node instanceof SequenceNode) {
            return "a list";
        }
        return "'" + ((ScalarNode) node).getValue() + "'";
    }
}
