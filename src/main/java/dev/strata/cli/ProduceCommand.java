package dev.strata.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.strata.ErrorCode;
import dev.strata.StrataException;
import dev.strata.app.ProjectDataDir;
import dev.strata.app.SourceFeeder;
import dev.strata.config.JsonPath;
import dev.strata.config.ProjectConfig;
import dev.strata.config.SourceConfig;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code strata produce <source> [file|-] [dir]}: sends JSON lines to where a source reads them, so
 * that a project can be fed without other tools. A file is checked whole before anything is sent;
 * standard input is sent line by line (so {@code tail -f log | strata produce ...} works) and stops
 * at the first bad line.
 */
@Command(name = "produce", description = {"Send JSON lines, one record per line, to a source: to its Kafka topic, "
        + "or into its Redis dictionary under the key <the source's keys prefix><the value at --key>.",
        "With bootstrap: embedded / url: embedded it sends to the servers of the project's running `strata run`."})
final class ProduceCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper();
    @Parameters(index = "0", paramLabel = "source", description = "The source to feed, as named under sources: in strata.yaml.")
    String source;
    @Parameters(index = "1", arity = "0..1", paramLabel = "file", defaultValue = "-",
            description = "A file of JSON lines; - (the default) reads standard input.")
    String file;
    @Parameters(index = "2", arity = "0..1", paramLabel = "dir", defaultValue = ".",
            description = "The project folder holding strata.yaml (default: the current directory).")
    Path dir;
    @Option(names = "--key", paramLabel = "path", description = {"A JSON path into each record, e.g. '$._id'. Redis "
            + "(required): the entry's key is the source's keys prefix and this value (keys: \"user:*\" and "
            + "{\"_id\": 7} give user:7). Kafka: the message key (default: none)."})
    String key;
    @Mixin
    DataDirOption dataDir;
    @Spec
    CommandSpec spec;

    /** One record to send. */
    private record Line(int number, byte[] key, byte[] value) {
    }

    @Override
    public Integer call() throws IOException {
        ProjectConfig config = dev.strata.config.ProjectLoader.withSystemEnv().load(dir);
        SourceConfig src = config.sources().get(source);
        if (src == null) {
            throw new StrataException(ErrorCode.USAGE, "project '" + config.name() + "' has no source '" + source
                    + "' (its sources: " + String.join(", ", config.sourcesInOrder().stream().map(SourceConfig::name).toList()) + ")");
        }
        Optional<JsonPath> keyPath = Optional.ofNullable(key).map(k -> {
            try {
                return JsonPath.parse(k);
            } catch (IllegalArgumentException e) {
                throw new StrataException(ErrorCode.USAGE, "--key: " + e.getMessage());
            }
        });
        String prefix = "";
        if (SourceFeeder.needsKey(src)) {
            prefix = SourceFeeder.keyPrefix(src).orElseThrow(() -> new StrataException(ErrorCode.USAGE, "source '"
                    + source + "' reads Redis keys matching a pattern that is not '<prefix>*': write the entries with "
                    + "your own Redis client"));
            if (keyPath.isEmpty()) {
                throw new StrataException(ErrorCode.USAGE, "source '" + source + "' is a Redis dictionary: give --key, "
                        + "the JSON path of each record's id (e.g. --key '$._id' writes {\"_id\": 7, ...} to "
                        + prefix + "7)");
            }
        }
        PrintWriter out = spec.commandLine().getOut();
        Path data = ProjectDataDir.locate(config.directory(), dataDir.get());
        String name = file.equals("-") ? "<stdin>" : file;
        int sent = 0;
        String firstKey = null;
        if (!file.equals("-")) {
            List<Line> lines = new ArrayList<>();
            List<String> problems = new ArrayList<>();
            try (BufferedReader r = reader(InputFiles.open(Path.of(file), "the records to send"))) {
                read(r, name, keyPath, prefix, lines::add, problems);
            }
            if (!problems.isEmpty()) {
                throw new StrataException(ErrorCode.USAGE, String.join("\n", problems.subList(0, Math.min(10, problems.size())))
                        + (problems.size() > 10 ? "\n... and " + (problems.size() - 10) + " more" : "")
                        + "\nnothing was sent");
            }
            try (SourceFeeder feeder = SourceFeeder.open(config, src, data)) {
                for (Line l : lines) {
                    feeder.send(l.key(), l.value());
                    sent++;
                    firstKey = firstKey == null && l.key() != null ? new String(l.key(), StandardCharsets.UTF_8) : firstKey;
                }
                out.println(summary(sent, feeder, firstKey));
            }
            return 0;
        }
        try (SourceFeeder feeder = SourceFeeder.open(config, src, data);
             BufferedReader r = reader(System.in)) {
            List<String> problems = new ArrayList<>();
            int[] count = {0};
            String[] first = {null};
            read(r, name, keyPath, prefix, l -> {
                if (problems.isEmpty()) {
                    feeder.send(l.key(), l.value());
                    count[0]++;
                    if (first[0] == null && l.key() != null) {
                        first[0] = new String(l.key(), StandardCharsets.UTF_8);
                    }
                }
            }, problems);
            if (!problems.isEmpty()) {
                feeder.close();
                throw new StrataException(ErrorCode.USAGE, problems.get(0) + "\nstopped there: " + count[0]
                        + " earlier record(s) were sent");
            }
            out.println(summary(count[0], feeder, first[0]));
        }
        return 0;
    }

    private static String summary(int sent, SourceFeeder feeder, String firstKey) {
        return "sent " + sent + " record(s) to " + feeder.target() + (firstKey == null ? "" : " (first key " + firstKey + ")");
    }

    /** Reads JSON lines until the end or the first problem (a bad line stops stdin, files collect them all). */
    private void read(BufferedReader r, String name, Optional<JsonPath> keyPath, String prefix,
                      java.util.function.Consumer<Line> sink, List<String> problems) throws IOException {
        String text;
        int n = 0;
        boolean stopAtFirst = file.equals("-");
        try {
            while ((text = r.readLine()) != null) {
                n++;
                if (n == 1 && text.startsWith("\uFEFF")) {
                    text = text.substring(1);
                }
                if (text.isBlank()) {
                    continue;
                }
                JsonNode node;
                try {
                    node = JSON.readTree(text);
                } catch (JsonProcessingException e) {
                    problems.add(name + ":" + n + ":" + Math.max(1, e.getLocation() == null ? 1 : e.getLocation().getColumnNr())
                            + ": not a JSON value: " + e.getOriginalMessage());
                    if (stopAtFirst) {
                        return;
                    }
                    continue;
                }
                byte[] k = null;
                if (keyPath.isPresent()) {
                    JsonNode at = at(node, keyPath.get());
                    if (at == null || at.isNull() || at.isMissingNode()) {
                        problems.add(name + ":" + n + ":1: no value at " + keyPath.get() + " (--key)");
                        if (stopAtFirst) {
                            return;
                        }
                        continue;
                    }
                    k = (prefix + (at.isValueNode() ? at.asText() : at.toString())).getBytes(StandardCharsets.UTF_8);
                }
                sink.accept(new Line(n, k, text.getBytes(StandardCharsets.UTF_8)));
            }
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new StrataException(ErrorCode.USAGE, name + ":" + (n + 1) + ": not UTF-8 text; nothing after line " + n
                    + " was read");
        }
    }

    private static JsonNode at(JsonNode node, JsonPath path) {
        JsonNode at = node;
        for (String s : path.segments()) {
            if (at == null) {
                return null;
            }
            at = at.isArray() && s.chars().allMatch(Character::isDigit) ? at.get(Integer.parseInt(s)) : at.get(s);
        }
        return at;
    }

    private static BufferedReader reader(InputStream in) {
        return new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT)));
    }
}
