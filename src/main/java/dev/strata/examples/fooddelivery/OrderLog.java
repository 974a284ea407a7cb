package dev.strata.examples.fooddelivery;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.stream.Stream;

/**
 * The generator's log: one JSON line per message it produced (index, kind, order id, the exact
 * bytes in base64), appended after the broker acknowledged the message. Ground truth is computed
 * from this file alone, and a restarted generator continues after its last line.
 */
public final class OrderLog implements AutoCloseable {
    private final BufferedWriter out;

    private OrderLog(BufferedWriter out) {
        this.out = out;
    }

    public static OrderLog append(Path file) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            return new OrderLog(Files.newBufferedWriter(file, StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the generator log " + file, e);
        }
    }

    public synchronized void write(OrderMessage m) {
        ObjectNode n = Dictionaries.JSON.createObjectNode();
        n.put("i", m.index());
        n.put("kind", m.kind().name());
        n.put("object_id", m.objectId());
        n.put("value", Base64.getEncoder().encodeToString(m.value()));
        try {
            out.write(n.toString());
            out.newLine();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the generator log", e);
        }
    }

    public synchronized void flush() {
        try {
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the generator log", e);
        }
    }

    @Override
    public synchronized void close() {
        try {
            out.close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot close the generator log", e);
        }
    }

    /** Reads every complete line of a log (a line cut short by a kill is ignored). */
    public static List<OrderMessage> read(Path file) {
        List<OrderMessage> messages = new ArrayList<>();
        if (!Files.exists(file)) {
            return messages;
        }
        try (Stream<String> lines = Files.lines(file, StandardCharsets.UTF_8)) {
            lines.forEach(line -> {
                try {
                    JsonNode n = Dictionaries.JSON.readTree(line);
                    messages.add(new OrderMessage(n.get("i").asLong(), OrderMessage.Kind.valueOf(n.get("kind").asText()),
                            n.get("object_id").asLong(), Base64.getDecoder().decode(n.get("value").asText())));
                } catch (IOException | RuntimeException torn) {
                    // the last line of a killed generator may be incomplete: that message is not counted as produced
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the generator log " + file, e);
        }
        return messages;
    }
}
