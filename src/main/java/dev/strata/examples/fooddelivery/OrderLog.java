package dev.strata.examples.fooddelivery;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.stream.Stream;

/**
 * The generator's log: one JSON line per message of the stream (index, kind, order id, the exact
 * bytes in base64). Ground truth is computed from this file alone, and a restarted generator
 * continues after its last line.
 *
 * <p><b>Written ahead.</b> {@link #write} hands each line to the operating system (no buffer in
 * this process) before the generator sends the message, so after a kill of the JVM the log holds
 * every message the broker may have received, and possibly a few it did not: {@link OrderProducer}
 * checks the tail against the topic on resume. {@link #sync} forces the file to disk (the producer
 * does so after each acknowledged batch).
 *
 * <p><b>Torn lines.</b> A kill in the middle of a write can leave the last line cut short. Opening
 * the log for appending cuts such a tail off first, so the next line starts on a line of its own
 * and no record is lost in a fragment; {@link #read} ignores a torn tail the same way.
 */
public final class OrderLog implements AutoCloseable {
    private final FileChannel out;

    private OrderLog(FileChannel out) {
        this.out = out;
    }

    /** Opens {@code file} for appending (creating it), after cutting off a line a kill left unfinished. */
    public static OrderLog append(Path file) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            long complete = completeLength(ch);
            if (complete < ch.size()) {
                ch.truncate(complete);
                ch.force(false);
            }
            ch.position(complete);
            return new OrderLog(ch);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the generator log " + file, e);
        }
    }

    /** The length of the file up to and including its last newline: what a complete log holds. */
    static long completeLength(FileChannel ch) throws IOException {
        long end = ch.size();
        ByteBuffer buf = ByteBuffer.allocate(8192);
        while (end > 0) {
            long from = Math.max(0, end - buf.capacity());
            buf.clear().limit((int) (end - from));
            while (buf.hasRemaining() && ch.read(buf, from + buf.position()) >= 0) {
                // a file read returns fewer bytes only at its end
            }
            for (int i = buf.position() - 1; i >= 0; i--) {
                if (buf.get(i) == '\n') {
                    return from + i + 1;
                }
            }
            end = from;
        }
        return 0;
    }

    /** Appends the message's line and hands it to the operating system: a kill of this JVM from now on cannot lose it. */
    public synchronized void write(OrderMessage m) {
        ObjectNode n = Dictionaries.JSON.createObjectNode();
        n.put("i", m.index());
        n.put("kind", m.kind().name());
        n.put("object_id", m.objectId());
        n.put("value", Base64.getEncoder().encodeToString(m.value()));
        ByteBuffer line = ByteBuffer.wrap((n + "\n").getBytes(StandardCharsets.UTF_8));
        try {
            while (line.hasRemaining()) {
                out.write(line);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the generator log", e);
        }
    }

    /** Forces what was written to disk, so that it also survives an operating-system crash. */
    public synchronized void sync() {
        try {
            out.force(false);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the generator log", e);
        }
    }

    @Override
    public synchronized void close() {
        try {
            if (out.isOpen()) {
                out.force(false);
            }
            out.close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot close the generator log", e);
        }
    }

    /** Reads every complete line of a log (a last line cut short by a kill is ignored). */
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
